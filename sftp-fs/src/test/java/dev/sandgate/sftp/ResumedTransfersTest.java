package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelCuts;
import dev.sandgate.tunnel.ConnectionListener;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * Through a gateway that offers resumption, {@code Files.copy} of 256 MiB each way goes on across ten cuts at random
 * points in each direction, over each transport, and the bytes arrive exact: SFTP above never sees a drop.
 */
class ResumedTransfersTest {
    private static final long SIZE = 256L * 1024 * 1024;
    private static final Duration BOUND = Duration.ofMinutes(3);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** Counts re-attachments and losses. */
    private static final class Resumptions implements ConnectionListener {
        final AtomicInteger resumed = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public void resumed(String sessionId, Duration took, long bytesReplayed) {
            resumed.incrementAndGet();
        }

        @Override
        public void disconnected(String sessionId, IOException cause) {
            if (cause != null) {
                lost.incrementAndGet();
            }
        }
    }

    private static byte[] writeRandomFile(Path file, long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(256);
        byte[] piece = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += piece.length) {
                random.nextBytes(piece);
                out.write(piece);
                digest.update(piece);
            }
        }
        return digest.digest();
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void filesCopyBothWaysGoesOnAcrossTenCutsEachWay(boolean webSocket, @TempDir Path local) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = GatewaySessions.newSession(gateway);
        Path original = local.resolve("original.bin");
        byte[] expected = writeRandomFile(original, SIZE);
        Resumptions events = new Resumptions();
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport(webSocket ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT)
                .connectionListener(events).build();
             SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection)) {
            ClientSession session = connection.clientSession();
            Path remote = files.getPath("uploaded.bin");
            int upCuts;
            try (TunnelCuts cuts = gateway.cutTunnelsRepeatedly(sessionId, 10, Duration.ofMillis(5),
                    Duration.ofMillis(60))) {
                assertTimeoutPreemptively(BOUND, () -> Files.copy(original, remote));
                upCuts = cuts.made();
            }
            assertArrayEquals(expected, sha256(gateway.sessionDirectory(sessionId).resolve("uploaded.bin")),
                    "the upload arrived exact");

            Path downloaded = local.resolve("downloaded.bin");
            int downCuts;
            try (TunnelCuts cuts = gateway.cutTunnelsRepeatedly(sessionId, 10, Duration.ofMillis(5),
                    Duration.ofMillis(60))) {
                assertTimeoutPreemptively(BOUND, () -> Files.copy(remote, downloaded, StandardCopyOption.REPLACE_EXISTING));
                downCuts = cuts.made();
            }
            assertArrayEquals(expected, sha256(downloaded), "the download arrived exact");
            assertEquals(SIZE, Files.size(downloaded));
            assertSame(session, connection.clientSession(), "one SSH connection throughout");
            assertEquals(0, events.lost.get(), "no connection was lost");
            System.out.printf("%s: %d cuts during the upload, %d during the download, %d re-attachments%n",
                    webSocket ? "WebSocket" : "CONNECT", upCuts, downCuts, events.resumed.get());
            assertEquals(10, upCuts, "ten cuts landed during the upload");
            assertEquals(10, downCuts, "ten cuts landed during the download");
        }
    }
}
