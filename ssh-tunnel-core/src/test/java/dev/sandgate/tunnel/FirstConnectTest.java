package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.function.BiConsumer;

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

    /** With the covering policy, after {@code faults} hit a new session's first tries, a connect gets in. */
    private static void connectsDespite(TransportKind transport, BiConsumer<LocalGateway, String> faults)
            throws IOException {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        faults.accept(gateway, sessionId);
        try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, transport, COVERING)) {
            connectsAndRuns(ssh, sessionId);
        }
    }

    /**
     * With the covering policy, and {@code twoRefusals} injected for a new session: the first connect is refused
     * after one try (the second connect meets the second refusal), and the third gets in.
     */
    private static <E extends IOException> E refusedAtOnce(TransportKind transport, Class<E> type,
            BiConsumer<LocalGateway, String> twoRefusals) throws IOException {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        twoRefusals.accept(gateway, sessionId);
        try (SandboxApi api = api(gateway); SandboxSsh ssh = ssh(gateway, api, transport, COVERING)) {
            E refused = assertThrows(type, () -> ssh.connect(sessionId));
            assertThrows(type, () -> ssh.connect(sessionId));
            connectsAndRuns(ssh, sessionId);
            return refused;
        }
    }

    @Nested
    class Retried {
        @Test
        void twoUnavailableTunnelsThenSuccess() throws Exception {
            for (TransportKind transport : new TransportKind[] {TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET}) {
                connectsDespite(transport, (gateway, sessionId) -> gateway.injectTunnelFault(
                        TunnelFault.refuse(503, 1011).forSession(sessionId).times(2)));
            }
        }

        @Test
        void twoUnavailableMintsThenSuccess() throws Exception {
            connectsDespite(TransportKind.HTTP_CONNECT, (gateway, sessionId) -> gateway.injectApiFault(
                    ApiFault.status(503).onMints().times(2)));
        }

        @Test
        void aRateLimitedTunnelThenSuccess() throws Exception {
            connectsDespite(TransportKind.HTTP_CONNECT, (gateway, sessionId) -> gateway.injectTunnelFault(
                    TunnelFault.refuse(429, 4429).forSession(sessionId)));
        }

        @Test
        void aRateLimitedMintIsTriedAgainNoSoonerThanItsRetryAfter() throws Exception {
            long started = System.nanoTime();
            connectsDespite(TransportKind.HTTP_CONNECT, (gateway, sessionId) -> gateway.injectApiFault(
                    ApiFault.rateLimited(Duration.ofSeconds(1)).onMints()));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis >= 1000, "waited what Retry-After said, not the policy's 50 ms: " + tookMillis);
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
            TunnelRefusedException refused = refusedAtOnce(TransportKind.HTTP_CONNECT, TunnelRefusedException.class,
                    (gateway, sessionId) -> gateway.injectTunnelFault(
                            TunnelFault.refuse(401, 4401).forSession(sessionId).times(2)));
            assertEquals(Refusal.UNAUTHORIZED, refused.refusal());
        }

        @Test
        void anUnauthorizedMintIsThrownAtOnce() throws Exception {
            refusedAtOnce(TransportKind.HTTP_CONNECT, ApiUnauthorizedException.class, (gateway, sessionId) ->
                    gateway.injectApiFault(ApiFault.status(401).onMints().times(2)));
        }

        @Test
        void aMissingSessionIsThrownAtOnce() throws Exception {
            TunnelRefusedException refused = refusedAtOnce(TransportKind.WEB_SOCKET, TunnelRefusedException.class,
                    (gateway, sessionId) -> gateway.injectTunnelFault(
                            TunnelFault.refuse(404, 4404).forSession(sessionId).times(2)));
            assertEquals(Refusal.SESSION_NOT_FOUND, refused.refusal());
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
