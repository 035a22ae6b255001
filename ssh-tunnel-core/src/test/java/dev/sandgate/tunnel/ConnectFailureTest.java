package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.cert.ApiConnectionException;
import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SessionConflictException;
import dev.sandgate.cert.SessionNotFoundException;
import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.testkit.TunnelFault.Direction;

/**
 * Every way a connect can fail arrives from {@link SandboxSsh#connect} (the door users use) as the type that names
 * it, within the connect time limit.
 */
class ConnectFailureTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration SHORT_LIMIT = Duration.ofMillis(1500);

    enum Kind {
        CONNECT, WEBSOCKET;

        TransportKind transport() {
            return this == CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET;
        }
    }

    private static SandboxSsh ssh(LocalGateway gateway, Kind kind, Duration connectTimeout) {
        return SandboxSsh.builder()
                .apiUrl(gateway.apiUrl())
                .token(gateway.token())
                .transport(kind.transport())
                .connectTimeout(connectTimeout)
                .build();
    }

    /** Mints through the real API, then points the endpoints somewhere else. */
    private static CertificateIssuer pointingAt(SandboxApi api, Endpoints endpoints) {
        return (sessionId, keys, ttl) -> {
            IssuedCertificate real = api.issue(sessionId, keys, ttl);
            return new IssuedCertificate(real.credentials(), real.renewAfter(), real.hostCaKeys(), real.permissions(),
                    endpoints);
        };
    }

    private static Endpoints endpointsAt(int port) {
        return new Endpoints(new Endpoints.Connect(URI.create("http://127.0.0.1:" + port), "target:22"),
                new Endpoints.WebSocket(URI.create("ws://127.0.0.1:" + port + "/v1/sessions/x/ssh/websocket")));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs the connect that must fail, checks it failed within the limit plus a margin, and returns the failure. */
    private static <T extends Throwable> T failsWithin(Duration limit, Class<T> type, SandboxSsh ssh, String sessionId) {
        long start = System.nanoTime();
        T failure = assertThrows(type, () -> ssh.connect(sessionId).close());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(limit.plusSeconds(3)) < 0, "took " + took.toMillis() + " ms: " + failure);
        return failure;
    }

    @Nested
    class Unreachable {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aClosedPortIsATunnelExceptionNamingTheAddress(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            int port = closedPort();
            try (SandboxApi api = GatewayClients.api(gateway);
                 SandboxSsh ssh = SandboxSsh.builder().issuer(pointingAt(api, endpointsAt(port)))
                         .token(gateway.token()).transport(kind.transport()).build()) {
                TunnelException failed = failsWithin(Duration.ofSeconds(30), TunnelException.class, ssh, sessionId);
                assertFalse(failed instanceof TunnelRefusedException, failed.toString());
                assertTrue(failed.getMessage().contains("127.0.0.1:" + port), failed.getMessage());
                assertFalse(failed.getMessage().contains(gateway.token()), failed.getMessage());
                assertTrue(Refusal.of(failed).isEmpty(), "unreachable is no refusal");
            }
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aPeerThatAcceptsAndNeverAnswersTimesOutAsATunnelException(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                 SandboxApi api = GatewayClients.api(gateway);
                 SandboxSsh ssh = SandboxSsh.builder().issuer(pointingAt(api, endpointsAt(silent.getLocalPort())))
                         .token(gateway.token()).transport(kind.transport()).connectTimeout(SHORT_LIMIT).build()) {
                TunnelException failed = failsWithin(SHORT_LIMIT, TunnelException.class, ssh, sessionId);
                assertFalse(failed instanceof TunnelRefusedException, failed.toString());
            }
        }
    }

    @Nested
    class MisbehavingGateway {
        @Test
        void aWebSocketUpgradeFollowedBySilenceIsATunnelException() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.stall().forSession(sessionId));
            try (SandboxSsh ssh = ssh(gateway, Kind.WEBSOCKET, SHORT_LIMIT)) {
                TunnelException failed = failsWithin(SHORT_LIMIT, TunnelException.class, ssh, sessionId);
                assertTrue(failed.getMessage().contains("sent no SSH bytes"), failed.getMessage());
                assertEquals("ok\n", connectAndEcho(ssh, sessionId), "the next connect works");
            }
        }

        @Test
        void anAcceptedConnectFollowedBySilenceEndsWithinTheConnectTimeout() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.stall().forSession(sessionId));
            try (SandboxSsh ssh = ssh(gateway, Kind.CONNECT, SHORT_LIMIT)) {
                TunnelException failed = failsWithin(SHORT_LIMIT, TunnelException.class, ssh, sessionId);
                assertTrue(failed.getMessage().contains("connectTimeout"), failed.getMessage());
                assertTrue(failed.getMessage().contains("no SSH identification"), failed.getMessage());
                assertEquals("ok\n", connectAndEcho(ssh, sessionId), "the next connect works");
            }
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void garbageInsteadOfAnSshBannerIsAClearProtocolError(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.garbageBanner().forSession(sessionId));
            try (SandboxSsh ssh = ssh(gateway, kind, Duration.ofSeconds(10))) {
                TunnelException failed = failsWithin(Duration.ofSeconds(10), TunnelException.class, ssh, sessionId);
                assertTrue(failed.getMessage().contains("not an SSH server")
                        || failed.getMessage().contains("no SSH identification"), failed.getMessage());
                assertEquals("ok\n", connectAndEcho(ssh, sessionId), "the next connect works");
            }
        }

        @Test
        void aWebSocketClosedNormallyBeforeAnySshByteFailsAtOnce() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(503, 1000).forSession(sessionId));
            try (SandboxSsh ssh = ssh(gateway, Kind.WEBSOCKET, Duration.ofSeconds(20))) {
                TunnelException failed = failsWithin(Duration.ZERO, TunnelException.class, ssh, sessionId);
                assertFalse(failed instanceof TunnelRefusedException, failed.toString());
                assertTrue(failed.getMessage().contains("before any SSH bytes"), failed.getMessage());
            }
        }

        /**
         * The gateway cuts the tunnel cleanly after every 150th byte from the server up to 6000: through the banner,
         * the key exchange, the host certificate and the login. Each cut is a tunnel failure, never a refused login,
         * and none of them costs the cached certificate.
         */
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aCutAnywhereInTheHandshakeIsATunnelFailureNeverARefusedLogin(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            int cutsPastTheHandshake = -1;
            try (SandboxSsh ssh = ssh(gateway, kind, Duration.ofSeconds(10))) {
                for (int cut = 0; cut <= 8000; cut += 150) {
                    gateway.injectTunnelFault(TunnelFault.dropAfter(cut, Direction.FROM_SESSION).forSession(sessionId));
                    try {
                        ssh.connect(sessionId).close();
                        // a cut past the whole handshake (about 4 kB) lets connect succeed: the sweep is done
                        cutsPastTheHandshake = cut;
                        break;
                    } catch (IOException failure) {
                        assertInstanceOf(TunnelException.class, failure, "cut after " + cut + " bytes: " + failure);
                    }
                }
                assertEquals("ok\n", connectAndEcho(ssh, sessionId));
            }
            assertTrue(cutsPastTheHandshake > 1000, "the sweep must cover the whole handshake: " + cutsPastTheHandshake);
            assertEquals(1, gateway.certificatesMinted(sessionId), "a cut tunnel must not cost the certificate");
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void anInjectedRefusalIsTypedAndTheNextConnectWorks(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(503, 1011).forSession(sessionId));
            try (SandboxSsh ssh = ssh(gateway, kind, Duration.ofSeconds(10))) {
                TunnelRefusedException refused = failsWithin(Duration.ofSeconds(10), TunnelRefusedException.class, ssh,
                        sessionId);
                assertEquals(Refusal.UNAVAILABLE, refused.refusal());
                assertEquals(kind == Kind.CONNECT ? 503 : 1011, refused.status());
                assertEquals("ok\n", connectAndEcho(ssh, sessionId), "the next connect works");
            }
        }
    }

    @Nested
    class OneDeadline {
        @Test
        void aMintSlowerThanTheConnectTimeoutFailsWithinIt() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectApiFault(ApiFault.delay(Duration.ofSeconds(8)).onMints());
            try (SandboxSsh ssh = ssh(gateway, Kind.CONNECT, SHORT_LIMIT)) {
                failsWithin(SHORT_LIMIT, ApiConnectionException.class, ssh, sessionId);
            } finally {
                gateway.clearApiFaults();
            }
        }
    }

    @Nested
    class HostKeys {
        @Test
        void anImpostorIsAlwaysAHostKeyRefusalAndCostsOneMint() throws Exception {
            try (LocalGateway impostor = LocalGateway.builder().impostorHostCertificates().start();
                 SandboxSsh ssh = ssh(impostor, Kind.CONNECT, Duration.ofSeconds(20))) {
                String sessionId = impostor.newSession();
                ExecutorService threads = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Throwable>> tries = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        tries.add(threads.submit(() -> {
                            try {
                                ssh.connect(sessionId).close();
                                return null;
                            } catch (Throwable t) {
                                return t;
                            }
                        }));
                    }
                    for (Future<Throwable> attempt : tries) {
                        assertInstanceOf(HostKeyRejectedException.class, attempt.get());
                    }
                } finally {
                    threads.shutdownNow();
                }
                assertEquals(1, impostor.certificatesMinted(sessionId), "an impostor must not cost a mint per try");
            }
        }

        @Test
        void aHostCertificateForAnotherHostNameIsAHostKeyRefusal() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            // the server's host certificate names the session id and 127.0.0.1; this client connects as another name
            Endpoints elsewhere = new Endpoints(new Endpoints.Connect(gateway.connectProxyUrl(), "not-this-host:22"), null);
            Transport direct = Transport.direct(new java.net.InetSocketAddress("127.0.0.1",
                    gateway.sshPortForTests(sessionId)), TransportOptions.defaults());
            try (SandboxApi api = GatewayClients.api(gateway);
                 SandboxSsh ssh = SandboxSsh.builder().issuer(pointingAt(api, elsewhere)).token(gateway.token())
                         .transport(direct).build()) {
                HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().contains("another host name"), refused.getMessage());
            } finally {
                direct.close();
            }
        }

        @Test
        void aHostCertificateWithoutPrincipalsIsValidForAnyHost() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().hostCertificatesWithoutPrincipals().start()) {
                String sessionId = gateway.newSession();
                for (Kind kind : Kind.values()) {
                    try (SandboxSsh ssh = ssh(gateway, kind, Duration.ofSeconds(20))) {
                        assertEquals("ok\n", connectAndEcho(ssh, sessionId), kind.name());
                    }
                }
            }
        }
    }

    @Nested
    class OneWayToAskWhy {
        @Test
        void anUnknownSessionIsSessionNotFoundWhetherTheApiOrTheGatewaySaysSo() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxSsh ssh = ssh(gateway, Kind.CONNECT, Duration.ofSeconds(20))) {
                SessionNotFoundException fromApi = assertThrows(SessionNotFoundException.class,
                        () -> ssh.connect("sess-that-never-was"));
                assertEquals(Refusal.SESSION_NOT_FOUND, Refusal.of(fromApi).orElseThrow());

                String sessionId = gateway.newSession();
                ssh.connect(sessionId).close();
                try (SandboxApi api = GatewayClients.api(gateway)) {
                    api.deleteSession(sessionId);
                }
                TunnelRefusedException fromGateway = assertThrows(TunnelRefusedException.class,
                        () -> ssh.connect(sessionId), "the cached certificate skips the API: the gateway refuses");
                assertEquals(Refusal.SESSION_NOT_FOUND, Refusal.of(fromGateway).orElseThrow());
            }
        }

        @Test
        void aPausedSessionIsNotRunningWhetherTheApiOrTheGatewaySaysSo() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh fresh = ssh(gateway, Kind.WEBSOCKET, Duration.ofSeconds(20));
                 SandboxSsh cached = ssh(gateway, Kind.WEBSOCKET, Duration.ofSeconds(20))) {
                cached.connect(sessionId).close();
                gateway.pauseSession(sessionId);
                try {
                    SessionConflictException fromApi = assertThrows(SessionConflictException.class,
                            () -> fresh.connect(sessionId));
                    assertEquals(Refusal.SESSION_NOT_RUNNING, Refusal.of(fromApi).orElseThrow());
                    TunnelRefusedException fromGateway = assertThrows(TunnelRefusedException.class,
                            () -> cached.connect(sessionId));
                    assertEquals(Refusal.SESSION_NOT_RUNNING, Refusal.of(fromGateway).orElseThrow());
                } finally {
                    gateway.resumeSession(sessionId);
                }
            }
        }
    }

    @Nested
    class BadInput {
        @ParameterizedTest
        @ValueSource(strings = {"", ".", "..", "a b", "sess\r\nX-Injected: 1", "x/y", "../other", "a%2Fb", "a?b", "a#b", "a\\b"})
        void aSessionIdThatCannotBeOneIsRefusedUpFront(String sessionId) throws Exception {
            try (SandboxSsh ssh = ssh(GATEWAY.gateway(), Kind.CONNECT, Duration.ofSeconds(5))) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().toLowerCase().contains("session id"), refused.getMessage());
            }
        }

        @Test
        void aTokenWithALineBreakIsRefusedWithoutShowingIt() {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> SandboxSsh.builder().apiUrl("http://127.0.0.1:9/v1").token("secret-part\r\nX-Evil: 1"));
            assertFalse(refused.getMessage().contains("secret-part"), refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TunnelAuth.bearer("a\nb"));
            assertThrows(IllegalArgumentException.class, () -> TunnelAuth.header("X-Key", "v\r\nX-Evil: 1"));
            assertThrows(IllegalArgumentException.class, () -> TunnelAuth.header("Bad Name", "v"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"host:abc", "host:0", "host:70000", "host", ":22", "ho st:22", "host:22\r\nX-Evil: 1",
                "host:22 HTTP/1.1"})
        void aConnectTargetThatIsNotHostColonPortIsRefused(String target) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new Endpoints.Connect(URI.create("http://127.0.0.1:8080"), target));
            assertTrue(refused.getMessage().contains("host:port"), refused.getMessage());
        }
    }

    private static String connectAndEcho(SandboxSsh ssh, String sessionId) throws IOException {
        try (SshConnection connection = ssh.connect(sessionId)) {
            return connection.exec("echo ok").stdoutText();
        }
    }
}
