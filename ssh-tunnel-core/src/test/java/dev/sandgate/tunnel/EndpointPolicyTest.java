package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.HostResolver;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * Where the token may go. "Remote" hosts here are names under {@code .test} that this resolver maps to 127.0.0.1;
 * any other name fails to resolve, so nothing can leave the machine even if the code under test is wrong.
 */
class EndpointPolicyTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final HostResolver LOOPBACK_TEST_NAMES = host -> {
        if (host.endsWith(".test")) {
            return List.of(InetAddress.getLoopbackAddress());
        }
        throw new UnknownHostException(host + " (this test resolves only *.test names)");
    };

    enum Kind {
        CONNECT, WEBSOCKET;

        Endpoints endpoints(String host, int port, String sessionId) {
            return this == CONNECT
                    ? new Endpoints(new Endpoints.Connect(URI.create("http://" + host + ":" + port), sessionId + ":22"), null)
                    : new Endpoints(null, new Endpoints.WebSocket(
                            URI.create("ws://" + host + ":" + port + "/v1/sessions/" + sessionId + "/ssh/websocket")));
        }

        TransportKind transport() {
            return this == CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET;
        }
    }

    /** Mints through the real API, then names these endpoints, as a hostile or misconfigured API might. */
    private static CertificateIssuer naming(SandboxApi api, Endpoints endpoints) {
        return (sessionId, keys, ttl) -> {
            IssuedCertificate real = api.issue(sessionId, keys, ttl);
            return new IssuedCertificate(real.credentials(), real.renewAfter(), real.hostCaKeys(), real.permissions(),
                    endpoints);
        };
    }

    private static SandboxSsh ssh(SandboxApi api, Endpoints endpoints, Kind kind, EndpointPolicy policy) {
        return SandboxSsh.builder().issuer(naming(api, endpoints)).token(GATEWAY.gateway().token())
                .transport(kind.transport()).endpointPolicy(policy).resolver(LOOPBACK_TEST_NAMES).build();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theTokenNeverTravelsInCleartextToAHostThatIsNotLoopback(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (ServerSocket bait = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = ssh(api, kind.endpoints("gw.remote.test", bait.getLocalPort(), sessionId), kind,
                     EndpointPolicy.requireTls())) {
            EndpointNotAllowedException refused = assertThrows(EndpointNotAllowedException.class,
                    () -> ssh.connect(sessionId));
            assertTrue(refused.getMessage().contains("gw.remote.test:" + bait.getLocalPort()), refused.getMessage());
            assertTrue(refused.getMessage().contains("allowCleartext"), refused.getMessage());
            bait.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, bait::accept, "nothing may have been sent to the endpoint");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void cleartextToAnyHostWorksWhenAllowed(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        int port = gateway.apiUrl().getPort();
        try (SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = ssh(api, kind.endpoints("gw.remote.test", port, sessionId), kind,
                     EndpointPolicy.requireTls().allowCleartext());
             SshConnection connection = ssh.connect(sessionId)) {
            assertEquals("ok\n", connection.exec("echo ok").stdoutText());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void tunnelsGoOnlyToTheAllowedHosts(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        int port = gateway.apiUrl().getPort();
        EndpointPolicy pinned = EndpointPolicy.requireTls().allowCleartext().tunnelHosts("*.gateways.test");
        try (SandboxApi api = GatewayClients.api(gateway)) {
            try (SandboxSsh ssh = ssh(api, kind.endpoints("gw.elsewhere.test", port, sessionId), kind, pinned)) {
                EndpointNotAllowedException refused = assertThrows(EndpointNotAllowedException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().contains("*.gateways.test"), refused.getMessage());
            }
            try (SandboxSsh ssh = ssh(api, kind.endpoints("eu.gateways.test", port, sessionId), kind, pinned);
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode());
            }
        }
    }

    @Test
    void anApiUrlInCleartextToAHostThatIsNotLoopbackIsRefusedUnlessAllowed() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String remote = "http://api.remote.test:" + gateway.apiUrl().getPort() + "/v1";
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> SandboxApi.builder()
                .baseUrl(remote).token(gateway.token()).resolver(LOOPBACK_TEST_NAMES).build());
        assertTrue(refused.getMessage().contains("cleartext") && refused.getMessage().contains("allowCleartext"),
                refused.getMessage());
        assertThrows(IllegalStateException.class, () -> SandboxSsh.builder().apiUrl(remote).token(gateway.token())
                .resolver(LOOPBACK_TEST_NAMES).build());
        try (SandboxApi api = SandboxApi.builder().baseUrl(remote).token(gateway.token()).resolver(LOOPBACK_TEST_NAMES)
                .endpointPolicy(EndpointPolicy.requireTls().allowCleartext()).build()) {
            assertFalse(api.createSession(NewSession.builder().build()).id().isEmpty());
        }
    }

    @Test
    void loopbackIsWhatTheHostSaysAsWritten() {
        for (String host : List.of("localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST")) {
            assertTrue(EndpointPolicy.isLoopback(host), host);
        }
        for (String host : List.of("127.0.0.1.evil.test", "128.0.0.1", "localhost.test", "127.0.0.256", "0.0.0.0",
                "::2")) {
            assertFalse(EndpointPolicy.isLoopback(host), host);
        }
    }

    /** A gateway that issues per-session tunnel credentials never sees the account token on its tunnels. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSessionsOwnTunnelCredentialIsUsedInsteadOfTheAccountToken(Kind kind) throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().sessionTunnelCredentials().start()) {
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                    .transport(kind.transport()).build();
                 SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("ok\n", connection.exec("echo ok").stdoutText());
                String shown = connection.issuedCertificate().orElseThrow().toString();
                assertTrue(shown.contains("tunnelCredential=***"), shown);
            }
            // the same gateway refuses the account token on its tunnels: the connect above used the session's own
            try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                    .tunnelAuth(TunnelAuth.bearer(gateway.token())).transport(kind.transport()).build()) {
                TunnelRefusedException refused = assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
                assertEquals(dev.sandgate.cert.Refusal.UNAUTHORIZED, refused.refusal());
            }
        }
    }
}
