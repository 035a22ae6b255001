package dev.sandgate.sftp.internal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The failures of one transfer run: the first, which stops it, and up to ten later ones, which ride along as
 * suppressed exceptions. Once anything failed (or the run was interrupted) the run is stopping: no file starts after
 * it, and files in flight stop at their next chunk.
 */
final class TransferFailures {
    private static final int MAX_LATER = 10;

    /** The first failure: the source and target it happened on, and what happened. */
    record Failure(Path source, Path target, Throwable error) {
    }

    private final AtomicReference<Failure> first = new AtomicReference<>();
    private final Queue<Throwable> later = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;

    void fail(Path source, Path target, Throwable error) {
        Throwable cause = error instanceof UncheckedIOException && error.getCause() != null ? error.getCause() : error;
        if (!first.compareAndSet(null, new Failure(source, target, cause)) && later.size() < MAX_LATER
                && first.get().error() != cause) {
            later.add(cause);
        }
        stopping = true;
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** The first failure, or null when nothing failed. */
    Failure first() {
        return first.get();
    }

    List<Throwable> later() {
        return List.copyOf(later);
    }
}
