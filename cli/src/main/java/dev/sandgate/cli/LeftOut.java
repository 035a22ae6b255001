package dev.sandgate.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.sandgate.cert.Visible;
import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.TransferListener;

/**
 * Passes everything on to the next listener and remembers the entries a copy left out (links, devices, pipes), so
 * that cp can name them once it is over instead of dropping them without a word. Up-to-date files are not left out.
 * It also remembers the files whose source had grown past the size it was listed with (cut at that size), which cp
 * names as tar does: "file changed as we read it".
 * Whatever name and reason a skip carries (a link, a name that is not a single file name such as {@code ../x}) are
 * printed through {@link Visible}.
 */
final class LeftOut implements TransferListener {
    /** How many entries are named one by one; the rest are counted. */
    static final int NAMED = 20;

    private final TransferListener next;
    private final Queue<String> named = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();
    private final Queue<String> changed = new ConcurrentLinkedQueue<>();
    private final AtomicLong changedCount = new AtomicLong();

    LeftOut(TransferListener next) {
        this.next = next;
    }

    @Override
    public void fileStarted(Path source, Path target, long size) {
        next.fileStarted(source, target, size);
    }

    @Override
    public void bytesTransferred(Path source, long bytes) {
        next.bytesTransferred(source, bytes);
    }

    @Override
    public void fileCompleted(Path source, Path target, long bytes) {
        next.fileCompleted(source, target, bytes);
    }

    @Override
    public void fileSkipped(Path source, Path target, SkipReason reason) {
        next.fileSkipped(source, target, reason);
        if (reason != SkipReason.UP_TO_DATE && count.incrementAndGet() <= NAMED) {
            named.add(source + " (" + reason + ")");
        }
    }

    @Override
    public void fileChanged(Path source, Path target, long listedSize) {
        next.fileChanged(source, target, listedSize);
        if (changedCount.incrementAndGet() <= NAMED) {
            changed.add(source + " (cut at the " + listedSize + " bytes it was listed with)");
        }
    }

    /**
     * Names the files that changed while copied, one line each, on {@code err}: always, since what was written
     * differs from the source as it is now.
     */
    void reportChanged(PrintStream err) {
        for (String entry : changed) {
            err.println("sandgate: file changed as we read it: " + Visible.of(entry));
        }
        long unnamed = changedCount.get() - changed.size();
        if (unnamed > 0) {
            err.println("sandgate: file changed as we read it: " + unnamed + " more files");
        }
    }

    /** Names what was left out, one line each, on {@code err}; prints nothing when nothing was. */
    void report(PrintStream err) {
        for (String entry : named) {
            // the name is the server's: shown escaped, so it cannot move the cursor or forge a line of its own
            err.println("sandgate: not copied: " + Visible.of(entry));
        }
        long unnamed = count.get() - named.size();
        if (unnamed > 0) {
            err.println("sandgate: not copied: " + unnamed + " more entries that are not regular files or directories");
        }
    }
}
