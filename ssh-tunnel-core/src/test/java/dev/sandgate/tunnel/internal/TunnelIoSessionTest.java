package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.sandgate.tunnel.Tunnel;

/** How writes leave a tunnel session: in order, and the replies to one received batch in one tunnel write. */
class TunnelIoSessionTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final RecordingTunnel tunnel = new RecordingTunnel();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** How many sends had happened when the handler finished its last batch. */
    private volatile int sentWhileHandling = -1;

    /**
     * Answers every received batch with one write of {@code size} bytes per received byte; with {@code awaitEach},
     * waits after each write until it has been sent.
     */
    private TunnelIoSession answering(int size, boolean awaitEach) {
        IoHandler handler = new IoHandler() {
            @Override
            public void sessionCreated(IoSession session) {
            }

            @Override
            public void sessionClosed(IoSession session) {
            }

            @Override
            public void exceptionCaught(IoSession session, Throwable cause) {
            }

            @Override
            public void messageReceived(IoSession session, Readable message) throws Exception {
                int replies = message.available();
                int before = tunnel.sends.size();
                for (int i = 0; i < replies; i++) {
                    session.writeBuffer(new ByteArrayBuffer(new byte[size]));
                    if (awaitEach) {
                        tunnel.awaitCount(before + i + 1);
                    } else {
                        Thread.sleep(5); // time for a drain started at once to send this reply alone
                    }
                }
                sentWhileHandling = tunnel.sends.size() - before;
            }
        };
        return new TunnelIoSession(new TunnelIoConnector(handler, executor), handler, tunnel, null, executor, null,
                new TunnelCounters());
    }

    @RepeatedTest(3)
    void repliesToOneBatchLeaveInOneWriteOnceItIsHandled() throws Exception {
        TunnelIoSession session = answering(60, false);
        session.onBytes(ByteBuffer.wrap(new byte[3]));
        assertEquals(0, sentWhileHandling);
        assertEquals(List.of(180), tunnel.awaitSends(1));
        session.onBytes(ByteBuffer.wrap(new byte[2]));
        assertEquals(List.of(180, 120), tunnel.awaitSends(2));
    }

    @Test
    void repliesOfAFullSendLeaveWhileTheBatchIsStillHandled() throws Exception {
        TunnelIoSession session = answering(TunnelIoSession.MAX_SEND, true);
        session.onBytes(ByteBuffer.wrap(new byte[3]));
        assertEquals(3, sentWhileHandling);
        assertEquals(List.of(TunnelIoSession.MAX_SEND, TunnelIoSession.MAX_SEND, TunnelIoSession.MAX_SEND),
                tunnel.awaitSends(3));
    }

    @Test
    void writesFromOtherThreadsLeaveAtOnce() throws Exception {
        TunnelIoSession session = answering(1, false);
        session.writeBuffer(new ByteArrayBuffer(new byte[10]));
        assertEquals(List.of(10), tunnel.awaitSends(1));
    }

    /** Records the size of each send. */
    private static final class RecordingTunnel implements Tunnel {
        private final List<Integer> sends = new CopyOnWriteArrayList<>();

        /** Waits (at most 10 s) for {@code count} sends. */
        void awaitCount(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sends.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }

        /** The sends once there are {@code count}, and a moment later, so that one too many would show. */
        List<Integer> awaitSends(int count) throws InterruptedException {
            awaitCount(count);
            Thread.sleep(50);
            return List.copyOf(sends);
        }

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void send(ByteBuffer bytes) {
            sends.add(bytes.remaining());
            bytes.position(bytes.limit());
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public String description() {
            return "a recording tunnel";
        }
    }
}
