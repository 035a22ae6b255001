package dev.sandgate.sftp.internal;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.sandgate.sftp.TransferResult;

/** What one transfer run has done so far, counted from many threads; its {@link TransferResult} at any moment. */
final class TransferCounts {
    final LongAdder filesCopied = new LongAdder();
    final LongAdder filesSkipped = new LongAdder();
    final LongAdder filesResumed = new LongAdder();
    final LongAdder filesChanged = new LongAdder();
    final LongAdder bytesTransferred = new LongAdder();
    final LongAdder directoriesCreated = new LongAdder();
    private final long startNanos = System.nanoTime();

    TransferResult result() {
        return new TransferResult(filesCopied.sum(), filesSkipped.sum(), filesResumed.sum(), filesChanged.sum(),
                bytesTransferred.sum(), directoriesCreated.sum(), Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
