package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import dev.sandgate.sftp.SftpConnectionLostException;
import dev.sandgate.sftp.WriteOutcomeUnknownException;

/**
 * Writes with many {@code WRITE} requests in flight. Every status is checked: the first failure is kept and thrown
 * by the next write, by {@link #flush()} and so at the latest by the channel's {@code close()}.
 *
 * <p>Small writes that follow one another are joined into requests of the full size: {@code Files.copy} and
 * {@code OutputStream}s write 8 KiB at a time, and four times the requests cost four times the per-message work
 * (packets, encryption, replies). Joined bytes wait here until the request is full or {@link #flush()} sends them;
 * the channel flushes before anything that asks the server about the file.
 *
 * <p>A loss of the connection is told apart by what was outstanding: with bytes taken and not acknowledged (in flight
 * or joined) their outcome is unknown ({@code WriteOutcomeUnknownException}); with everything acknowledged the
 * handle is merely gone ({@code SftpConnectionLostException}). Either way nothing is re-sent on a new connection.
 */
final class WriteBehind {
    /** The joining buffer's first size: a small file written through a stream needs no more. */
    private static final int FIRST_JOIN = 16 * 1024;

    private final RemoteFile file;
    private final int requestSize;
    private final int maxInFlight;
    private final ArrayDeque<Sent> pending = new ArrayDeque<>();
    /** Bytes the server confirmed written. */
    private long acknowledged;
    /** Bytes joined for the next request, to be written at {@link #joinedAt}; made on the first small write. */
    private ByteBuffer joined;
    private long joinedAt;
    private IOException failure;
    private boolean reported;

    /** A write request in flight: its id and how many bytes it carries. */
    private record Sent(int id, int length) {
    }

    WriteBehind(RemoteFile file, int requestSize, long bytesInFlight) {
        this.file = file;
        this.requestSize = requestSize;
        this.maxInFlight = RemoteFile.requestsWithin(bytesInFlight, requestSize);
    }

    /** Takes all of {@code source} to be written at {@code offset}; returns the count taken. */
    int write(long offset, ByteBuffer source) throws IOException {
        throwIfFailed();
        failIfConnectionLost();
        int total = source.remaining();
        long at = offset;
        if (joinedLength() > 0 && at != joinedAt + joinedLength()) {
            sendJoined();
        }
        while (source.hasRemaining()) {
            if (joinedLength() == 0 && source.remaining() >= requestSize) {
                send(at, source, requestSize);
                at += requestSize;
                continue;
            }
            if (joinedLength() == 0) {
                joinedAt = at;
            }
            int length = Math.min(requestSize - joinedLength(), source.remaining());
            ByteBuffer slice = source.slice();
            slice.limit(length);
            joinRoomFor(length).put(slice);
            source.position(source.position() + length);
            at += length;
            if (joinedLength() == requestSize) {
                sendJoined();
            }
        }
        return total;
    }

    private int joinedLength() {
        return joined == null ? 0 : joined.position();
    }

    /**
     * The joining buffer, with room for {@code length} more bytes. It starts small and doubles up to the request size,
     * so that a small file written through a stream costs a small buffer, not a whole request's.
     */
    private ByteBuffer joinRoomFor(int length) {
        if (joined == null) {
            joined = ByteBuffer.allocate(Math.min(requestSize, Math.max(FIRST_JOIN, length)));
        } else if (joined.remaining() < length) {
            int needed = joined.position() + length;
            ByteBuffer larger = ByteBuffer.allocate(Math.min(requestSize, Math.max(needed, joined.capacity() * 2)));
            joined.flip();
            larger.put(joined);
            joined = larger;
        }
        return joined;
    }

    private void send(long at, ByteBuffer source, int length) throws IOException {
        while (pending.size() >= maxInFlight) {
            collectOne();
            throwIfFailed();
        }
        try {
            pending.add(new Sent(file.sendWrite(at, source, length), length));
        } catch (SftpConnectionLostException lost) {
            // some of the request may have gone out before the loss
            failed(lost);
            throwIfFailed();
        }
    }

    /**
     * A channel found dead before anything more is sent: whether anything it took is unacknowledged decides which
     * failure it is.
     */
    private void failIfConnectionLost() throws IOException {
        if (failure == null && !file.sftp().isOpen()) {
            SftpConnectionLostException lost = SftpErrors.lost(file.path().toString(), null, file.sftp(), null);
            failure = pending.isEmpty() && joinedLength() == 0
                    ? SftpErrors.writeChannelLost(file.path().toString(), acknowledged, lost)
                    : SftpErrors.writeOutcomeUnknown(file.path().toString(), acknowledged, lost);
            throwIfFailed();
        }
    }

    /** Keeps the first failure; a loss while a write was unacknowledged leaves that write's outcome unknown. */
    private void failed(IOException e) {
        if (failure != null) {
            return;
        }
        failure = e instanceof SftpConnectionLostException lost && !(e instanceof WriteOutcomeUnknownException)
                ? SftpErrors.writeOutcomeUnknown(file.path().toString(), acknowledged, lost) : e;
    }

    /** Sends what is joined, if anything and no write failed, without waiting for any status. */
    void sendWhatIsJoined() throws IOException {
        if (joinedLength() > 0 && failure == null) {
            sendJoined();
        }
    }

    private void sendJoined() throws IOException {
        joined.flip();
        try {
            send(joinedAt, joined, joined.remaining());
        } finally {
            joined.clear();
        }
    }

    /** Sends what is joined, waits for every write in flight and throws the first failure, if any. */
    void flush() throws IOException {
        sendWhatIsJoined();
        while (!pending.isEmpty()) {
            collectOne();
        }
        throwIfFailed();
    }

    private void collectOne() {
        Sent sent = pending.poll();
        try {
            file.receiveStatus(sent.id());
            acknowledged += sent.length();
        } catch (IOException e) {
            failed(e);
        }
    }

    /**
     * Gives up without waiting (the writing thread was interrupted): joined bytes are dropped and the statuses of the
     * writes in flight are left to be dropped when they come; the file is as far as the server got.
     */
    void abandon() {
        for (Sent sent; (sent = pending.poll()) != null; ) {
            file.sftp().abandonReply(sent.id());
        }
        if (joined != null) {
            joined.clear();
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
            throw SftpErrors.earlierWriteFailed(failure);
        }
    }
}
