package dev.sandgate.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.TransferListener;

/**
 * A one-line progress bar on a terminal's stderr: percentage, bytes, rate and files, redrawn at most five times a
 * second by whichever transfer thread finds it due.
 */
final class Progress implements TransferListener {
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream terminal;
    private final long totalBytes;
    private final long totalFiles;
    private final long started = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong lastDrawn = new AtomicLong(started - REDRAW_NANOS);

    Progress(PrintStream terminal, long totalBytes, long totalFiles) {
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.totalFiles = totalFiles;
    }

    @Override
    public void bytesTransferred(Path source, long count) {
        bytes.addAndGet(count);
        redrawIfDue();
    }

    @Override
    public void fileCompleted(Path source, Path target, long count) {
        files.incrementAndGet();
        redrawIfDue();
    }

    @Override
    public void fileSkipped(Path source, Path target, SkipReason reason) {
        files.incrementAndGet();
        redrawIfDue();
    }

    private void redrawIfDue() {
        long now = System.nanoTime();
        long last = lastDrawn.get();
        if (now - last >= REDRAW_NANOS && lastDrawn.compareAndSet(last, now)) {
            draw(now);
        }
    }

    private synchronized void draw(long now) {
        if (finished.get()) {
            return;
        }
        long done = bytes.get();
        int percent = totalBytes == 0 ? 100 : (int) Math.min(100, done * 100 / totalBytes);
        int width = 24;
        int filled = percent * width / 100;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        terminal.print(String.format(Locale.ROOT, "\r[%s%s] %3d%% %s / %s  %s/s  %d/%d files ",
                "#".repeat(filled), " ".repeat(width - filled), percent, size(done), size(totalBytes),
                size((long) (done / seconds)), files.get(), totalFiles));
        terminal.flush();
    }

    /**
     * Draws the final state and ends the line, once: when the copy ends, or when Ctrl-C or a signal ends the JVM during
     * it, so that the shell's prompt does not land on the bar.
     */
    synchronized void finish() {
        if (!finished.get()) {
            draw(System.nanoTime());
            // after this line nothing more is drawn: the transfer's threads go on until the JVM halts
            finished.set(true);
            terminal.println();
            terminal.flush();
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
