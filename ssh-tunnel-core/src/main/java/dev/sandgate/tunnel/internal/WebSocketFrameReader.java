package dev.sandgate.tunnel.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a server's WebSocket frames (RFC 6455) and hands binary payload on. A message in one frame (what gateways
 * send) goes on in pieces as it arrives; a message in fragments is collected and goes on whole when its last fragment
 * comes, so none of a message that turns out too long is passed on. A message longer than a limit ends the reading
 * at the header that crosses it, before its payload is read. Server frames must not be masked, reserved bits must be clear (no extension is offered) and control frames
 * must be whole and short; anything else is a {@link ProtocolException}.
 */
final class WebSocketFrameReader {
    static final int NO_STATUS = 1005;

    /** What the frames say, in order. */
    interface Frames {
        /** A piece of a binary message; the buffer is reused after the call returns. */
        void binary(ByteBuffer piece) throws IOException;

        /** A text message began: not part of the tunnel protocol. Reading stops. */
        void text() throws IOException;

        void ping(byte[] payload) throws IOException;

        void pong();

        /** A close frame: its code ({@link #NO_STATUS} if it had none) and reason. Reading stops. */
        void close(int code, String reason) throws IOException;
    }

    private final InputStream in;
    private final long maxMessage;
    /** The most of a frame's payload passed on at once. */
    private static final int PIECE = 64 * 1024;

    /** Where payloads are read: a small array of its own for short frames, a pooled large one for long ones. */
    private byte[] smallPiece;
    private final byte[] header = new byte[8];
    /** Bytes of the binary message in progress, or -1 between messages. */
    private long messageLength = -1;
    /** The fragments so far of a message in several frames. */
    private ByteArrayOutputStream fragments;

    WebSocketFrameReader(InputStream in, long maxMessage) {
        this.in = in;
        this.maxMessage = maxMessage;
    }

    /**
     * Reads one frame and tells {@code frames} about it.
     *
     * @return false when the stream ended cleanly before a frame, or the frame was a close or text frame (no more
     *         frames are read)
     * @throws EOFException if the stream ends inside a frame
     */
    boolean next(Frames frames) throws IOException {
        int first = in.read();
        if (first < 0) {
            return false;
        }
        int second = readByte();
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        if ((first & 0x70) != 0) {
            throw new ProtocolException((first & 0x40) != 0
                    ? "the gateway sent a compressed WebSocket frame, which Sandgate does not offer and cannot bound;"
                            + " send SSH bytes uncompressed"
                    : "the gateway sent a WebSocket frame with reserved bits set, but no extension was agreed");
        }
        if ((second & 0x80) != 0) {
            throw new ProtocolException("the gateway sent a masked WebSocket frame; a server's frames are never"
                    + " masked (RFC 6455, section 5.1)");
        }
        long length = payloadLength(second & 0x7F);
        if ((opcode & 0x08) != 0) {
            return control(frames, opcode, fin, length);
        }
        if (opcode == WebSocketFrameWriter.OPCODE_TEXT) {
            frames.text();
            return false;
        }
        if (opcode == WebSocketFrameWriter.OPCODE_BINARY) {
            if (messageLength >= 0) {
                throw new ProtocolException("the gateway began a new WebSocket message before ending the last one");
            }
            messageLength = 0;
        } else if (opcode != 0) {
            throw new ProtocolException("the gateway sent a WebSocket frame of unknown opcode " + opcode);
        } else if (messageLength < 0) {
            throw new ProtocolException("the gateway sent a WebSocket continuation frame outside any message");
        }
        // a negative length (top bit set) is larger than any limit
        long total = length < 0 || messageLength + length < 0 ? Long.MAX_VALUE : messageLength + length;
        if (total > maxMessage) {
            throw new MessageTooLargeException(maxMessage, total);
        }
        boolean whole = fin && fragments == null;
        if (!whole && fragments == null) {
            fragments = new ByteArrayOutputStream();
        }
        messageLength = fin ? -1 : total;
        long left = length;
        byte[] piece = left <= TunnelBuffers.SMALL ? smallPiece() : TunnelBuffers.borrow();
        try {
            readPayload(frames, whole, left, piece);
        } finally {
            if (piece != smallPiece) {
                TunnelBuffers.giveBack(piece);
            }
        }
        if (fin && !whole) {
            ByteBuffer message = ByteBuffer.wrap(fragments.toByteArray());
            fragments = null;
            if (message.hasRemaining()) {
                frames.binary(message);
            }
        }
        return true;
    }

    private void readPayload(Frames frames, boolean whole, long length, byte[] piece) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(piece, 0, (int) Math.min(left, Math.min(piece.length, PIECE)));
            if (n < 0) {
                throw new EOFException("the connection ended in the middle of a WebSocket frame");
            }
            left -= n;
            if (whole) {
                frames.binary(ByteBuffer.wrap(piece, 0, n));
            } else {
                fragments.write(piece, 0, n);
            }
        }
    }

    private byte[] smallPiece() {
        if (smallPiece == null) {
            smallPiece = new byte[TunnelBuffers.SMALL];
        }
        return smallPiece;
    }

    private boolean control(Frames frames, int opcode, boolean fin, long length) throws IOException {
        if (!fin || length > 125) {
            throw new ProtocolException("the gateway sent a " + (fin ? "WebSocket control frame of " + length
                    + " bytes; at most 125 are allowed" : "fragmented WebSocket control frame"));
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("the connection ended in the middle of a WebSocket frame");
        }
        switch (opcode) {
            case WebSocketFrameWriter.OPCODE_PING:
                frames.ping(payload);
                return true;
            case WebSocketFrameWriter.OPCODE_PONG:
                frames.pong();
                return true;
            case WebSocketFrameWriter.OPCODE_CLOSE:
                if (payload.length == 1) {
                    throw new ProtocolException("the gateway sent a WebSocket close frame of 1 byte; a close code takes 2");
                }
                int code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : NO_STATUS;
                String reason = payload.length > 2
                        ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : null;
                frames.close(code, reason);
                return false;
            default:
                throw new ProtocolException("the gateway sent a WebSocket frame of unknown opcode " + opcode);
        }
    }

    private long payloadLength(int code) throws IOException {
        if (code < 126) {
            return code;
        }
        int size = code == 126 ? 2 : 8;
        if (in.readNBytes(header, 0, size) < size) {
            throw new EOFException("the connection ended in the middle of a WebSocket frame header");
        }
        long length = 0;
        for (int i = 0; i < size; i++) {
            length = length << 8 | header[i] & 0xFF;
        }
        return length;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the connection ended in the middle of a WebSocket frame header");
        }
        return b;
    }

    /** The gateway broke the WebSocket protocol; the tunnel ends. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    /** The gateway sent (or began) a WebSocket message longer than the limit; the tunnel ends. */
    static final class MessageTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        MessageTooLargeException(long limit, long seen) {
            super("the gateway sent a WebSocket message of " + (seen == Long.MAX_VALUE ? "an impossible length"
                    : "at least " + seen + " bytes") + ", more than the limit of " + limit
                    + " bytes (TransportOptions.maxWebSocketMessage)");
        }
    }
}
