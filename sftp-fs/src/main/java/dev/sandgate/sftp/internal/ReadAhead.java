package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Sequential reads with many {@code READ} requests in flight, the way OpenSSH's client keeps its window full. The
 * window starts small (so a small file costs one round trip, not dozens of wasted requests) and doubles with each
 * full answer up to the configured depth.
 */
final class ReadAhead {
    private static final class Pending {
        final int id;
        final long offset;
        final int length;

        Pending(int id, long offset, int length) {
            this.id = id;
            this.offset = offset;
            this.length = length;
        }
    }

    private final RemoteFile file;
    private final long bytesInFlight;
    private int maxInFlight;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int requestSize;
    private int window;
    private long nextRequest;
    private byte[] current;
    private int currentPosition;
    private int currentLimit;
    private long position;
    private boolean endOfFile;

    ReadAhead(RemoteFile file, long position, int requestSize, long bytesInFlight) {
        this.file = file;
        this.requestSize = requestSize;
        this.bytesInFlight = bytesInFlight;
        this.maxInFlight = RemoteFile.requestsWithin(bytesInFlight, requestSize);
        this.window = Math.min(2, maxInFlight);
        this.position = position;
        this.nextRequest = position;
    }

    /** The file offset of the next byte this pipeline hands out. */
    long position() {
        return position;
    }

    /** Reads into {@code target} at {@link #position()}: the count, or -1 at the end of the file. */
    int read(ByteBuffer target) throws IOException {
        while (current == null || currentPosition == currentLimit) {
            if (endOfFile) {
                return -1;
            }
            fill();
        }
        int count = Math.min(target.remaining(), currentLimit - currentPosition);
        target.put(current, currentPosition, count);
        currentPosition += count;
        position += count;
        return count;
    }

    private void fill() throws IOException {
        while (pending.size() < window) {
            pending.add(new Pending(file.sendRead(nextRequest, requestSize), nextRequest, requestSize));
            nextRequest += requestSize;
        }
        Pending head = pending.poll();
        RemoteFile.Chunk chunk;
        try {
            chunk = file.receiveRead(head.id, head.length);
        } catch (IOException e) {
            drain();
            throw e;
        }
        if (chunk == null) {
            endOfFile = true;
            drain();
            return;
        }
        current = chunk.data;
        currentPosition = 0;
        currentLimit = chunk.length;
        if (chunk.length == head.length) {
            window = Math.min(maxInFlight, window * 2);
            return;
        }
        // A short answer: the end of the file is near, or the server caps its reads below our request size.
        Pending next = pending.poll();
        RemoteFile.Chunk after = null;
        if (next != null) {
            try {
                after = file.receiveRead(next.id, next.length);
            } catch (IOException e) {
                drain();
                throw e;
            }
        }
        drain();
        nextRequest = head.offset + chunk.length;
        if (next != null && after == null) {
            endOfFile = true; // the server said EOF just past this answer: it was the last piece
        } else if (after != null && chunk.length > 0) {
            requestSize = chunk.length; // the server's own cap; ask no more than that from now on
            maxInFlight = RemoteFile.requestsWithin(bytesInFlight, requestSize);
            window = Math.max(2, window);
        }
    }

    /** Leaves the answers still in flight to be dropped when they come, waiting for none (an interrupt ends it). */
    void abandon() {
        for (Pending abandoned; (abandoned = pending.poll()) != null; ) {
            file.sftp().abandonReply(abandoned.id);
        }
    }

    /** Collects the answers still in flight, so none is left behind in the client. */
    void drain() {
        while (!pending.isEmpty()) {
            try {
                Pending abandoned = pending.poll();
                file.receiveRead(abandoned.id, abandoned.length);
            } catch (IOException ignored) {
                // the pipeline is being abandoned; what the server said about its requests no longer matters
            }
        }
    }
}
