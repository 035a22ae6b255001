package dev.sandgate.tunnel.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the bytes a WebSocket client reads and fails the read that would complete a message longer than a limit.
 * OkHttp collects a whole message before handing it over, with no limit of its own, so a gateway could make it hold a
 * gigabyte; this stream reads the frame headers as they pass and stops at the header that crosses the limit, before
 * OkHttp sees it.
 *
 * <p>It first passes the HTTP answer head through; when the answer is not {@code 101 Switching Protocols} it watches
 * nothing more (the bytes are an error body, not frames). Frames from a server are not masked, but a mask is skipped
 * if one is there. Control frames (close, ping, pong) carry at most 125 bytes and are not counted.
 */
final class WebSocketMessageGuard extends FilterInputStream {
    private enum State { HEAD, FRAME_HEADER, PAYLOAD, PASS }

    private static final int MAX_STATUS_LINE = 256;

    private final long limit;
    private State state = State.HEAD;
    private final StringBuilder statusLine = new StringBuilder();
    private boolean statusLineDone;
    private int lineLength;
    private final byte[] header = new byte[14];
    private int headerRead;
    private long payloadLeft;
    private long messageLength;
    private WebSocketMessageTooLargeException failure;

    WebSocketMessageGuard(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        int n = super.read(buffer, offset, length);
        if (n > 0 && state != State.PASS) {
            watch(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes must be watched too
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void watch(byte[] bytes, int offset, int length) throws WebSocketMessageTooLargeException {
        int i = offset;
        int end = offset + length;
        while (i < end && state != State.PASS) {
            switch (state) {
                case HEAD:
                    head(bytes[i++]);
                    break;
                case FRAME_HEADER:
                    header[headerRead++] = bytes[i++];
                    if (headerRead >= 2 && headerRead == headerLength()) {
                        frameHeaderComplete();
                    }
                    break;
                case PAYLOAD:
                    int skipped = (int) Math.min(payloadLeft, end - i);
                    i += skipped;
                    payloadLeft -= skipped;
                    if (payloadLeft == 0) {
                        state = State.FRAME_HEADER;
                    }
                    break;
                default:
                    return;
            }
        }
    }

    /** One byte of the HTTP answer head: remembers the status line and notices the blank line that ends the head. */
    private void head(byte b) {
        if (b == '\n') {
            if (!statusLineDone) {
                statusLineDone = true;
            } else if (lineLength == 0) {
                state = isSwitchingProtocols() ? State.FRAME_HEADER : State.PASS;
            }
            lineLength = 0;
            return;
        }
        if (b == '\r') {
            return;
        }
        lineLength++;
        if (!statusLineDone && statusLine.length() < MAX_STATUS_LINE) {
            statusLine.append((char) (b & 0xff));
        }
    }

    private boolean isSwitchingProtocols() {
        String[] parts = statusLine.toString().split(" ", 3);
        return parts.length >= 2 && parts[0].startsWith("HTTP/") && parts[1].equals("101");
    }

    private int headerLength() {
        int lengthCode = header[1] & 0x7f;
        int extended = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    private void frameHeaderComplete() throws WebSocketMessageTooLargeException {
        int opcode = header[0] & 0x0f;
        int lengthCode = header[1] & 0x7f;
        long payload;
        if (lengthCode == 126) {
            payload = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        } else if (lengthCode == 127) {
            payload = 0;
            for (int k = 2; k < 10; k++) {
                payload = (payload << 8) | (header[k] & 0xffL);
            }
        } else {
            payload = lengthCode;
        }
        headerRead = 0;
        boolean control = (opcode & 0x08) != 0;
        if (!control && (header[0] & 0x40) != 0) {
            // a compressed frame (permessage-deflate, RSV1) would be inflated whole, past any limit on its wire size;
            // compression is never offered, so such a frame is a protocol error either way
            failure = new WebSocketMessageTooLargeException("the gateway sent a compressed WebSocket frame, which"
                    + " Sandgate does not offer and cannot bound; send SSH bytes uncompressed");
            throw failure;
        }
        if (!control) {
            boolean continuation = opcode == 0;
            // a negative length (top bit set) is larger than any limit
            messageLength = payload < 0 ? Long.MAX_VALUE
                    : continuation ? saturatedAdd(messageLength, payload) : payload;
            if (messageLength > limit) {
                failure = new WebSocketMessageTooLargeException(limit, messageLength);
                throw failure;
            }
        }
        payloadLeft = payload;
        state = payload == 0 ? State.FRAME_HEADER : State.PAYLOAD;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** The gateway sent (or began) a WebSocket message longer than the limit; the tunnel ends. */
    static final class WebSocketMessageTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        WebSocketMessageTooLargeException(long limit, long seen) {
            this("the gateway sent a WebSocket message of " + (seen == Long.MAX_VALUE ? "an impossible length"
                    : "at least " + seen + " bytes") + ", more than the limit of " + limit
                    + " bytes (TransportOptions.maxWebSocketMessage)");
        }

        WebSocketMessageTooLargeException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "WebSocketMessageGuard{limit=" + limit + ", state=" + state + "}";
    }
}
