package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.cert.ApiUnauthorizedException;
import dev.sandgate.cert.RateLimitedException;
import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.ServerErrorException;
import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;

/** {@code SandboxSsh.connect} under a reconnect policy that covers the first connect: what it retries, what not. */
class FirstConnectTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final ReconnectPolicy COVERING = ReconnectPolicy.attempts(3, Duration.ofMillis(50))
            .coveringFirstConnect();

    @AfterEach
    void clearFaults() {
        GATEWAY.gateway().clearApiFaults();
        GATEWAY.gateway().clearTunnelFaults();
    }

    /** The API client retries nothing itself here, so that what is retried is this policy's doing. */
    private static SandboxSsh ssh(LocalGateway gateway, SandboxApi api, TransportKind transport,
            ReconnectPolicy policy) {
        return SandboxSsh.builder()
                .issuer(api)
                .token(gateway.token())
                .transport(transport)
                .reconnect(policy)
                .build();
    }

    private static SandboxApi api(LocalGateway gateway) {
        return SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).maxRetries(0).build();
    }

    private static void connectsAndRuns(SandboxSsh ssh, String sessionId) throws IOException {
        try (SshConnection connection = ssh.connect(sessionId)) {
            assertEquals("up\n", connection.exec("echo up").stdoutText());
        }
    }

    @Nested
    class Retried {
        @Test
        void twoUnavailableTunnelsThenSuccess() throws Exception {
            for (TransportKind transport : new TransportKind[] {TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET}) {
                LocalGateway gateway = GATEWAY.gateway();
                String sessionId = gateway.newSession();
                gateway.injectTunnelFault(TunnelFault.refuse(503, 1011).forSession(sessionId).times(2));
                try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, transport, COVERING)) {
                    connectsAndRuns(ssh, sessionId);
                }
            }
        }

        @Test
        void twoUnavailableMintsThenSuccess() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectApiFault(ApiFault.status(503).onMints().times(2));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT, COVERING)) {
                connectsAndRuns(ssh, sessionId);
                assertEquals(1, gateway.certificatesMinted(sessionId));
            }
        }

        @Test
        void aRateLimitedTunnelThenSuccess() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(429, 4429).forSession(sessionId));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT, COVERING)) {
                connectsAndRuns(ssh, sessionId);
            }
        }

        @Test
        void aRateLimitedMintIsTriedAgainNoSoonerThanItsRetryAfter() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(1)).onMints());
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT, COVERING)) {
                long started = System.nanoTime();
                connectsAndRuns(ssh, sessionId);
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis >= 1000, "waited what Retry-After said, not the policy's 50 ms: " + tookMillis);
            }
        }

        @Test
        void theWaitIsTheLongerOfTheBackoffAndRetryAfterAndAtMostTheMostBackoff() {
            RateLimitedException limited = new RateLimitedException("429", null, null, Duration.ofSeconds(2), null,
                    null, null);
            assertEquals(Duration.ofSeconds(2), FirstConnect.waitBeforeRetry(limited, Duration.ofMillis(50)));
            assertEquals(Duration.ofSeconds(5), FirstConnect.waitBeforeRetry(limited, Duration.ofSeconds(5)));
            RateLimitedException tooLong = new RateLimitedException("429", null, null, Duration.ofHours(1), null, null,
                    null);
            assertEquals(ReconnectPolicy.MAX_BACKOFF, FirstConnect.waitBeforeRetry(tooLong, Duration.ZERO));
            TunnelException unreachable = new TunnelException("nothing listens", new ConnectException("refused"));
            assertEquals(Duration.ofMillis(50), FirstConnect.waitBeforeRetry(unreachable, Duration.ofMillis(50)));
            assertEquals(Duration.ofMillis(50), FirstConnect.waitBeforeRetry(new ServerErrorException("503", 503, null,
                    null, null), Duration.ofMillis(50)));
        }
    }

    @Nested
    class NotRetried {
        @Test
        void anUnauthorizedTunnelIsThrownAtOnce() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(401, 4401).forSession(sessionId).times(2));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT, COVERING)) {
                TunnelRefusedException refused = assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
                assertEquals(Refusal.UNAUTHORIZED, refused.refusal());
                // one try took one of the two refusals: the next connect meets the second, the one after gets in
                assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
                connectsAndRuns(ssh, sessionId);
            }
        }

        @Test
        void anUnauthorizedMintIsThrownAtOnce() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectApiFault(ApiFault.status(401).onMints().times(2));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT, COVERING)) {
                assertThrows(ApiUnauthorizedException.class, () -> ssh.connect(sessionId));
                assertThrows(ApiUnauthorizedException.class, () -> ssh.connect(sessionId));
                connectsAndRuns(ssh, sessionId);
            }
        }

        @Test
        void aMissingSessionIsThrownAtOnce() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(404, 4404).forSession(sessionId).times(2));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.WEB_SOCKET, COVERING)) {
                assertEquals(Refusal.SESSION_NOT_FOUND,
                        assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId)).refusal());
                assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
                connectsAndRuns(ssh, sessionId);
            }
        }

        @Test
        void withoutTheOptInTheFirstRefusalIsThrown() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            gateway.injectTunnelFault(TunnelFault.refuse(503, 1011).forSession(sessionId));
            try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, TransportKind.HTTP_CONNECT,
                    ReconnectPolicy.attempts(3, Duration.ZERO))) {
                assertEquals(Refusal.UNAVAILABLE,
                        assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId)).refusal());
                connectsAndRuns(ssh, sessionId);
            }
        }

        @Test
        void refusedLoginsAndHostKeysAndTimeoutsAreNotRetryable() {
            assertNull(FirstConnect.waitBeforeRetry(new AuthenticationException("no", null), Duration.ZERO));
            assertNull(FirstConnect.waitBeforeRetry(new TunnelException("did not answer in time"), Duration.ZERO));
            assertNull(FirstConnect.waitBeforeRetry(new java.io.InterruptedIOException(), Duration.ZERO));
        }

        @Test
        void offCannotCoverTheFirstConnect() {
            assertThrows(IllegalStateException.class, () -> ReconnectPolicy.off().coveringFirstConnect());
        }
    }
}
