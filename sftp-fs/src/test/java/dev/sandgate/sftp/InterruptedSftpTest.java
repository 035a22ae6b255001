package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * An interrupted or cancelled SFTP call or transfer returns within a second, with the interrupt kept, leaves nothing
 * that looks complete, and the file system goes on for others. The tunnel is held to {@value #RATE} bytes a second
 * each way, so a {@value #SIZE}-byte transfer is under way when the interrupt comes; the file system keeps 4 MiB of
 * reads in flight, so a stat sent behind a download waits seconds for its answer.
 */
class InterruptedSftpTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final long RATE = 3 * 1024 * 1024;
    private static final int SIZE = 32 * 1024 * 1024;
    private static final Duration PROMPTLY = Duration.ofSeconds(1);
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static LocalGateway gateway;
    private static String session;
    private static SandboxSsh ssh;
    private static SshConnection connection;
    private static FileSystem files;
    private static Path localSource;

    @TempDir
    static Path local;

    @BeforeAll
    static void open() throws Exception {
        gateway = GATEWAY.gateway();
        session = GatewaySessions.newSession(gateway);
        byte[] bytes = new byte[SIZE];
        new Random(5).nextBytes(bytes);
        Files.write(gateway.sessionDirectory(session).resolve("big.bin"), bytes);
        localSource = Files.write(local.resolve("source.bin"), bytes);
        gateway.injectTunnelFault(TunnelFault.slow(RATE).forSession(session));
        ssh = GatewaySessions.ssh(gateway);
        connection = ssh.connect(session);
        files = SandboxFileSystems.open(connection);
    }

    @AfterAll
    static void close() throws Exception {
        files.close();
        connection.close();
        ssh.close();
    }

    /** What the interrupted call did: what it threw, whether its flag was still set, when it returned. */
    static final class Outcome {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicBoolean flagKept = new AtomicBoolean();
        final AtomicLong returnedAt = new AtomicLong();
        volatile long interruptedAt;

        void record(Throwable failure) {
            thrown.set(failure);
            flagKept.set(Thread.currentThread().isInterrupted());
            returnedAt.set(System.nanoTime());
        }

        long tookMillis() {
            return (returnedAt.get() - interruptedAt) / 1_000_000;
        }

        /** The call threw {@code expected} within a second of the interrupt, its thread still interrupted. */
        void assertPromptly(Class<? extends Throwable> expected) {
            assertTrue(expected.isInstance(thrown.get()), String.valueOf(thrown.get()));
            assertTrue(tookMillis() < PROMPTLY.toMillis(), "returned " + tookMillis() + " ms after the interrupt");
            assertTrue(flagKept.get(), "the interrupt flag is kept");
            System.out.println("[interrupt] " + expected.getSimpleName() + " after " + tookMillis() + " ms");
        }
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    /** Runs {@code call} on a thread of its own, interrupts it once it waits, and returns what happened. */
    private static Outcome interrupt(ThrowingCall call) throws InterruptedException {
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
        awaitWaiting(caller);
        outcome.interruptedAt = System.nanoTime();
        caller.interrupt();
        caller.join(BOUND.toMillis());
        assertFalse(caller.isAlive(), "the interrupted call returned");
        return outcome;
    }

    /** Until the thread has been under way a while and is waiting (for the server, as a rule). */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        Thread.sleep(400);
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the call waits");
            Thread.sleep(2);
        }
    }

    private static String fresh(String stem) {
        return stem + "-" + NAMES.incrementAndGet() + ".bin";
    }

    /** The file system still answers (after the replies still due to the interrupted caller have come). */
    private static void assertStillUsable() throws Exception {
        long start = System.nanoTime();
        assertEquals(SIZE, Files.size(files.getPath("big.bin")), "the file system goes on");
        System.out.println("[interrupt] the next call answered after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static void awaitGone(Path onDisk) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (Files.exists(onDisk)) {
            assertTrue(System.nanoTime() < deadline, "the interrupted upload's file was removed: " + onDisk);
            Thread.sleep(20);
        }
    }

    private static void readAll(InputStream in) throws Exception {
        byte[] buffer = new byte[64 * 1024];
        while (in.read(buffer) >= 0) {
            // read on
        }
    }

    @RepeatedTest(3)
    void anInterruptedDownloadWithFilesCopyLeavesAShortTarget() throws Exception {
        Path target = local.resolve(fresh("down"));
        Outcome outcome = interrupt(() -> Files.copy(files.getPath("big.bin"), target));
        outcome.assertPromptly(InterruptedIOException.class);
        assertTrue(!Files.exists(target) || Files.size(target) < SIZE, "the target does not look complete");
        assertStillUsable();
    }

    @RepeatedTest(3)
    void anInterruptedUploadWithFilesCopyRemovesTheFileItCreated() throws Exception {
        String name = fresh("up");
        Outcome outcome = interrupt(() -> Files.copy(localSource, files.getPath(name)));
        outcome.assertPromptly(InterruptedIOException.class);
        awaitGone(gateway.sessionDirectory(session).resolve(name));
        assertStillUsable();
    }

    @RepeatedTest(3)
    void aCancelledStreamReadReturnsAtOnce() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Outcome outcome = new Outcome();
            AtomicReference<Thread> worker = new AtomicReference<>();
            Future<?> running = pool.submit(() -> {
                worker.set(Thread.currentThread());
                try (InputStream in = Files.newInputStream(files.getPath("big.bin"))) {
                    readAll(in);
                    outcome.record(null);
                } catch (Throwable e) {
                    outcome.record(e);
                }
            });
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (worker.get() == null) {
                assertTrue(System.nanoTime() < deadline, "the task started");
                Thread.sleep(5);
            }
            awaitWaiting(worker.get());
            outcome.interruptedAt = System.nanoTime();
            assertTrue(running.cancel(true));
            while (outcome.returnedAt.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the cancelled read returned");
                Thread.sleep(5);
            }
            outcome.assertPromptly(InterruptedIOException.class);
        } finally {
            pool.shutdownNow();
        }
        assertStillUsable();
    }

    @RepeatedTest(3)
    void anInterruptedOutputStreamLeavesAShorterFile() throws Exception {
        String name = fresh("stream");
        Outcome outcome = interrupt(() -> {
            try (OutputStream out = Files.newOutputStream(files.getPath(name))) {
                Files.copy(localSource, out);
            }
        });
        outcome.assertPromptly(InterruptedIOException.class);
        assertStillUsable(); // the writes still due have landed by then: the server takes requests in order
        assertTrue(Files.size(gateway.sessionDirectory(session).resolve(name)) < SIZE, "the file is not complete");
    }

    @RepeatedTest(3)
    void anInterruptedChannelReadClosesTheChannelByInterrupt() throws Exception {
        AtomicReference<SeekableByteChannel> opened = new AtomicReference<>();
        Outcome outcome = interrupt(() -> {
            try (SeekableByteChannel channel = Files.newByteChannel(files.getPath("big.bin"))) {
                opened.set(channel);
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (channel.read(buffer.clear()) >= 0) {
                    // read on
                }
            }
        });
        outcome.assertPromptly(ClosedByInterruptException.class);
        assertFalse(opened.get().isOpen(), "the channel was closed");
        assertStillUsable();
    }

    @RepeatedTest(3)
    void anInterruptedChannelWriteClosesTheChannelByInterrupt() throws Exception {
        String name = fresh("channel");
        Outcome outcome = interrupt(() -> {
            try (SeekableByteChannel channel = Files.newByteChannel(files.getPath(name), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(localSource));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        });
        outcome.assertPromptly(ClosedByInterruptException.class);
        assertStillUsable();
        assertTrue(Files.size(gateway.sessionDirectory(session).resolve(name)) < SIZE, "the file is not complete");
    }

    /** A download on another thread keeps 4 MiB of answers ahead of whatever is asked next. */
    private static Thread busyDownload() {
        Thread reader = new Thread(() -> {
            try (InputStream in = Files.newInputStream(files.getPath("big.bin"))) {
                readAll(in);
            } catch (Exception e) {
                // ended by its interrupt, as the test means it to
            }
        }, "test-busy-download");
        reader.start();
        return reader;
    }

    private static void stop(Thread busy) throws InterruptedException {
        busy.interrupt();
        busy.join(BOUND.toMillis());
        assertFalse(busy.isAlive(), "the busy download stopped at its interrupt");
    }

    @RepeatedTest(3)
    void anInterruptedReadAttributesReturnsAtOnce() throws Exception {
        Thread busy = busyDownload();
        try {
            Thread.sleep(500);
            Outcome outcome = interrupt(() -> Files.readAttributes(files.getPath("big.bin"), BasicFileAttributes.class));
            outcome.assertPromptly(InterruptedIOException.class);
        } finally {
            stop(busy);
        }
        assertStillUsable();
    }

    @RepeatedTest(3)
    void anInterruptedListReturnsAtOnce() throws Exception {
        Thread busy = busyDownload();
        try {
            Thread.sleep(500);
            Outcome outcome = interrupt(() -> {
                try (Stream<Path> list = Files.list(files.getPath("."))) {
                    list.count();
                }
            });
            outcome.assertPromptly(InterruptedIOException.class);
        } finally {
            stop(busy);
        }
        assertStillUsable();
    }

    @RepeatedTest(3)
    void anInterruptedTreeTransferStopsItsWorkersAndNothingLooksComplete() throws Exception {
        Path tree = Files.createDirectories(local.resolve(fresh("tree")));
        byte[] part = Files.readAllBytes(localSource);
        for (int i = 0; i < 4; i++) {
            Files.write(tree.resolve("f" + i), java.util.Arrays.copyOf(part, SIZE / 4));
        }
        String name = fresh("tree-up");
        Outcome outcome = interrupt(() -> TreeTransfer.builder(tree, files.getPath(name)).build().run());
        outcome.assertPromptly(InterruptedIOException.class);
        assertEquals(java.util.List.of(), TreeTransferTest.transferThreads(), "every file copy of the run ended");
        assertStillUsable();
        Path onDisk = gateway.sessionDirectory(session).resolve(name);
        for (int i = 0; i < 4; i++) {
            Path copied = onDisk.resolve("f" + i);
            boolean complete = Files.exists(copied) && Files.size(copied) == SIZE / 4
                    && Files.getLastModifiedTime(copied).toMillis() / 1000
                    == Files.getLastModifiedTime(tree.resolve("f" + i)).toMillis() / 1000;
            assertFalse(complete, "no file looks complete: " + copied);
        }
    }
}
