package dev.sandgate.tunnel.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Tells senders that bytes left through a socket, so that they can wait for room in a queue they cannot watch (OkHttp's
 * WebSocket queue has no completion callback) instead of polling it. One per transport: every socket it makes
 * reports here, and a waiter re-checks its own queue after each report.
 */
final class WriteProgress {
    private final Object lock = new Object();
    private volatile int waiters;
    private long writes;

    /** A socket wrote bytes: wake whoever waits. Costs nothing while nobody does. */
    void wrote() {
        if (waiters > 0) {
            synchronized (lock) {
                writes++;
                lock.notifyAll();
            }
        }
    }

    /** Waits until some socket writes, or {@code maxNanos} pass; returns at once if a write came since {@code seen}. */
    void awaitWrite(long maxNanos) throws InterruptedException {
        synchronized (lock) {
            waiters++;
            try {
                long seen = writes;
                long deadline = System.nanoTime() + maxNanos;
                long left = maxNanos;
                while (writes == seen && left > 0) {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                    left = deadline - System.nanoTime();
                }
            } finally {
                waiters--;
            }
        }
    }

    /** An output stream that reports each completed write here. */
    OutputStream reporting(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                wrote();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                wrote();
            }
        };
    }
}
