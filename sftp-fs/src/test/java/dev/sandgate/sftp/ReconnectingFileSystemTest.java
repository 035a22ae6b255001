package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.tunnel.ConnectionListener;
import dev.sandgate.tunnel.ReconnectPolicy;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * A file system whose connection reconnected goes on with the same {@code FileSystem} object; what cannot go on
 * (a write whose outcome is unknown, a connection with no way back) fails loudly and {@code isOpen()} says so. Every
 * cut is at a known point: the session is paused (which drops its tunnels) and resumed once the connection noticed,
 * or a tunnel fault drops the tunnel after a number of bytes.
 */
class ReconnectingFileSystemTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final ReconnectPolicy POLICY = ReconnectPolicy.attempts(3, Duration.ofMillis(50));

    /** Counts reconnects, to see that concurrent callers share one. */
    static final class Reconnects implements ConnectionListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void reconnected(String sessionId, int attempts) {
            count.incrementAndGet();
        }
    }

    /** A session of the test's gateway with a client, a connection and a file system on it; closed in reverse. */
    static final class Fixture implements AutoCloseable {
        final LocalGateway gateway = GATEWAY.gateway();
        final String sessionId;
        final Reconnects reconnects = new Reconnects();
        final SandboxSsh ssh;
        final SshConnection connection;
        final FileSystem files;

        Fixture(ReconnectPolicy policy) throws IOException {
            sessionId = GatewaySessions.newSession(gateway);
            ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).reconnect(policy)
                    .connectionListener(reconnects).build();
            try {
                connection = ssh.connect(sessionId);
                files = SandboxFileSystems.open(connection);
            } catch (IOException | RuntimeException e) {
                ssh.close();
                throw e;
            }
        }

        /** Drops the session's tunnels by pausing it, waits for the connection to notice, and resumes the session. */
        void cut() {
            gateway.pauseSession(sessionId);
            try {
                waitUntilLost();
            } finally {
                gateway.resumeSession(sessionId);
            }
        }

        /** As {@link #cut()}; the tunnel the reconnect opens is then dropped after {@code bytes} in {@code direction}. */
        void cutAndDropTheNextTunnelAfter(long bytes, TunnelFault.Direction direction) {
            gateway.injectTunnelFault(TunnelFault.dropAfter(bytes, direction).forSession(sessionId));
            cut();
        }

        void waitUntilLost() {
            assertTimeoutPreemptively(BOUND, () -> {
                while (connection.isOpen()) {
                    Thread.sleep(10);
                }
            });
        }

        /** The file as it is on the session's disk. */
        Path onDisk(String name) {
            return gateway.sessionDirectory(sessionId).resolve(name);
        }

        @Override
        public void close() throws IOException {
            try (SandboxSsh client = ssh; SshConnection open = connection) {
                files.close();
            }
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Nested
    class WithAPolicy {
        @Test
        void theSameFileSystemReadsAndWritesAfterAReconnect() throws Exception {
            try (Fixture session = new Fixture(POLICY)) {
                Path before = session.files.getPath("before.txt");
                Files.writeString(before, "written before the cut");
                session.cut();
                assertTrue(session.files.isOpen(), "a file system whose connection can reconnect is open");

                assertEquals("written before the cut",
                        assertTimeoutPreemptively(BOUND, () -> Files.readString(before)));
                Path after = session.files.getPath("after.txt");
                Files.writeString(after, "written after the cut");
                assertEquals("written after the cut", Files.readString(after));
                assertEquals("written after the cut", Files.readString(session.onDisk("after.txt")));
                assertEquals(1, session.reconnects.count.get());
                assertTrue(session.files.isOpen());
            }
        }

        @Test
        void manyThreadsFindingTheChannelDeadShareOneReopen() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try (Fixture session = new Fixture(POLICY)) {
                for (int i = 0; i < 8; i++) {
                    Files.writeString(session.files.getPath("f" + i + ".txt"), "file " + i);
                }
                for (int round = 1; round <= 10; round++) {
                    session.cut();
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<String>> reads = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        Path file = session.files.getPath("f" + i + ".txt");
                        reads.add(pool.submit(() -> {
                            start.await();
                            return Files.readString(file);
                        }));
                    }
                    start.countDown();
                    for (int i = 0; i < 8; i++) {
                        assertEquals("file " + i, reads.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                    }
                    assertEquals(round, session.reconnects.count.get(), "one reconnect per cut, whatever the callers");
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void anInputStreamOpenAcrossACutGoesOnByteExactAtItsOffset() throws Exception {
            try (Fixture session = new Fixture(POLICY)) {
                byte[] data = random(6 * 1024 * 1024 + 123, 7);
                Files.write(session.onDisk("big.bin"), data);
                byte[] read = new byte[data.length];
                try (InputStream in = Files.newInputStream(session.files.getPath("big.bin"))) {
                    int first = 1024 * 1024 + 7;
                    assertEquals(first, in.readNBytes(read, 0, first));
                    session.cut();
                    int rest = assertTimeoutPreemptively(BOUND, () -> in.readNBytes(read, first, data.length - first));
                    assertEquals(data.length - first, rest);
                    assertEquals(-1, in.read());
                }
                assertArrayEquals(sha256(data), sha256(read));
                assertEquals(1, session.reconnects.count.get(), "the stream went on over a new connection");
            }
        }

        @Test
        void anInputStreamWhoseTunnelDropsMidReadGoesOnByteExact() throws Exception {
            try (Fixture session = new Fixture(POLICY)) {
                byte[] data = random(12 * 1024 * 1024 + 5, 8);
                Files.write(session.onDisk("big.bin"), data);
                session.cutAndDropTheNextTunnelAfter(4L * 1024 * 1024, TunnelFault.Direction.FROM_SESSION);
                byte[] read;
                try (InputStream in = Files.newInputStream(session.files.getPath("big.bin"))) {
                    read = assertTimeoutPreemptively(BOUND, () -> in.readAllBytes());
                }
                assertArrayEquals(sha256(data), sha256(read));
                assertEquals(2, session.reconnects.count.get(), "once after the cut, once after the drop mid-read");
            }
        }

        @Test
        void anOutputStreamAcrossACutFailsAndTheFileIsNotComplete() throws Exception {
            try (Fixture session = new Fixture(POLICY)) {
                byte[] data = random(2 * 1024 * 1024, 11);
                Path target = session.files.getPath("half.bin");
                OutputStream out = Files.newOutputStream(target);
                out.write(data, 0, data.length / 2); // sent, not yet acknowledged to the writer
                session.cut();
                WriteOutcomeUnknownException unknown = assertThrows(WriteOutcomeUnknownException.class, () -> {
                    out.write(data, data.length / 2, data.length / 2);
                    out.close();
                });
                assertEquals(target.toString(), unknown.getFile());
                IOException atClose = assertThrows(IOException.class, out::close,
                        "a stream whose writes failed never closes as if all was written");
                assertTrue(atClose instanceof SftpConnectionLostException, atClose.toString());
                assertTrue(Files.size(session.onDisk("half.bin")) < data.length);

                // the file system itself went on
                assertTrue(session.files.isOpen());
                Files.write(target, data);
                assertArrayEquals(data, Files.readAllBytes(target));
            }
        }

        @Test
        void aWriteCutMidFlightByTheTunnelFailsAsUnknown() throws Exception {
            try (Fixture session = new Fixture(POLICY)) {
                byte[] data = random(16 * 1024 * 1024, 13);
                session.cutAndDropTheNextTunnelAfter(4L * 1024 * 1024, TunnelFault.Direction.TO_SESSION);
                IOException failed = assertThrows(IOException.class, () -> {
                    try (OutputStream out = Files.newOutputStream(session.files.getPath("cut.bin"))) {
                        for (int at = 0; at < data.length; at += 64 * 1024) {
                            out.write(data, at, 64 * 1024);
                        }
                    }
                });
                assertTrue(failed instanceof WriteOutcomeUnknownException, failed.toString());
                assertTrue(Files.size(session.onDisk("cut.bin")) < data.length);
            }
        }

        @Test
        void aTreeTransferInterruptedByALossThrows(@TempDir Path local) throws Exception {
            Path source = Files.createDirectories(local.resolve("source"));
            for (int i = 0; i < 12; i++) {
                Files.write(source.resolve("f" + i + ".bin"), random(1024 * 1024, i));
            }
            try (Fixture session = new Fixture(POLICY)) {
                session.cutAndDropTheNextTunnelAfter(3L * 1024 * 1024, TunnelFault.Direction.TO_SESSION);
                TransferFailedException failed = assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(source, session.files.getPath("up")).build().run());
                assertTrue(failed.partialResult().filesCopied() < 12, failed.partialResult().toString());

                // a rerun on the same file system completes it, every file byte-exact
                TransferResult rerun = TreeTransfer.builder(source, session.files.getPath("up")).build().run();
                assertEquals(12, rerun.filesCopied() + rerun.filesSkipped(), rerun.toString());
                for (int i = 0; i < 12; i++) {
                    assertArrayEquals(random(1024 * 1024, i), Files.readAllBytes(session.onDisk("up/f" + i + ".bin")));
                }
            }
        }

        @Test
        void aCopyInterruptedByALossThrows(@TempDir Path local) throws Exception {
            byte[] data = random(12 * 1024 * 1024, 17);
            Path source = Files.write(local.resolve("big.bin"), data);
            try (Fixture session = new Fixture(POLICY)) {
                session.cutAndDropTheNextTunnelAfter(3L * 1024 * 1024, TunnelFault.Direction.TO_SESSION);
                assertThrows(SftpConnectionLostException.class,
                        () -> Files.copy(source, session.files.getPath("big.bin")));
                assertTrue(Files.size(session.onDisk("big.bin")) < data.length);
            }
        }

        @Test
        void whenReconnectingFailsTheFileSystemEndsLoudly() throws Exception {
            try (Fixture session = new Fixture(ReconnectPolicy.attempts(2, Duration.ofMillis(20)))) {
                Path note = session.files.getPath("note.txt");
                Files.writeString(note, "kept");
                session.gateway.pauseSession(session.sessionId);
                try {
                    session.waitUntilLost();
                    assertTrue(session.files.isOpen(), "it may still reconnect");
                    SftpConnectionLostException lost = assertThrows(SftpConnectionLostException.class,
                            () -> Files.readString(note));
                    assertEquals(note.toString(), lost.getFile());
                    assertTrue(lost.getReason().contains("reconnecting failed"), lost.getReason());
                    assertFalse(session.files.isOpen(), "no way back once reconnecting failed");
                } finally {
                    session.gateway.resumeSession(session.sessionId);
                }
                assertFalse(session.files.isOpen());
                assertThrows(SftpConnectionLostException.class, () -> Files.readString(note));
            }
        }
    }

    @Nested
    class WithoutAPolicy {
        @Test
        void isOpenIsFalseAfterALossAndCallsSayWhy() throws Exception {
            try (Fixture session = new Fixture(ReconnectPolicy.off())) {
                Path note = session.files.getPath("note.txt");
                Files.writeString(note, "kept");
                assertTrue(session.files.isOpen());
                session.cut();
                assertFalse(session.files.isOpen());
                SftpConnectionLostException lost = assertThrows(SftpConnectionLostException.class,
                        () -> Files.readString(note));
                assertEquals(note.toString(), lost.getFile());
                assertTrue(lost.getReason().contains("does not reconnect"), lost.getReason());
            }
        }
    }

    @Test
    void isOpenIsFalseOnceClosed() throws Exception {
        try (Fixture session = new Fixture(POLICY)) {
            session.files.close();
            assertFalse(session.files.isOpen());
            assertThrows(ClosedFileSystemException.class, () -> Files.readString(session.files.getPath("x")));
        }
    }
}
