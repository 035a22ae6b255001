package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Buffers for tunnels. A connection that waits for its peer holds a small read buffer; while bytes stream it borrows a
 * large one from a pool that all tunnels of the JVM share, and gives it back after the first short read. A WebSocket
 * writer borrows one for each send longer than a small frame. So an idle connection holds 4 KiB where it held 128 KiB
 * (WebSocket) or 64 KiB (CONNECT), and bulk transfers still move 64 KiB at a time. The pool keeps at most
 * {@value #POOLED} buffers (16 MiB) for reuse; more streaming tunnels than that allocate their own.
 *
 * <p>A receiver must not keep a buffer it was handed beyond the call: the next read writes into it, or another
 * tunnel's does.
 */
final class TunnelBuffers {
    /** The buffer a connection keeps, also the size of a read that counts as short. */
    static final int SMALL = 4 * 1024;
    /** 64 KiB, and room for a WebSocket frame's header in front of a 64 KiB payload. */
    static final int LARGE = 64 * 1024 + 16;
    static final int POOLED = 256;

    private static final ConcurrentLinkedQueue<byte[]> POOL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOL_SIZE = new AtomicInteger();

    private TunnelBuffers() {
    }

    /** A large buffer, from the pool when it has one. */
    static byte[] borrow() {
        byte[] buffer = POOL.poll();
        if (buffer == null) {
            return new byte[LARGE];
        }
        POOL_SIZE.decrementAndGet();
        return buffer;
    }

    /** Returns a large buffer to the pool, or drops it when the pool is full. */
    static void giveBack(byte[] buffer) {
        if (buffer.length == LARGE && POOL_SIZE.incrementAndGet() <= POOLED) {
            POOL.offer(buffer);
        } else if (buffer.length == LARGE) {
            POOL_SIZE.decrementAndGet();
        }
    }

    /**
     * One reader's buffer: small until a read fills it, then large until a read comes back short. Not thread-safe:
     * one reading thread owns it.
     */
    static final class Adaptive {
        private final byte[] small = new byte[SMALL];
        private byte[] current = small;

        /** The buffer to read into next. */
        byte[] buffer() {
            return current;
        }

        /**
         * Tells it how much the last read into {@link #buffer()} brought, once those bytes are passed on: a full
         * small buffer means bytes stream, a short read means the peer paused.
         */
        void afterRead(int n) {
            if (current == small) {
                if (n == SMALL) {
                    current = borrow();
                }
            } else if (n < SMALL) {
                release();
            }
        }

        /** Gives a borrowed buffer back, when reading ends. */
        void release() {
            if (current != small) {
                byte[] borrowed = current;
                current = small;
                giveBack(borrowed);
            }
        }
    }

    /**
     * A buffered stream over a socket's input whose buffer is an {@link Adaptive} one: what {@code
     * BufferedInputStream} does, without holding 64 KiB while the peer is quiet. Reads as long as the buffer go
     * straight to the caller's array. One reading thread owns it; {@link #release()} when reading ends.
     */
    static final class Input extends InputStream {
        private final InputStream in;
        private final Adaptive buffers = new Adaptive();
        private int position;
        private int limit;

        Input(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffers.buffer()[position++] & 0xFF;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            if (position == limit) {
                if (length >= buffers.buffer().length) {
                    return in.read(into, offset, length);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffers.buffer(), position, into, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return limit - position;
        }

        private boolean fill() throws IOException {
            buffers.afterRead(limit);
            position = 0;
            limit = 0;
            int n = in.read(buffers.buffer());
            if (n <= 0) {
                return false;
            }
            limit = n;
            return true;
        }

        /** Gives a borrowed buffer back; the bytes still in it are dropped. */
        void release() {
            position = 0;
            limit = 0;
            buffers.release();
        }
    }
}
