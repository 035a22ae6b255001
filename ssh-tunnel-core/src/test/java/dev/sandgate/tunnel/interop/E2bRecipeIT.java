package dev.sandgate.tunnel.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.SshKeys;
import dev.sandgate.tunnel.AuthenticationException;
import dev.sandgate.tunnel.EndpointSource;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.HostTrust;
import dev.sandgate.tunnel.LoginMethod;
import dev.sandgate.tunnel.SandboxProvider;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TunnelAuth;

/**
 * E2B's documented recipe, with the generic provider: OpenSSH's sshd with a plain host key and one authorized user
 * key (no certificates anywhere), behind websockify, reached with that key and checked by a known_hosts file; the
 * interop peers' sshd plain and websockify-plain ({@code interop/start.sh}).
 */
@EnabledIf(value = "dev.sandgate.tunnel.interop.InteropPeers#available",
        disabledReason = "no interop peers: run interop/run, or give a Docker engine")
class E2bRecipeIT {
    private static final String SANDBOX_ID = "e2b-sandbox";

    private static InteropPeers peers;

    @TempDir
    Path directory;

    @BeforeAll
    static void peers() throws IOException {
        peers = InteropPeers.load();
    }

    /**
     * The recipe as a user writes it: their key, the sandbox's WebSocket URL, no tunnel auth, the host trust given; the
     * WebSocket URL alone chooses the WebSocket transport.
     */
    private static SandboxSsh ssh(KeyPair key, HostTrust hostTrust) {
        return SandboxSsh.builder()
                .provider(SandboxProvider.generic(
                        LoginMethod.key(peers.user(), key),
                        EndpointSource.webSocket(peers::plainWebSocket),
                        TunnelAuth.none(),
                        hostTrust))
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** The name Sandgate checks the host under: the WebSocket URL's host and port, as OpenSSH writes it. */
    private static String hostName() {
        return "[127.0.0.1]:" + peers.port("websockify.plain.port");
    }

    private static PublicKey sshdKey() throws IOException {
        return peers.hostKey("host.plain.key.pub");
    }

    private Path knownHosts(String name, PublicKey key) throws IOException {
        return Files.write(directory.resolve("known_hosts"), List.of(name + " " + SshKeys.publicKeyLine(key)));
    }

    private HostTrust trusted() throws IOException {
        return HostTrust.knownHosts(knownHosts(hostName(), sshdKey()));
    }

    @Test
    void aCommandRunsWithItsOutputAndExitCode() throws Exception {
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), trusted());
             SshConnection connection = ssh.connect(SANDBOX_ID)) {
            ExecResult result = connection.exec("whoami; echo err >&2; exit 3");
            assertEquals(peers.user() + "\n", result.stdoutText());
            assertEquals("err\n", result.stderrText());
            assertEquals(3, result.exitCode());
        }
    }

    @Test
    void aFileMovesBothWaysBySftp() throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(29).nextBytes(data);
        String name = "sandgate-it-e2b.bin";
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), trusted());
             SshConnection connection = ssh.connect(SANDBOX_ID);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.clientSession())) {
            try (OutputStream out = sftp.write(name)) {
                out.write(data);
            }
            assertEquals(HexFormat.of().formatHex(sha256(data)),
                    connection.exec("sha256sum " + name + " | cut -d' ' -f1").stdoutText().trim(), "what sshd stored");
            byte[] back;
            try (InputStream in = sftp.read(name)) {
                back = in.readAllBytes();
            }
            assertArrayEquals(sha256(data), sha256(back), "what came back");
            sftp.remove(name);
        }
    }

    @Test
    void aKnownHostsFileListingAnotherKeyRefusesTheHost() throws Exception {
        Path file = knownHosts(hostName(), peers.hostKey("host.key.pub"));
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), HostTrust.knownHosts(file))) {
            HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                    () -> ssh.connect(SANDBOX_ID));
            assertTrue(refused.getMessage().contains(SshKeys.fingerprint(sshdKey())), refused.getMessage());
        }
    }

    @Test
    void aKnownHostsFileWithoutTheHostRefusesIt() throws Exception {
        // the right key, under the sshd's own address (what ssh-keyscan of the sshd prints), not the WebSocket's
        Path file = knownHosts("[127.0.0.1]:" + peers.port("sshd.plain.port"), sshdKey());
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), HostTrust.knownHosts(file))) {
            HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                    () -> ssh.connect(SANDBOX_ID));
            assertTrue(refused.getMessage().contains(hostName() + " is not in " + file), refused.getMessage());
            assertTrue(refused.getMessage().contains(SshKeys.fingerprint(sshdKey())), refused.getMessage());
        }
    }

    @Test
    void acceptNewRecordsTheKeyOnTheFirstConnectAndAcceptsItOnTheSecond() throws Exception {
        Path file = directory.resolve("sandgate").resolve("known_hosts");
        List<String> recorded = List.of(hostName() + " " + SshKeys.publicKeyLine(sshdKey()));
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), HostTrust.acceptNew(file));
             SshConnection connection = ssh.connect(SANDBOX_ID)) {
            assertEquals("first\n", connection.exec("echo first").stdoutText());
        }
        assertEquals(recorded, Files.readAllLines(file), "exactly the sshd's host key, under the WebSocket's host");
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), HostTrust.acceptNew(file));
             SshConnection connection = ssh.connect(SANDBOX_ID)) {
            assertEquals("second\n", connection.exec("echo second").stdoutText());
        }
        assertEquals(recorded, Files.readAllLines(file), "nothing more recorded");
    }

    @Test
    void acceptNewRefusesAKeyOtherThanTheOneRecorded() throws Exception {
        Path file = knownHosts(hostName(), peers.hostKey("host.key.pub"));
        try (SandboxSsh ssh = ssh(peers.plainUserKey(), HostTrust.acceptNew(file))) {
            HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                    () -> ssh.connect(SANDBOX_ID));
            assertTrue(refused.getMessage().contains("has changed"), refused.getMessage());
        }
        assertEquals(1, Files.readAllLines(file).size(), "the recorded key stays the only one");
    }

    @Test
    void aKeySshdDoesNotAuthorizeIsAnAuthenticationFailure() throws Exception {
        try (SandboxSsh ssh = ssh(SshKeys.generate(), trusted())) {
            assertThrows(AuthenticationException.class, () -> ssh.connect(SANDBOX_ID));
        }
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
