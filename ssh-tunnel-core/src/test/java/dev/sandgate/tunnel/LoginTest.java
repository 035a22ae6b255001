package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** A certificate the session's server must not accept ends a connect with {@link AuthenticationException}. */
class LoginTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** Mints through the API (for real endpoints and host CA keys), then swaps in a certificate of the test's making. */
    private static CertificateIssuer swapping(SandboxApi api, List<String> principals, Instant after, Instant before) {
        return (sessionId, keys, ttl) -> {
            IssuedCertificate real = api.issue(sessionId, keys, ttl);
            String line = GATEWAY.gateway().signUserCertificate(keys.getPublic(), principals, after, before);
            Credentials swapped = new Credentials(real.credentials().username(), keys, SshCertificate.parse(line));
            return new IssuedCertificate(swapped, real.renewAfter(), real.hostCaKeys(), real.permissions(),
                    real.endpoints());
        };
    }

    private static AuthenticationException refusedLogin(List<String> principals, Instant after, Instant before)
            throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = SandboxSsh.builder()
                     .issuer(swapping(api, principals.isEmpty() ? List.of(sessionId) : principals, after, before))
                     .token(gateway.token())
                     .build()) {
            AuthenticationException refused = assertThrows(AuthenticationException.class, () -> ssh.connect(sessionId));
            assertTrue(refused.getMessage().contains(sessionId), refused.getMessage());
            return refused;
        }
    }

    @Test
    void aCertificateForAnotherSessionIsRefused() throws Exception {
        Instant now = Instant.now();
        AuthenticationException refused = refusedLogin(List.of("sess-not-this-one"), now.minusSeconds(60),
                now.plusSeconds(600));
        assertTrue(refused.getMessage().contains("sess-not-this-one"), refused.getMessage());
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        AuthenticationException refused = refusedLogin(List.of(), now.minusSeconds(3600), now.minusSeconds(10));
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
    }

    @Test
    void aRefusedCertificateIsForgottenSoTheNextConnectMintsAnew() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Instant now = Instant.now();
        try (SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = SandboxSsh.builder()
                     .issuer(swapping(api, List.of("sess-not-this-one"), now.minusSeconds(60), now.plusSeconds(600)))
                     .token(gateway.token())
                     .build()) {
            assertThrows(AuthenticationException.class, () -> ssh.connect(sessionId));
            assertEquals(1, gateway.certificatesMinted(sessionId), "a refused login does not mint again by itself");
            assertThrows(AuthenticationException.class, () -> ssh.connect(sessionId));
            assertEquals(2, gateway.certificatesMinted(sessionId), "the refused certificate was not served twice");
        }
    }

    @Test
    void theRealCertificateLogsIn() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
            assertEquals(0, connection.exec("true").exitCode());
        }
    }
}
