package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Writes a client's WebSocket frames (RFC 6455): each with a fresh random mask, as one write of header and masked
 * payload. Bytes go out as binary messages of at most {@link #MAX_PAYLOAD} bytes each, so no gateway has to hold a
 * large message. Masking runs eight bytes at a time: OkHttp's masks a byte at a time with a division per byte, which
 * held WebSocket uploads to about 120 MB/s on a core. Not thread-safe: the tunnel writes under its lock.
 */
final class WebSocketFrameWriter {
    static final int MAX_PAYLOAD = 64 * 1024;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;
    private static final int MAX_HEADER = 14;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final OutputStream out;
    private final SecureRandom random;
    /** Where short frames are built; a long send borrows a large buffer ({@link TunnelBuffers}) for its frames. */
    private byte[] small;

    WebSocketFrameWriter(OutputStream out, SecureRandom random) {
        this.out = out;
        this.random = random;
    }

    /** Sends all of {@code bytes} as binary messages and flushes. */
    void binary(ByteBuffer bytes) throws IOException {
        byte[] frame = MAX_HEADER + bytes.remaining() <= TunnelBuffers.SMALL ? small() : TunnelBuffers.borrow();
        try {
            while (bytes.hasRemaining()) {
                write(frame, OPCODE_BINARY, bytes, Math.min(bytes.remaining(), MAX_PAYLOAD));
            }
            out.flush();
        } finally {
            if (frame != small) {
                TunnelBuffers.giveBack(frame);
            }
        }
    }

    private byte[] small() {
        if (small == null) {
            small = new byte[TunnelBuffers.SMALL];
        }
        return small;
    }

    /** Sends a control frame (close, ping, pong) of at most 125 bytes and flushes. */
    void control(int opcode, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("a control frame carries at most 125 bytes, got " + payload.length);
        }
        write(small(), opcode, ByteBuffer.wrap(payload), payload.length);
        out.flush();
    }

    private void write(byte[] frame, int opcode, ByteBuffer payload, int length) throws IOException {
        int at = 0;
        frame[at++] = (byte) (0x80 | opcode);
        if (length <= 125) {
            frame[at++] = (byte) (0x80 | length);
        } else if (length <= 0xFFFF) {
            frame[at++] = (byte) (0x80 | 126);
            frame[at++] = (byte) (length >>> 8);
            frame[at++] = (byte) length;
        } else {
            frame[at++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame[at++] = (byte) ((long) length >>> shift);
            }
        }
        int mask = random.nextInt();
        for (int shift = 24; shift >= 0; shift -= 8) {
            frame[at++] = (byte) (mask >>> shift);
        }
        mask(payload, length, mask, frame, at);
        out.write(frame, 0, at + length);
    }

    /**
     * Copies {@code length} bytes of {@code source} (advancing it) into {@code target} at {@code offset}, each XORed
     * with the mask byte for its place (the mask's bytes in network order, repeating).
     */
    static void mask(ByteBuffer source, int length, int mask, byte[] target, int offset) {
        long wide = (mask & 0xFFFFFFFFL) << 32 | (mask & 0xFFFFFFFFL);
        int i = 0;
        if (source.hasArray()) {
            byte[] array = source.array();
            int from = source.arrayOffset() + source.position();
            for (; i + 8 <= length; i += 8) {
                LONGS.set(target, offset + i, (long) LONGS.get(array, from + i) ^ wide);
            }
            for (; i < length; i++) {
                target[offset + i] = (byte) (array[from + i] ^ mask >>> 24 - 8 * (i & 3));
            }
        } else {
            ByteBuffer big = source.duplicate().order(ByteOrder.BIG_ENDIAN);
            int from = source.position();
            for (; i + 8 <= length; i += 8) {
                LONGS.set(target, offset + i, big.getLong(from + i) ^ wide);
            }
            for (; i < length; i++) {
                target[offset + i] = (byte) (big.get(from + i) ^ mask >>> 24 - 8 * (i & 3));
            }
        }
        source.position(source.position() + length);
    }
}
