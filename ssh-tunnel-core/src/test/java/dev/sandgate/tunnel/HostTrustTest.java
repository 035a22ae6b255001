package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.SshKeys;
import dev.sandgate.testkit.LocalGateway;

/** Each host trust policy through {@link SandboxSsh#connect}, against the LocalGateway. */
class HostTrustTest {
    @TempDir
    Path directory;

    private static SandboxSsh.Builder minting(LocalGateway gateway) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token());
    }

    private static String fingerprint(String keyLine) {
        PublicKey key = SshKeys.parsePublicKey(keyLine);
        return KeyUtils.getFingerPrint(key);
    }

    @Nested
    class FromApi {
        @Test
        void aHostCaTheApiNamesStillVouchesForARotatedHostKey() throws Exception {
            try (LocalGateway gateway = LocalGateway.start(); SandboxSsh ssh = minting(gateway).build()) {
                String sessionId = gateway.newSession();
                gateway.rotateHostKey(sessionId);
                try (SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals(0, connection.exec("true").exitCode());
                }
            }
        }

        @Test
        void aHostKeyPinnedByTheApiIsAccepted() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().pinnedHostKeys().start();
                 SandboxSsh ssh = minting(gateway).build()) {
                String sessionId = gateway.newSession();
                try (SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals("pinned\n", connection.exec("echo pinned").stdoutText());
                    assertEquals(1, connection.issuedCertificate().orElseThrow().hostKeys().size());
                }
            }
        }

        @Test
        void aHostKeyThatDoesNotMatchThePinIsRefused() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().pinnedHostKeys().start();
                 SandboxSsh ssh = minting(gateway).build()) {
                String sessionId = gateway.newSession();
                String pinned = fingerprint(gateway.hostKeyLine(sessionId));
                ssh.connect(sessionId).close();
                // the cached mint answer still pins the old key
                gateway.rotateHostKey(sessionId);
                HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().contains("pinned"), refused.getMessage());
                assertTrue(refused.getMessage().contains(pinned), refused.getMessage());
                assertTrue(refused.getMessage().contains(fingerprint(gateway.hostKeyLine(sessionId))),
                        refused.getMessage());
                assertEquals(HostKeyRejectedException.Reason.KEY_CHANGED, refused.reason());
                assertEquals(Optional.of(fingerprint(gateway.hostKeyLine(sessionId))), refused.presentedKeyFingerprint());
            }
        }

        @Test
        void aPlainHostKeyNobodyPinnedIsRefused() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start();
                 SandboxSsh ssh = minting(gateway).build()) {
                String sessionId = gateway.newSession();
                HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                        () -> ssh.connect(sessionId));
                assertEquals(HostKeyRejectedException.Reason.NOT_TRUSTED, refused.reason(), refused.getMessage());
                assertEquals(Optional.of(fingerprint(gateway.hostKeyLine(sessionId))), refused.presentedKeyFingerprint());
            }
        }
    }

    @Nested
    class KnownHostsOverTheProvider {
        @Test
        void hostTrustReplacesWhatTheApiNames() throws Exception {
            try (LocalGateway gateway = LocalGateway.start()) {
                String sessionId = gateway.newSession();
                Path file = Files.write(directory.resolve("known_hosts"),
                        List.of(sessionId + " " + SshKeys.publicKeyLine(SshKeys.generate().getPublic())));
                try (SandboxSsh ssh = minting(gateway).hostTrust(HostTrust.knownHosts(file)).build()) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("@cert-authority"), refused.getMessage());
                    assertEquals(HostKeyRejectedException.Reason.NOT_TRUSTED, refused.reason());
                }
            }
        }

        @Test
        void aFileNotYetWrittenListsNoHost() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = gateway.newSession();
                Path missing = directory.resolve("not-yet").resolve("known_hosts");
                try (SandboxSsh ssh = minting(gateway).hostTrust(HostTrust.knownHosts(missing)).build()) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertEquals(HostKeyRejectedException.Reason.UNKNOWN_HOST, refused.reason(), refused.getMessage());
                    assertEquals(Optional.of(fingerprint(gateway.hostKeyLine(sessionId))),
                            refused.presentedKeyFingerprint());
                }
                assertFalse(Files.exists(missing.getParent()), "a known_hosts file is never written");
            }
        }
    }

    @Nested
    class AcceptNew {
        @Test
        void theFirstKeyIsRecordedAndAcceptedAfterwards() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = gateway.newSession();
                Path file = directory.resolve("sub").resolve("known_hosts");
                List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
                HostTrust acceptNew = HostTrust.acceptNew(file,
                        (host, key, in) -> heard.add(host + " " + SshKeys.publicKeyLine(key) + " in " + in));
                try (SandboxSsh ssh = minting(gateway).hostTrust(acceptNew).build()) {
                    for (int i = 0; i < 2; i++) {
                        try (SshConnection connection = ssh.connect(sessionId)) {
                            assertEquals(0, connection.exec("true").exitCode());
                        }
                    }
                }
                assertEquals(List.of(sessionId + " " + gateway.hostKeyLine(sessionId)), Files.readAllLines(file));
                assertEquals(List.of(sessionId + " " + gateway.hostKeyLine(sessionId) + " in " + file.toAbsolutePath()),
                        heard, "told once, for the first connect only");
            }
        }

        @Test
        void aRotatedKeyIsRefusedNamingBothFingerprintsAndTheFile() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = gateway.newSession();
                Path file = directory.resolve("known_hosts");
                try (SandboxSsh ssh = minting(gateway).hostTrust(HostTrust.acceptNew(file)).build()) {
                    ssh.connect(sessionId).close();
                    String first = fingerprint(gateway.hostKeyLine(sessionId));
                    List<String> recorded = Files.readAllLines(file);
                    gateway.rotateHostKey(sessionId);
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    String message = refused.getMessage();
                    assertTrue(message.contains(first), message);
                    assertTrue(message.contains(fingerprint(gateway.hostKeyLine(sessionId))), message);
                    assertTrue(message.contains(file.toAbsolutePath().toString()), message);
                    assertTrue(message.contains("No credentials were sent"), message);
                    assertEquals(HostKeyRejectedException.Reason.KEY_CHANGED, refused.reason());
                    assertEquals(Optional.of(fingerprint(gateway.hostKeyLine(sessionId))),
                            refused.presentedKeyFingerprint());
                    assertEquals(Optional.of(sessionId), refused.host(), "the name its line has in the file");
                    assertEquals(recorded, Files.readAllLines(file), "a refused key is not recorded");
                }
            }
        }

        @Test
        void concurrentFirstConnectsRecordOneKey() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = gateway.newSession();
                ExecutorService threads = Executors.newFixedThreadPool(6);
                try {
                    for (int round = 0; round < 5; round++) {
                        Path file = directory.resolve("known_hosts-" + round);
                        try (SandboxSsh ssh = minting(gateway).hostTrust(HostTrust.acceptNew(file)).build()) {
                            ssh.connect(sessionId).close(); // the certificate is minted once, outside the race
                            Files.delete(file);
                            CountDownLatch start = new CountDownLatch(1);
                            List<Future<Integer>> connects = new ArrayList<>();
                            for (int i = 0; i < 6; i++) {
                                Callable<Integer> connect = () -> {
                                    start.await();
                                    try (SshConnection connection = ssh.connect(sessionId)) {
                                        return connection.exec("true").exitCode();
                                    }
                                };
                                connects.add(threads.submit(connect));
                            }
                            start.countDown();
                            for (Future<Integer> connect : connects) {
                                assertEquals(0, connect.get());
                            }
                        }
                        assertEquals(List.of(sessionId + " " + gateway.hostKeyLine(sessionId)),
                                Files.readAllLines(file), "round " + round);
                    }
                } finally {
                    threads.shutdownNow();
                }
            }
        }

        @Test
        void sessionsBehindOneWebSocketGatewayShareTheGatewaysRecordedKey() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                java.security.KeyPair key = SshKeys.generate();
                String first = GivenCredentialsTest.sessionFor(gateway, key);
                String second = GivenCredentialsTest.sessionFor(gateway, key);
                Path file = directory.resolve("known_hosts");
                SandboxProvider provider = SandboxProvider.generic(LoginMethod.key(gateway.sshUsername(), key),
                        EndpointSource.webSocket(gateway::webSocketUrl), TunnelAuth.bearer(gateway.token()),
                        HostTrust.acceptNew(file));
                try (SandboxSsh ssh = SandboxSsh.builder().provider(provider).build()) {
                    ssh.connect(first).close();
                    String recorded = Files.readAllLines(file).get(0);
                    assertTrue(recorded.startsWith("[127.0.0.1]:" + gateway.webSocketUrl(first).getPort() + " "),
                            recorded);
                    // the LocalGateway gives each session its own key: to a client that pins the gateway's, a change
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(second));
                    assertTrue(refused.getMessage().contains("has changed"), refused.getMessage());
                }
            }
        }

        @Test
        void whatItRecordedChecksTheHostAsAKnownHostsFileAfterwards() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                java.security.KeyPair key = SshKeys.generate();
                String sessionId = GivenCredentialsTest.sessionFor(gateway, key);
                Path file = directory.resolve("known_hosts");
                for (HostTrust trust : List.of(HostTrust.acceptNew(file), HostTrust.knownHosts(file))) {
                    SandboxProvider provider = SandboxProvider.generic(LoginMethod.key(gateway.sshUsername(), key),
                            EndpointSource.webSocket(gateway::webSocketUrl), TunnelAuth.bearer(gateway.token()), trust);
                    try (SandboxSsh ssh = SandboxSsh.builder().provider(provider)
                            .build();
                         SshConnection connection = ssh.connect(sessionId)) {
                        assertEquals(0, connection.exec("true").exitCode(), trust.toString());
                    }
                }
                assertEquals(1, Files.readAllLines(file).size());
            }
        }

        @Test
        void isNeverTheDefault() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start();
                 SandboxSsh ssh = minting(gateway).build()) {
                String sessionId = gateway.newSession();
                assertThrows(HostKeyRejectedException.class, () -> ssh.connect(sessionId));
                assertFalse(ssh.toString().contains("acceptNew"), ssh.toString());
            }
        }
    }

    @Test
    void aGatewayIsOneNameWhetherItsUrlWritesTheSchemesPortOrNot() {
        java.util.function.Function<String, String> named = url -> HostTrust.hostName("s1",
                new dev.sandgate.cert.Endpoints(null, new dev.sandgate.cert.Endpoints.WebSocket(java.net.URI.create(url))));
        assertEquals("gw.example", named.apply("wss://gw.example/v1/ssh/s1"));
        assertEquals("gw.example", named.apply("wss://gw.example:443/v1/ssh/s1"));
        assertEquals("gw.example", named.apply("ws://gw.example:80/v1/ssh/s1"));
        assertEquals("[gw.example]:8443", named.apply("wss://gw.example:8443/v1/ssh/s1"));
        assertEquals("[gw.example]:443", named.apply("ws://gw.example:443/v1/ssh/s1"));
        assertEquals("[proxy-target]:2222", HostTrust.hostName("s1", new dev.sandgate.cert.Endpoints(
                new dev.sandgate.cert.Endpoints.Connect(java.net.URI.create("http://127.0.0.1:3128"), "proxy-target:2222"),
                null)));
    }
}
