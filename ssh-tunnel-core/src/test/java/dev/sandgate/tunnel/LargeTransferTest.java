package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * 1 GiB each way through each tunnel with the heap capped (the build runs this class in its own JVM with
 * {@code -Xmx256m}): back-pressure must hold both ways, or the sender's queue grows until the heap runs out.
 */
class LargeTransferTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final long SIZE = 1L << 30;
    private static final int CHUNK = 256 * 1024;

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void oneGibibyteUpAndDownWithASmallHeap(GatewayClients clients) throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 300L * 1024 * 1024, "this test must run with -Xmx256m, runs with " + (maxHeap >> 20) + " MiB");
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.clientSession())) {
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(42);
            byte[] chunk = new byte[CHUNK];
            try (OutputStream out = sftp.write("big.bin")) {
                for (long done = 0; done < SIZE; done += CHUNK) {
                    for (int i = 0; i < CHUNK; i += 8) {
                        long value = random.nextLong();
                        for (int b = 0; b < 8; b++) {
                            chunk[i + b] = (byte) (value >>> (b * 8));
                        }
                    }
                    sent.update(chunk);
                    out.write(chunk);
                }
            }
            String expected = HexFormat.of().formatHex(sent.digest());
            Path stored = gateway.sessionDirectory(sessionId).resolve("big.bin");
            assertEquals(SIZE, Files.size(stored));
            assertEquals(expected, sha256(Files.newInputStream(stored)), "what the server stored");
            try (InputStream in = sftp.read("big.bin")) {
                assertEquals(expected, sha256(in), "what came back");
            }
            Files.delete(stored);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        try (in) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
