package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.sandgate.tunnel.TunnelException;

/**
 * The frames of a resumable tunnel (gateway contract v2, "Resumption"): every byte on its transport connections is
 * in one of three frames, the same over HTTP CONNECT and WebSocket (where frames may span or share binary messages).
 * <ul>
 * <li>{@code DATA} (type 1): a 4-byte length (1 to {@link #MAX_DATA}), then that many bytes of the SSH stream;</li>
 * <li>{@code ACK} (type 2): 8 bytes, how many SSH-stream bytes the sender has received in all since the tunnel began;</li>
 * <li>{@code CLOSE} (type 3): the sender ends the tunnel for good; nothing follows and nothing is resumed.</li>
 * </ul>
 * Numbers are unsigned, big-endian.
 */
final class ResumeFrames {
    static final byte DATA = 1;
    static final byte ACK = 2;
    static final byte CLOSE = 3;
    static final int DATA_HEADER = 5;
    /** The longest DATA payload either side sends or takes. */
    static final int MAX_DATA = 64 * 1024;

    private ResumeFrames() {
    }

    /** A DATA frame holding {@code length} bytes of {@code source} from {@code offset}, in one array. */
    static byte[] data(byte[] source, int offset, int length) {
        byte[] frame = new byte[DATA_HEADER + length];
        frame[0] = DATA;
        frame[1] = (byte) (length >>> 24);
        frame[2] = (byte) (length >>> 16);
        frame[3] = (byte) (length >>> 8);
        frame[4] = (byte) length;
        System.arraycopy(source, offset, frame, DATA_HEADER, length);
        return frame;
    }

    static byte[] ack(long received) {
        return ByteBuffer.allocate(9).put(ACK).putLong(received).array();
    }

    static byte[] close() {
        return new byte[] {CLOSE};
    }

    /** What a {@link Decoder} found. */
    interface Handler {
        /** Stream bytes arrived, perhaps part of a frame: the buffer is valid only during the call. */
        void onData(ByteBuffer bytes) throws IOException;

        void onAck(long received) throws IOException;

        void onClose() throws IOException;
    }

    /**
     * Reads frames from bytes as they arrive, however they were split. DATA is passed on as it arrives, without
     * waiting for the rest of its frame, so nothing is copied and a frame may be any size up to the bound. A length,
     * type or count that breaks the protocol ends the tunnel with a {@link TunnelException} saying which.
     */
    static final class Decoder {
        private final Handler handler;
        private final String description;
        /** The frame being read: 0 between frames. */
        private byte type;
        /** Header bytes of an ACK or a DATA length read so far. */
        private final byte[] header = new byte[8];
        private int headerRead;
        /** DATA payload bytes still to come in the current frame. */
        private int dataLeft;
        private boolean closed;

        Decoder(Handler handler, String description) {
            this.handler = handler;
            this.description = description;
        }

        void feed(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                if (closed) {
                    throw broke("bytes came after its CLOSE frame");
                }
                if (type == 0) {
                    type = bytes.get();
                    headerRead = 0;
                    if (type == CLOSE) {
                        type = 0;
                        closed = true;
                        handler.onClose();
                    } else if (type != DATA && type != ACK) {
                        throw broke("a frame of unknown type " + (type & 0xff) + " arrived");
                    }
                } else if (dataLeft > 0) {
                    int n = Math.min(dataLeft, bytes.remaining());
                    ByteBuffer part = bytes.duplicate();
                    part.limit(part.position() + n);
                    bytes.position(bytes.position() + n);
                    dataLeft -= n;
                    if (dataLeft == 0) {
                        type = 0;
                    }
                    handler.onData(part);
                } else {
                    int headerLength = type == DATA ? 4 : 8;
                    while (headerRead < headerLength && bytes.hasRemaining()) {
                        header[headerRead++] = bytes.get();
                    }
                    if (headerRead == headerLength) {
                        ByteBuffer value = ByteBuffer.wrap(header, 0, headerLength);
                        if (type == DATA) {
                            int length = value.getInt();
                            if (length <= 0 || length > MAX_DATA) {
                                throw broke("a DATA frame of " + Integer.toUnsignedString(length)
                                        + " bytes arrived; the protocol allows 1 to " + MAX_DATA);
                            }
                            dataLeft = length;
                        } else {
                            type = 0;
                            long received = value.getLong();
                            if (received < 0) {
                                throw broke("an ACK of more than 2^63 bytes arrived");
                            }
                            handler.onAck(received);
                        }
                    }
                }
            }
        }

        private TunnelException broke(String what) {
            return new ProtocolBroken(description, what);
        }
    }

    /** The peer sent what the resumption protocol does not allow: the tunnel ends, with no attempt to resume it. */
    static final class ProtocolBroken extends TunnelException {
        private static final long serialVersionUID = 1L;

        ProtocolBroken(String description, String what) {
            super(description + " broke the resumption protocol: " + what);
        }
    }
}
