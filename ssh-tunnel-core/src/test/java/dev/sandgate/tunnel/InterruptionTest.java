package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * An interrupted or cancelled {@code exec}, {@code waitFor} or stream read returns within a second, with the interrupt
 * kept, and the remote command is gone soon after. The {@code LocalGateway} runs commands as local processes, so a
 * command line with a marker of its own ({@code sleep 30.<random>}) is looked for among this machine's processes.
 */
class InterruptionTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration PROMPTLY = Duration.ofSeconds(1);
    private static final Duration GONE_WITHIN = Duration.ofSeconds(3);
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static SandboxSsh ssh;
    private static SshConnection connection;

    @BeforeAll
    static void connect() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        ssh = GatewayClients.WEBSOCKET.ssh(gateway);
        connection = ssh.connect(gateway.newSession());
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
        ssh.close();
    }

    /** A command line no other test or run has: {@code sleep 30.<six digits>}. */
    private static String uniqueSleep() {
        return "sleep 30." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    private static boolean running(String marker) {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.isAlive() && p.info().commandLine().map(line -> line.contains(marker)).orElse(false));
    }

    private static void awaitRunning(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!running(marker)) {
            assertTrue(System.nanoTime() < deadline, "the command started: " + marker);
            Thread.sleep(20);
        }
    }

    private static void assertGoneWithin(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        while (running(marker)) {
            assertTrue(System.nanoTime() < deadline, "the command was stopped within " + GONE_WITHIN + ": " + marker);
            Thread.sleep(50);
        }
    }

    /** What the interrupted call did: what it threw, whether its thread was still interrupted, when it returned. */
    static final class Outcome {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicBoolean flagKept = new AtomicBoolean();
        final AtomicLong returnedAt = new AtomicLong();
        volatile long interruptedAt;

        void record(Throwable failure) {
            returnedAt.set(System.nanoTime());
            thrown.set(failure);
            flagKept.set(Thread.currentThread().isInterrupted());
        }

        void assertPromptly(Class<? extends Throwable> expected) {
            assertTrue(expected.isInstance(thrown.get()), String.valueOf(thrown.get()));
            long tookMillis = (returnedAt.get() - interruptedAt) / 1_000_000;
            assertTrue(tookMillis < PROMPTLY.toMillis(), "returned " + tookMillis + " ms after the interrupt");
        }
    }

    /** Runs {@code call} on a thread of its own, interrupts it once its command runs, and returns what happened. */
    private static Outcome interrupt(String marker, ThrowingCall call) throws InterruptedException {
        Outcome outcome = new Outcome();
        Thread caller = new Thread(() -> {
            try {
                call.run();
                outcome.record(null);
            } catch (Throwable e) {
                outcome.record(e);
            }
        }, "test-interrupted");
        caller.start();
        awaitRunning(marker);
        Thread.sleep(100); // the caller is now waiting on its command
        outcome.interruptedAt = System.nanoTime();
        caller.interrupt();
        caller.join(BOUND.toMillis());
        assertFalse(caller.isAlive());
        return outcome;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @RepeatedTest(3)
    void anInterruptedExecReturnsAtOnceAndItsCommandIsStopped() throws Exception {
        String command = uniqueSleep();
        Outcome outcome = interrupt(command, () -> connection.exec(command));
        outcome.assertPromptly(InterruptedIOException.class);
        assertTrue(outcome.flagKept.get(), "the interrupt flag is kept");
        assertGoneWithin(command);
        assertEquals("still\n", connection.exec("echo still").stdoutText(), "the connection lives on");
    }

    @RepeatedTest(3)
    void aCancelledExecReturnsAtOnceAndItsCommandIsStopped() throws Exception {
        String command = uniqueSleep();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Outcome outcome = new Outcome();
            Future<?> running = pool.submit(() -> {
                try {
                    connection.exec(command);
                    outcome.record(null);
                } catch (Throwable e) {
                    outcome.record(e);
                }
            });
            awaitRunning(command);
            Thread.sleep(100);
            outcome.interruptedAt = System.nanoTime();
            assertTrue(running.cancel(true));
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (outcome.returnedAt.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the cancelled exec returned");
                Thread.sleep(10);
            }
            outcome.assertPromptly(InterruptedIOException.class);
            assertTrue(outcome.flagKept.get(), "the interrupt flag is kept");
            assertGoneWithin(command);
        } finally {
            pool.shutdownNow();
        }
    }

    @RepeatedTest(3)
    void anInterruptedWaitForReturnsAtOnceAndItsCommandIsStopped() throws Exception {
        String command = uniqueSleep();
        RemoteProcess process = connection.start(command);
        Outcome outcome = interrupt(command, process::waitFor);
        outcome.assertPromptly(InterruptedException.class);
        assertGoneWithin(command);
        assertTrue(process.onExit().get(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) == process);
        assertFalse(process.connectionLost());
    }

    @RepeatedTest(3)
    void anInterruptedReadReturnsAtOnceAndItsCommandIsStopped() throws Exception {
        String command = uniqueSleep();
        RemoteProcess process = connection.start(command);
        Outcome outcome = interrupt(command, () -> process.getInputStream().read());
        outcome.assertPromptly(InterruptedIOException.class);
        assertTrue(outcome.flagKept.get(), "the interrupt flag is kept");
        assertGoneWithin(command);
    }

    @RepeatedTest(3)
    void anExecCalledInterruptedThrowsAndLeavesNothingRunning() throws Exception {
        String command = uniqueSleep();
        Thread.currentThread().interrupt();
        try {
            org.junit.jupiter.api.Assertions.assertThrows(InterruptedIOException.class, () -> connection.exec(command));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is kept");
        } finally {
            Thread.interrupted();
        }
        assertGoneWithin(command);
        assertEquals("still\n", connection.exec("echo still").stdoutText(), "the connection lives on");
    }

    /** The far end of a stream, which sends nothing. */
    private static java.net.Socket accepted(java.net.ServerSocket server) throws java.io.IOException {
        server.setSoTimeout((int) BOUND.toMillis());
        return server.accept();
    }

    @RepeatedTest(3)
    void anInterruptedStreamReadReturnsAtOnceAndClosesTheStream() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             RemoteStream stream = connection.openStream("127.0.0.1", server.getLocalPort());
             java.net.Socket silent = accepted(server)) {
            Outcome outcome = new Outcome();
            Thread reader = new Thread(() -> {
                try {
                    stream.getInputStream().read();
                    outcome.record(null);
                } catch (Throwable e) {
                    outcome.record(e);
                }
            }, "test-reader");
            reader.start();
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (reader.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "the reader waits for bytes");
                Thread.sleep(5);
            }
            outcome.interruptedAt = System.nanoTime();
            reader.interrupt();
            reader.join(BOUND.toMillis());
            outcome.assertPromptly(InterruptedIOException.class);
            assertTrue(outcome.flagKept.get(), "the interrupt flag is kept");
            while (stream.isOpen()) {
                assertTrue(System.nanoTime() < deadline, "the stream was closed");
                Thread.sleep(5);
            }
            assertFalse(stream.connectionLost());
        }
    }
}
