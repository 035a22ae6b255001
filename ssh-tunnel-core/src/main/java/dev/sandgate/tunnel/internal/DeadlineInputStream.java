package dev.sandgate.tunnel.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input for a handshake that must end by a deadline: each read may wait only for the time left, so a
 * peer that trickles one byte at a time cannot stretch the handshake past it.
 */
final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private final long deadlineNanos;

    DeadlineInputStream(Socket socket, InputStream in, long deadlineNanos) {
        super(in);
        this.socket = socket;
        this.deadlineNanos = deadlineNanos;
    }

    private void limitNextRead() throws IOException {
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }

    @Override
    public int read() throws IOException {
        limitNextRead();
        return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        limitNextRead();
        return super.read(buffer, offset, length);
    }
}
