package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.TransferFailedException;
import dev.sandgate.sftp.TransferListener;
import dev.sandgate.sftp.TransferResult;

/**
 * One run of a {@code TreeTransfer}: the calling thread walks the source ({@link TransferWalker}) and creates the
 * directories ({@link TargetDirectories}), a fixed pool of workers ({@link TransferWorkers}) copies the files
 * ({@link FileCopy}); the counts and failures gather in {@link TransferCounts} and {@link TransferFailures}. Used once.
 * Public only for {@code TreeTransfer}: the package is not exported.
 */
public final class TransferRun {
    static final String THREAD_PREFIX = "sandgate-transfer-";
    /**
     * The deepest directory a walk enters. A real tree stays far above it (Linux paths are at most 4096 bytes, so at
     * most 2048 levels); a hostile server could list a directory inside itself forever.
     */
    static final int MAX_DEPTH = 2048;

    private final Path source;
    private final Path target;
    private final TransferListener listener;
    private final boolean resume;
    private final long maxEntries;
    private final TransferCounts counts = new TransferCounts();
    private final TransferFailures failures = new TransferFailures();
    private final TargetDirectories directories = new TargetDirectories(counts);
    private final FileCopy copy;
    private final TransferWorkers workers;
    private final int concurrency;

    /**
     * Prepares a run; {@link #execute()} runs it.
     *
     * @param source      a directory whose contents go into {@code target}, or a regular file copied to it
     * @param target      where to copy to
     * @param concurrency how many files are copied at once
     * @param listener    hears progress, from several threads
     * @param resume      whether complete target files are skipped and partial ones continued
     * @param maxEntries  the most entries the walk visits
     * @param executor    runs the file copies, or null for the shared default
     */
    public TransferRun(Path source, Path target, int concurrency, TransferListener listener, boolean resume,
                       long maxEntries, java.util.concurrent.Executor executor) {
        this.source = source;
        this.target = target;
        this.listener = listener;
        this.resume = resume;
        this.maxEntries = maxEntries;
        this.copy = new FileCopy(listener, counts, failures);
        this.concurrency = concurrency;
        this.workers = new TransferWorkers(concurrency, executor == null ? TransferWorkers.SHARED : executor);
    }

    /**
     * Runs the transfer; every file copy of this run has ended when it returns or throws.
     *
     * @return what was copied and skipped
     * @throws TransferFailedException the transfer stopped at an error
     * @throws InterruptedIOException  the calling thread was interrupted (its flag is set again)
     */
    public TransferResult execute() throws IOException {
        TransferEvent event = new TransferEvent();
        event.begin();
        try {
            return run();
        } catch (IOException | RuntimeException e) {
            event.failure = e.getClass().getSimpleName();
            throw e;
        } finally {
            if (event.shouldCommit()) {
                TransferResult result = counts.result();
                event.filesCopied = result.filesCopied();
                event.filesSkipped = result.filesSkipped();
                event.bytes = result.bytesTransferred();
                event.concurrency = concurrency;
                event.commit();
            }
        }
    }

    private TransferResult run() throws IOException {
        boolean interrupted = false;
        try {
            start();
        } catch (IOException | RuntimeException e) {
            // a SocketTimeoutException is an InterruptedIOException too: only the flag tells an interrupt
            if (!(e instanceof InterruptedIOException) || !Thread.currentThread().isInterrupted()) {
                fail(source, target, e);
            }
        } finally {
            interrupted |= workers.awaitAll(failures::stop);
        }
        TransferFailures.Failure first = failures.first();
        if (interrupted) {
            Thread.currentThread().interrupt();
            InterruptedIOException e = new InterruptedIOException("transfer of " + source + " interrupted");
            e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, counts.bytesTransferred.sum());
            if (first != null) {
                e.addSuppressed(first.error());
            }
            throw e;
        }
        if (first != null) {
            TransferFailedException e = new TransferFailedException(first.source().toString(),
                    first.target() == null ? null : first.target().toString(), describe(first.error()),
                    first.error(), counts.result());
            failures.later().forEach(e::addSuppressed);
            throw e;
        }
        return counts.result();
    }

    private void start() throws IOException {
        Path root = source;
        BasicFileAttributes attributes = Files.readAttributes(root, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            root = source.toRealPath();
            attributes = Files.readAttributes(root, BasicFileAttributes.class);
        }
        if (!attributes.isDirectory() && !attributes.isRegularFile()) {
            skip(source, target, SkipReason.NOT_REGULAR);
            return;
        }
        if (root.getFileSystem().equals(target.getFileSystem())
                && target.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
            throw new FileSystemException(source.toString(), target.toString(),
                    "the target is the source or lies inside it");
        }
        if (attributes.isRegularFile()) {
            Path parent = target.getParent();
            boolean fresh = parent != null && directories.createRoot(parent, CopyPermissions.NONE);
            submit(root, target, attributes, resume && !fresh);
        } else {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH,
                    new TransferWalker(this, root, target, maxEntries, resume));
        }
    }

    TargetDirectories directories() {
        return directories;
    }

    boolean stopping() {
        return failures.stopping();
    }

    /** Hands a file to the workers, waiting for a queue slot; nothing starts once the run is stopping. */
    void submit(Path from, Path to, BasicFileAttributes attributes, boolean lookFirst) throws InterruptedIOException {
        if (failures.stopping()) {
            return;
        }
        try {
            workers.submit(() -> {
                try {
                    if (!failures.stopping()) {
                        copy.copy(from, to, attributes, lookFirst);
                    }
                } catch (Throwable e) {
                    fail(from, to, e);
                }
            }, source.toString());
        } catch (InterruptedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            fail(from, to, e);
        }
    }

    void skip(Path from, Path to, SkipReason reason) {
        counts.filesSkipped.increment();
        listener.fileSkipped(from, to, reason);
    }

    void fail(Path from, Path to, Throwable error) {
        failures.fail(from, to, error);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }
}
