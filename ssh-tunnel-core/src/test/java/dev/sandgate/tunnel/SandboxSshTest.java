package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.Traffic;

class SandboxSshTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @Nested
    class Exec {
        @ParameterizedTest
        @EnumSource(GatewayClients.class)
        void returnsStdoutStderrAndExitCode(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                ExecResult ok = connection.exec("echo hello; echo oops >&2");
                assertEquals(0, ok.exitCode());
                assertEquals("hello\n", ok.stdoutText());
                assertEquals("oops\n", ok.stderrText());

                ExecResult failed = connection.exec("echo partial; exit 7");
                assertEquals(7, failed.exitCode());
                assertEquals("partial\n", failed.stdoutText());
            }
        }

        @Test
        void theLocalGatewaysCommandsSeeACleanEnvironmentNotTheTestJvms() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                String env = connection.exec("env").stdoutText();
                java.util.Set<String> allowed = java.util.Set.of("HOME", "PATH", "LANG", "SHELL", "PWD", "SHLVL", "_");
                for (String name : System.getenv().keySet()) {
                    if (!allowed.contains(name)) {
                        assertFalse(env.contains("\n" + name + "=") || env.startsWith(name + "="),
                                "the JVM's " + name + " leaked into the session's environment");
                    }
                }
                assertTrue(env.contains("HOME=" + gateway.sessionDirectory(sessionId)), env);
            }
        }

        @Test
        void runsInTheSessionDirectory() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            Files.writeString(gateway.sessionDirectory(sessionId).resolve("marker.txt"), "here");
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("here", connection.exec("cat marker.txt").stdoutText());
            }
        }

        @Test
        void commandsThatReadStdinSeeEndOfInput() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                ExecResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> connection.exec("cat; echo done"));
                assertEquals("done\n", result.stdoutText());
            }
        }

        @Test
        void largeOutputArrivesWhole() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            byte[] expected = new byte[3 * 1024 * 1024];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = (byte) (i * 31 + (i >> 13));
            }
            Files.write(gateway.sessionDirectory(sessionId).resolve("blob.bin"), expected);
            for (GatewayClients clients : List.of(GatewayClients.CONNECT, GatewayClients.WEBSOCKET)) {
                try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                    assertArrayEquals(expected, connection.exec("cat blob.bin").stdout(), clients.name());
                }
            }
        }

        @Test
        void aTimeLimitStopsTheCommandButNotTheConnection() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                CommandTimeoutException timeout = assertThrows(CommandTimeoutException.class,
                        () -> connection.exec("sleep 20", Duration.ofMillis(500)));
                assertTrue(timeout.getMessage().contains("sleep 20"), timeout.getMessage());
                assertEquals("still here\n", connection.exec("echo still here").stdoutText());
            }
        }

        @ParameterizedTest
        @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
        void manyCommandsRunAtOnceOnOneConnection(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                List<Future<ExecResult>> results = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String command = "echo " + i;
                    results.add(pool.submit(() -> connection.exec(command)));
                }
                for (int i = 0; i < results.size(); i++) {
                    assertEquals(i + "\n", results.get(i).get().stdoutText());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Gateway {
        @ParameterizedTest
        @EnumSource(GatewayClients.class)
        void theSessionsBytesFlowThroughTheGateway(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            Traffic before = gateway.traffic(sessionId);
            try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(2, gateway.traffic(sessionId).tunnelsOpen(), "one tunnel: its client side and its upstream");
                connection.exec("head -c 1048576 /dev/zero");
            }
            Traffic after = gateway.traffic(sessionId);
            assertEquals(before.tunnelsOpened() + 1, after.tunnelsOpened());
            assertTrue(after.bytesFromSession() - before.bytesFromSession() > 1024 * 1024,
                    "1 MiB of output must have crossed the gateway: " + after);
            assertTrue(after.bytesToSession() > before.bytesToSession(), after.toString());
        }

        @Test
        void closingTheConnectionClosesTheTunnel() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway)) {
                SshConnection connection = ssh.connect(sessionId);
                connection.close();
                assertFalse(connection.isOpen());
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (gateway.traffic(sessionId).tunnelsOpen() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, gateway.traffic(sessionId).tunnelsOpen());
            }
        }

        @Test
        void deletingTheSessionCutsItsConnections() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId);
                 SandboxApi api = GatewayClients.api(gateway)) {
                api.deleteSession(sessionId);
                assertThrows(SandgateSshException.class, () -> connection.exec("echo gone"));
            }
        }
    }

    @Nested
    class HostVerification {
        @Test
        void aHostCertificateFromAnotherCaIsRefused() throws Exception {
            try (LocalGateway impostor = LocalGateway.builder().impostorHostCertificates().start()) {
                String sessionId = impostor.newSession();
                for (GatewayClients clients : List.of(GatewayClients.CONNECT, GatewayClients.WEBSOCKET)) {
                    try (SandboxSsh ssh = clients.ssh(impostor)) {
                        HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                                () -> ssh.connect(sessionId));
                        assertTrue(refused.getMessage().contains("not among"), refused.getMessage());
                        assertTrue(refused.getMessage().contains(sessionId), refused.getMessage());
                    }
                }
            }
        }
    }

    @Nested
    class PlainHostKey {
        @Test
        void aHostWithoutACertificateIsRefused() throws Exception {
            try (LocalGateway plain = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = plain.newSession();
                try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(plain)) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("plain"), refused.getMessage());
                }
            }
        }
    }

    @Test
    void negotiatesPostQuantumKeyExchangeAndAesGcmWhenAesRunsInHardware() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        boolean aesInHardware = Boolean.parseBoolean(java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseAES").getValue());
        try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
            org.apache.sshd.client.session.ClientSession session = connection.clientSession();
            assertEquals("mlkem768x25519-sha256",
                    session.getNegotiatedKexParameter(org.apache.sshd.common.kex.KexProposalOption.ALGORITHMS));
            assertEquals(aesInHardware ? "aes128-gcm@openssh.com" : "chacha20-poly1305@openssh.com",
                    session.getNegotiatedKexParameter(org.apache.sshd.common.kex.KexProposalOption.C2SENC));
        }
    }

    @Test
    void noSecretInMessagesOrToString() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
            String shown = ssh + " " + connection + " " + connection.issuedCertificate().orElseThrow() + " "
                    + connection.issuedCertificate().orElseThrow().credentials();
            assertFalse(shown.contains(gateway.token()), shown);
            java.security.PrivateKey privateKey = connection.issuedCertificate().orElseThrow().credentials().keyPair().getPrivate();
            assertFalse(shown.contains(privateKey.toString()), "the private key's own rendering: " + shown);
            assertFalse(shown.contains(java.util.Base64.getEncoder().encodeToString(privateKey.getEncoded())), shown);
        }
    }
}
