package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Writes with many {@code WRITE} requests in flight. Every status is checked: the first failure is kept and thrown
 * by the next write, by {@link #flush()} and so at the latest by the channel's {@code close()}.
 */
final class WriteBehind {
    private final RemoteFile file;
    private final int requestSize;
    private final int maxInFlight;
    private final ArrayDeque<Integer> pending = new ArrayDeque<>();
    private IOException failure;
    private boolean reported;

    WriteBehind(RemoteFile file, int requestSize, int maxInFlight) {
        this.file = file;
        this.requestSize = requestSize;
        this.maxInFlight = maxInFlight;
    }

    /** Sends all of {@code source} to be written at {@code offset}; returns the count sent. */
    int write(long offset, ByteBuffer source) throws IOException {
        throwIfFailed();
        int total = source.remaining();
        long at = offset;
        while (source.hasRemaining()) {
            while (pending.size() >= maxInFlight) {
                collectOne();
                throwIfFailed();
            }
            int length = Math.min(requestSize, source.remaining());
            pending.add(file.sendWrite(at, source, length));
            at += length;
        }
        return total;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Waits for every write in flight and throws the first failure, if any. */
    void flush() throws IOException {
        while (!pending.isEmpty()) {
            collectOne();
        }
        throwIfFailed();
    }

    private void collectOne() {
        int id = pending.poll();
        try {
            file.receiveStatus(id);
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            while (!pending.isEmpty()) {
                collectOne();
            }
            if (!reported) {
                reported = true;
                throw failure;
            }
            // a fresh exception each later time: the caller may already hold the first (try-with-resources adds the
            // close failure to it as suppressed, which must not be the same object)
            java.nio.file.FileSystemException again = new java.nio.file.FileSystemException(
                    failure instanceof java.nio.file.FileSystemException
                            ? ((java.nio.file.FileSystemException) failure).getFile() : null,
                    null, "an earlier write failed: " + failure.getMessage());
            again.initCause(failure);
            throw again;
        }
    }
}
