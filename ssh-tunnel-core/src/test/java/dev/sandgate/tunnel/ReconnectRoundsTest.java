package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * Callers that find a connection lost share one reconnect round, whatever its outcome: the round's attempts are
 * made once, not once per caller, and every caller gets the round's own result. Each round is held open (its first
 * {@code reconnecting} event waits) until every caller is waiting on it, so that the sharing is tested, not the
 * timing.
 */
class ReconnectRoundsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int CALLERS = 8;
    private static final int REPETITIONS = 4;
    private static final int ATTEMPTS = 2;

    /** Counts events, and holds each round's first attempt until the test lets it go. */
    static final class HeldRounds implements ConnectionListener {
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger reconnecting = new AtomicInteger();
        final AtomicInteger reconnected = new AtomicInteger();
        volatile CountDownLatch roundStarted = new CountDownLatch(1);
        volatile CountDownLatch release = new CountDownLatch(0);
        volatile Runnable onConnected = () -> { };

        /** Holds the next round at its first attempt. */
        void holdNextRound() {
            roundStarted = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        @Override
        public void connected(String sessionId) {
            connected.incrementAndGet();
            onConnected.run();
        }

        @Override
        public void reconnecting(String sessionId, int attempt, IOException lastFailure) {
            reconnecting.incrementAndGet();
            if (attempt == 1) {
                roundStarted.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void reconnected(String sessionId, int attempts) {
            reconnected.incrementAndGet();
        }
    }

    /** What one caller's {@code exec} ended with. */
    static final class Call {
        final Thread thread;
        volatile String output;
        volatile IOException failure;
        volatile boolean interruptedAfter;
        volatile ClientSession session;

        Call(SshConnection connection, String word) {
            thread = new Thread(() -> {
                try {
                    output = connection.exec("echo " + word).stdoutText();
                    session = connection.clientSession();
                } catch (IOException e) {
                    failure = e;
                }
                interruptedAfter = Thread.currentThread().isInterrupted();
            }, "test-caller " + word);
        }
    }

    private static SandboxSsh ssh(LocalGateway gateway, ConnectionListener listener) {
        return SandboxSsh.builder()
                .apiUrl(gateway.apiUrl())
                .token(gateway.token())
                .transport(TransportKind.WEB_SOCKET)
                .reconnect(ReconnectPolicy.attempts(ATTEMPTS, Duration.ofMillis(20)))
                .connectionListener(listener)
                .build();
    }

    private static void awaitLost(SshConnection connection) {
        assertTimeoutPreemptively(BOUND, () -> {
            while (connection.isOpen()) {
                Thread.sleep(20);
            }
        });
    }

    /** Starts the callers and returns once each of them waits on the held round. */
    private static List<Call> callersWaitingOnTheRound(SshConnection connection, HeldRounds events, String prefix,
            int count) throws InterruptedException {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(new Call(connection, prefix + "-" + i));
        }
        calls.forEach(call -> call.thread.start());
        assertTrue(events.roundStarted.await(30, TimeUnit.SECONDS), "a round started");
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!calls.stream().allMatch(call -> call.thread.getState() == Thread.State.WAITING)) {
            assertTrue(System.nanoTime() < deadline, "every caller waits on the round");
            Thread.sleep(5);
        }
        return calls;
    }

    private static void joinAll(List<Call> calls) throws InterruptedException {
        for (Call call : calls) {
            call.thread.join(BOUND.toMillis());
            assertFalse(call.thread.isAlive(), call.thread.getName() + " ended");
        }
    }

    @Test
    void callersDuringAFailingRoundShareItsAttemptsAndItsFailure() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        HeldRounds events = new HeldRounds();
        try (SandboxSsh ssh = ssh(gateway, events);
             SshConnection connection = ssh.connect(sessionId)) {
            gateway.pauseSession(sessionId);
            try {
                awaitLost(connection);
                for (int round = 1; round <= REPETITIONS; round++) {
                    events.holdNextRound();
                    List<Call> calls = callersWaitingOnTheRound(connection, events, "f" + round, CALLERS);
                    events.release.countDown();
                    joinAll(calls);
                    IOException shared = calls.get(0).failure;
                    assertTrue(shared instanceof TunnelException, String.valueOf(shared));
                    assertTrue(shared.getMessage().contains(ATTEMPTS + " reconnect attempt(s) failed"),
                            shared.getMessage());
                    for (Call call : calls) {
                        assertSame(shared, call.failure, "every caller of a round gets its failure");
                    }
                    assertEquals(ATTEMPTS * round, events.reconnecting.get(),
                            "a round's attempts are made once, whatever the number of callers");
                }
                assertEquals(0, events.reconnected.get());
            } finally {
                gateway.resumeSession(sessionId);
            }
        }
    }

    @Test
    void callersDuringASuccessfulRoundShareOneNewLink() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        HeldRounds events = new HeldRounds();
        try (SandboxSsh ssh = ssh(gateway, events);
             SshConnection connection = ssh.connect(sessionId)) {
            for (int round = 1; round <= REPETITIONS; round++) {
                ClientSession before = connection.clientSession();
                ReconnectTest.cut(gateway, sessionId, connection);
                events.holdNextRound();
                List<Call> calls = callersWaitingOnTheRound(connection, events, "s" + round, CALLERS);
                events.release.countDown();
                joinAll(calls);
                ClientSession after = calls.get(0).session;
                assertNotSame(before, after);
                for (int i = 0; i < calls.size(); i++) {
                    assertNull(calls.get(i).failure);
                    assertEquals("s" + round + "-" + i + "\n", calls.get(i).output);
                    assertSame(after, calls.get(i).session, "one new link for every caller");
                }
                assertEquals(round, events.reconnecting.get(), "one attempt per round");
                assertEquals(round, events.reconnected.get());
                assertEquals(round + 1, events.connected.get(), "one new connection per round");
            }
        }
    }

    /** A connection to a new session whose tunnel was cut (and the session resumed), with held rounds. */
    static final class Lost implements AutoCloseable {
        final HeldRounds events = new HeldRounds();
        final SandboxSsh ssh;
        final SshConnection connection;

        Lost() throws IOException {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            ssh = ssh(gateway, events);
            connection = ssh.connect(sessionId);
            ReconnectTest.cut(gateway, sessionId, connection);
        }

        @Override
        public void close() throws IOException {
            try (SandboxSsh closing = ssh) {
                connection.close();
            }
        }
    }

    @Test
    void anInterruptedCallerStopsWaitingAndTheRoundGoesOnForTheOthers() throws Exception {
        try (Lost lost = new Lost()) {
            lost.events.holdNextRound();
            List<Call> calls = callersWaitingOnTheRound(lost.connection, lost.events, "i", 3);
            calls.get(0).thread.interrupt();
            calls.get(0).thread.join(BOUND.toMillis());
            assertTrue(calls.get(0).failure instanceof InterruptedIOException, String.valueOf(calls.get(0).failure));
            assertTrue(calls.get(0).interruptedAfter, "the interrupt flag is kept");
            assertTrue(calls.get(1).thread.isAlive() && calls.get(2).thread.isAlive(), "the others still wait");
            lost.events.release.countDown();
            joinAll(calls);
            assertEquals("i-1\n", calls.get(1).output);
            assertEquals("i-2\n", calls.get(2).output);
            assertEquals(1, lost.events.reconnected.get());
        }
    }

    @Test
    void closingDuringARoundEndsItTypedForEveryCaller() throws Exception {
        try (Lost lost = new Lost()) {
            lost.events.holdNextRound();
            List<Call> calls = callersWaitingOnTheRound(lost.connection, lost.events, "c", 3);
            lost.connection.close();
            joinAll(calls); // before the round is let go: close ends it for its callers at once
            for (Call call : calls) {
                assertEquals(SandgateSshException.class, call.failure.getClass(), String.valueOf(call.failure));
                assertTrue(call.failure.getMessage().contains("closed while reconnecting"), call.failure.getMessage());
            }
            lost.events.release.countDown();
            assertTimeoutPreemptively(BOUND, () -> {
                while (LeakCheck.allThreads().stream()
                        .anyMatch(t -> t.isAlive() && t.getName().startsWith("sandgate-reconnect"))) {
                    Thread.sleep(20);
                }
            }, "the round ended");
            assertEquals(0, lost.events.reconnected.get());
            assertEquals(1, lost.events.connected.get(), "a round let go after close connects no more");
        }
    }

    @Test
    void aLinkThatLandsAfterCloseIsClosed() throws Exception {
        try (Lost lost = new Lost()) {
            SshConnection connection = lost.connection;
            HeldRounds events = lost.events;
            AtomicReference<IOException> closing = new AtomicReference<>();
            // the new link is open and logged in, not yet published, when the connection is closed
            events.onConnected = () -> {
                try {
                    connection.close();
                } catch (IOException e) {
                    closing.set(e);
                }
            };
            IOException failure = assertTimeoutPreemptively(BOUND, () -> {
                try {
                    connection.exec("echo never");
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            assertNull(closing.get());
            assertEquals(SandgateSshException.class, failure.getClass(), String.valueOf(failure));
            assertEquals(2, events.connected.get(), "the new link was opened");
            assertEquals(0, events.reconnected.get());
            assertTimeoutPreemptively(BOUND, () -> {
                while (connection.clientSession().isOpen()) {
                    Thread.sleep(20);
                }
            }, "and closed");
        }
    }
}
