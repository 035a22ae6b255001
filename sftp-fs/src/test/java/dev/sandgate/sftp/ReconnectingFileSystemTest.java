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

    private static SandboxSsh ssh(LocalGateway gateway, ReconnectPolicy policy, ConnectionListener listener) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).reconnect(policy)
                .connectionListener(listener).build();
    }

    /** Drops the session's tunnels by pausing it, waits for the connection to notice, and resumes the session. */
    private static void cut(LocalGateway gateway, String sessionId, SshConnection connection) {
        gateway.pauseSession(sessionId);
        try {
            waitUntilClosed(connection);
        } finally {
            gateway.resumeSession(sessionId);
        }
    }

    private static void waitUntilClosed(SshConnection connection) {
        assertTimeoutPreemptively(BOUND, () -> {
            while (connection.isOpen()) {
                Thread.sleep(10);
            }
        });
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
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            Reconnects reconnects = new Reconnects();
            try (SandboxSsh ssh = ssh(gateway, POLICY, reconnects);
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path before = files.getPath("before.txt");
                Files.writeString(before, "written before the cut");
                cut(gateway, sessionId, connection);
                assertTrue(files.isOpen(), "a file system whose connection can reconnect is open");

                assertEquals("written before the cut",
                        assertTimeoutPreemptively(BOUND, () -> Files.readString(before)));
                Path after = files.getPath("after.txt");
                Files.writeString(after, "written after the cut");
                assertEquals("written after the cut", Files.readString(after));
                assertEquals("written after the cut",
                        Files.readString(gateway.sessionDirectory(sessionId).resolve("after.txt")));
                assertEquals(1, reconnects.count.get());
                assertTrue(files.isOpen());
            }
        }

        @Test
        void manyThreadsFindingTheChannelDeadShareOneReopen() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            Reconnects reconnects = new Reconnects();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try (SandboxSsh ssh = ssh(gateway, POLICY, reconnects);
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                for (int i = 0; i < 8; i++) {
                    Files.writeString(files.getPath("f" + i + ".txt"), "file " + i);
                }
                for (int round = 1; round <= 5; round++) {
                    cut(gateway, sessionId, connection);
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<String>> reads = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        Path file = files.getPath("f" + i + ".txt");
                        reads.add(pool.submit(() -> {
                            start.await();
                            return Files.readString(file);
                        }));
                    }
                    start.countDown();
                    for (int i = 0; i < 8; i++) {
                        assertEquals("file " + i, reads.get(i).get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                    }
                    assertEquals(round, reconnects.count.get(), "one reconnect per cut, whatever the callers");
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void anInputStreamOpenAcrossACutGoesOnByteExactAtItsOffset() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            byte[] data = random(6 * 1024 * 1024 + 123, 7);
            Files.write(gateway.sessionDirectory(sessionId).resolve("big.bin"), data);
            try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                byte[] read = new byte[data.length];
                try (InputStream in = Files.newInputStream(files.getPath("big.bin"))) {
                    int first = 1024 * 1024 + 7;
                    assertEquals(first, in.readNBytes(read, 0, first));
                    cut(gateway, sessionId, connection);
                    int rest = assertTimeoutPreemptively(BOUND, () -> in.readNBytes(read, first, data.length - first));
                    assertEquals(data.length - first, rest);
                    assertEquals(-1, in.read());
                }
                assertArrayEquals(sha256(data), sha256(read));
            }
        }

        @Test
        void anOutputStreamAcrossACutFailsAndTheFileIsNotComplete() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            byte[] data = random(2 * 1024 * 1024, 11);
            try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path target = files.getPath("half.bin");
                OutputStream out = Files.newOutputStream(target);
                out.write(data, 0, data.length / 2); // sent, not yet acknowledged to the writer
                cut(gateway, sessionId, connection);
                WriteOutcomeUnknownException unknown = assertThrows(WriteOutcomeUnknownException.class, () -> {
                    out.write(data, data.length / 2, data.length / 2);
                    out.close();
                });
                assertEquals(target.toString(), unknown.getFile());
                IOException atClose = assertThrows(IOException.class, out::close,
                        "a stream whose writes failed never closes as if all was written");
                assertTrue(atClose instanceof SftpConnectionLostException, atClose.toString());
                assertTrue(Files.size(gateway.sessionDirectory(sessionId).resolve("half.bin")) < data.length);

                // the file system itself went on
                assertTrue(files.isOpen());
                Files.write(target, data);
                assertArrayEquals(data, Files.readAllBytes(target));
            }
        }

        @Test
        void aWriteCutMidFlightByTheTunnelFailsAsUnknown() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            byte[] data = random(16 * 1024 * 1024, 13);
            try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                gateway.injectTunnelFault(TunnelFault.dropAfter(4L * 1024 * 1024, TunnelFault.Direction.TO_SESSION)
                        .forSession(sessionId));
                // the fault hits tunnels opened from now on: the next cut makes the connection open one
                cut(gateway, sessionId, connection);
                Path target = files.getPath("cut.bin");
                IOException failed = assertThrows(IOException.class, () -> {
                    try (OutputStream out = Files.newOutputStream(target)) {
                        for (int at = 0; at < data.length; at += 64 * 1024) {
                            out.write(data, at, 64 * 1024);
                        }
                    }
                });
                assertTrue(failed instanceof WriteOutcomeUnknownException, failed.toString());
                assertTrue(Files.size(gateway.sessionDirectory(sessionId).resolve("cut.bin")) < data.length);
            }
        }

        @Test
        void aTreeTransferInterruptedByALossThrows(@TempDir Path local) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            Path source = Files.createDirectories(local.resolve("source"));
            for (int i = 0; i < 12; i++) {
                Files.write(source.resolve("f" + i + ".bin"), random(1024 * 1024, i));
            }
            try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                gateway.injectTunnelFault(TunnelFault.dropAfter(3L * 1024 * 1024, TunnelFault.Direction.TO_SESSION)
                        .forSession(sessionId));
                cut(gateway, sessionId, connection);
                TransferFailedException failed = assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(source, files.getPath("up")).build().run());
                assertTrue(failed.partialResult().filesCopied() < 12, failed.partialResult().toString());

                // a rerun on the same file system completes it, every file byte-exact
                TransferResult rerun = TreeTransfer.builder(source, files.getPath("up")).build().run();
                assertEquals(12, rerun.filesCopied() + rerun.filesSkipped(), rerun.toString());
                for (int i = 0; i < 12; i++) {
                    assertArrayEquals(random(1024 * 1024, i),
                            Files.readAllBytes(gateway.sessionDirectory(sessionId).resolve("up/f" + i + ".bin")));
                }
            }
        }

        @Test
        void aCopyInterruptedByALossThrows(@TempDir Path local) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            byte[] data = random(12 * 1024 * 1024, 17);
            Path source = Files.write(local.resolve("big.bin"), data);
            try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                gateway.injectTunnelFault(TunnelFault.dropAfter(3L * 1024 * 1024, TunnelFault.Direction.TO_SESSION)
                        .forSession(sessionId));
                cut(gateway, sessionId, connection);
                assertThrows(SftpConnectionLostException.class, () -> Files.copy(source, files.getPath("big.bin")));
                assertTrue(Files.size(gateway.sessionDirectory(sessionId).resolve("big.bin")) < data.length);
            }
        }

        @Test
        void whenReconnectingFailsTheFileSystemEndsLoudly() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway, ReconnectPolicy.attempts(2, Duration.ofMillis(20)), new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path note = files.getPath("note.txt");
                Files.writeString(note, "kept");
                gateway.pauseSession(sessionId);
                try {
                    waitUntilClosed(connection);
                    assertTrue(files.isOpen(), "it may still reconnect");
                    SftpConnectionLostException lost = assertThrows(SftpConnectionLostException.class,
                            () -> Files.readString(note));
                    assertEquals(note.toString(), lost.getFile());
                    assertTrue(lost.getReason().contains("reconnecting failed"), lost.getReason());
                    assertFalse(files.isOpen(), "no way back once reconnecting failed");
                } finally {
                    gateway.resumeSession(sessionId);
                }
                assertFalse(files.isOpen());
                assertThrows(SftpConnectionLostException.class, () -> Files.readString(note));
            }
        }
    }

    @Nested
    class WithoutAPolicy {
        @Test
        void isOpenIsFalseAfterALossAndCallsSayWhy() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = GatewaySessions.newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway, ReconnectPolicy.off(), new Reconnects());
                 SshConnection connection = ssh.connect(sessionId);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path note = files.getPath("note.txt");
                Files.writeString(note, "kept");
                assertTrue(files.isOpen());
                cut(gateway, sessionId, connection);
                assertFalse(files.isOpen());
                SftpConnectionLostException lost = assertThrows(SftpConnectionLostException.class,
                        () -> Files.readString(note));
                assertEquals(note.toString(), lost.getFile());
                assertTrue(lost.getReason().contains("does not reconnect"), lost.getReason());
            }
        }
    }

    @Test
    void isOpenIsFalseOnceClosed() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = GatewaySessions.newSession(gateway);
        try (SandboxSsh ssh = ssh(gateway, POLICY, new Reconnects());
             SshConnection connection = ssh.connect(sessionId)) {
            FileSystem files = SandboxFileSystems.open(connection);
            files.close();
            assertFalse(files.isOpen());
            assertThrows(java.nio.file.ClosedFileSystemException.class, () -> Files.readString(files.getPath("x")));
        }
    }
}
