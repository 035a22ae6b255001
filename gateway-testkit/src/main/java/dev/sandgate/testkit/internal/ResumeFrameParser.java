package dev.sandgate.testkit.internal;

import io.netty.buffer.ByteBuf;

/**
 * Reads the frames of a resumable tunnel (gateway contract v2) from a client connection's bytes as they arrive:
 * DATA (type 1, 4-byte length, payload), ACK (type 2, 8-byte count), CLOSE (type 3). DATA is passed on in pieces
 * as it arrives. A frame the protocol does not allow ends the tunnel.
 */
final class ResumeFrameParser {
    static final int MAX_DATA = 64 * 1024;

    /** What the parser found. */
    interface Frames {
        /** Part or all of a DATA frame's payload; the slice is the callee's to release. */
        void data(ByteBuf payload);

        void ack(long received);

        void close();

        /** The bytes broke the protocol; nothing more is parsed. */
        void broken(String why);
    }

    private final Frames frames;
    private final byte[] header = new byte[8];
    private int type;
    private int headerRead;
    private int dataLeft;
    private boolean done;

    ResumeFrameParser(Frames frames) {
        this.frames = frames;
    }

    /** Parses and releases {@code bytes}. */
    void feed(ByteBuf bytes) {
        try {
            while (bytes.isReadable() && !done) {
                if (type == 0) {
                    type = bytes.readByte();
                    headerRead = 0;
                    if (type == 3) {
                        done = true;
                        frames.close();
                    } else if (type != 1 && type != 2) {
                        fail("a frame of unknown type " + type);
                    }
                } else if (dataLeft > 0) {
                    int n = Math.min(dataLeft, bytes.readableBytes());
                    dataLeft -= n;
                    if (dataLeft == 0) {
                        type = 0;
                    }
                    frames.data(bytes.readRetainedSlice(n));
                } else {
                    int length = type == 1 ? 4 : 8;
                    while (headerRead < length && bytes.isReadable()) {
                        header[headerRead++] = bytes.readByte();
                    }
                    if (headerRead == length) {
                        long value = 0;
                        for (int i = 0; i < length; i++) {
                            value = value << 8 | (header[i] & 0xff);
                        }
                        if (type == 1) {
                            if (value < 1 || value > MAX_DATA) {
                                fail("a DATA frame of " + value + " bytes");
                            }
                            dataLeft = (int) value;
                        } else {
                            type = 0;
                            if (value < 0) {
                                fail("an ACK beyond 2^63");
                            } else {
                                frames.ack(value);
                            }
                        }
                    }
                }
            }
        } finally {
            bytes.release();
        }
    }

    private void fail(String why) {
        done = true;
        frames.broken(why);
    }
}
