package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.cert.Refusal;

/** Each way the gateway can refuse a tunnel arrives as a {@link TunnelRefusedException} that names itself. */
class TunnelRefusalTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    enum Kind {
        CONNECT, CONNECT_TLS, WEBSOCKET, WEBSOCKET_TLS;

        Transport transport(LocalGateway gateway) {
            TransportOptions options = TransportOptions.builder()
                    .tlsTrust(TlsTrust.trusting(gateway.tlsCertificate()))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            return name().startsWith("CONNECT") ? Transport.httpConnect(options) : Transport.webSocket(options);
        }

        boolean tls() {
            return name().endsWith("TLS");
        }
    }

    /** Real endpoints for a session, minted through the API of the plain or TLS listener. */
    private static Endpoints endpoints(LocalGateway gateway, String sessionId, boolean tls) throws Exception {
        try (SandboxApi api = SandboxApi.builder()
                .baseUrl(tls ? gateway.tlsApiUrl() : gateway.apiUrl())
                .tlsTrust(TlsTrust.trusting(gateway.tlsCertificate()))
                .token(gateway.token())
                .build()) {
            IssuedCertificate issued = api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5));
            return issued.endpoints();
        }
    }

    private static TunnelRefusedException refusal(Kind kind, String sessionId, Endpoints endpoints, String token) {
        return assertThrows(TunnelRefusedException.class,
                () -> kind.transport(GATEWAY.gateway()).open(new TunnelRequest(sessionId, endpoints, token)).close());
    }

    @Nested
    class Refusals {
        @ParameterizedTest
        @EnumSource(Kind.class)
        void aBadTokenIsRefusedAsUnauthorized(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            String badToken = "not-a-valid-token-1234";
            TunnelRefusedException refused = refusal(kind, sessionId, endpoints(gateway, sessionId, kind.tls()), badToken);
            assertEquals(Refusal.UNAUTHORIZED, refused.refusal());
            assertEquals(kind.name().startsWith("CONNECT") ? 407 : 4401, refused.status());
            assertTrue(refused.getMessage().contains("bearer token"), refused.getMessage());
            assertFalse(refused.getMessage().contains(badToken), refused.getMessage());
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aSessionOfAnotherAccountIsForbidden(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            TunnelRefusedException refused = refusal(kind, sessionId, endpoints(gateway, sessionId, kind.tls()),
                    gateway.issueToken());
            assertEquals(Refusal.FORBIDDEN, refused.refusal());
            assertTrue(refused.getMessage().contains("another account"), refused.getMessage());
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aDeletedSessionIsNotFound(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            Endpoints endpoints = endpoints(gateway, sessionId, kind.tls());
            try (SandboxApi api = GatewayClients.api(gateway)) {
                api.deleteSession(sessionId);
            }
            TunnelRefusedException refused = refusal(kind, sessionId, endpoints, gateway.token());
            assertEquals(Refusal.SESSION_NOT_FOUND, refused.refusal());
            assertTrue(refused.getMessage().contains(sessionId), refused.getMessage());
        }

        @ParameterizedTest
        @EnumSource(Kind.class)
        void aPausedSessionIsNotRunning(Kind kind) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            Endpoints endpoints = endpoints(gateway, sessionId, kind.tls());
            gateway.pauseSession(sessionId);
            try {
                TunnelRefusedException refused = refusal(kind, sessionId, endpoints, gateway.token());
                assertEquals(Refusal.SESSION_NOT_RUNNING, refused.refusal());
                assertEquals(kind.name().startsWith("CONNECT") ? 409 : 4409, refused.status());
            } finally {
                gateway.resumeSession(sessionId);
            }
        }
    }

    @Nested
    class ThroughSandboxSsh {
        @Test
        void aBadTokenOnTheTunnelFailsConnectWithUnauthorized() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            SandboxApi api = GatewayClients.api(gateway);
            for (TransportKind transport : List.of(TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET)) {
                try (SandboxSsh ssh = SandboxSsh.builder()
                        .issuer(api)
                        .token("wrong-token-for-tunnels")
                        .transport(transport)
                        .build()) {
                    TunnelRefusedException refused = assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
                    assertEquals(Refusal.UNAUTHORIZED, refused.refusal());
                    assertFalse(refused.getMessage().contains("wrong-token-for-tunnels"), refused.getMessage());
                }
            }
            api.close();
        }
    }

    @Nested
    class Unreachable {
        @Test
        void nothingListeningIsATunnelExceptionNamingTheAddress() throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Endpoints endpoints = new Endpoints(new Endpoints.Connect(URI.create("http://127.0.0.1:" + port), "s:22"),
                    new Endpoints.WebSocket(URI.create("ws://127.0.0.1:" + port + "/ws")));
            for (Transport transport : List.of(Transport.httpConnect(TransportOptions.defaults()),
                    Transport.webSocket(TransportOptions.defaults()))) {
                try (transport) {
                    TunnelException failed = assertThrows(TunnelException.class,
                            () -> transport.open(new TunnelRequest("s", endpoints, "token-xyz")));
                    assertFalse(failed instanceof TunnelRefusedException, failed.toString());
                    assertTrue(failed.getMessage().contains("127.0.0.1:" + port), failed.getMessage());
                    assertFalse(failed.getMessage().contains("token-xyz"), failed.getMessage());
                }
            }
        }
    }
}
