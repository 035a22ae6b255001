package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Each way the API can fail arrives as its own exception type, carrying status and code, never the token. */
class SandboxApiFaultsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /**
     * A client with a read timeout far above what any answer of the LocalGateway takes on a loaded machine (a mint
     * generates RSA keys for some faults); the test of a slow answer sets a short one of its own.
     */
    private static SandboxApi api(int maxRetries) {
        return api(maxRetries, Duration.ofSeconds(20));
    }

    private static SandboxApi api(int maxRetries, Duration readTimeout) {
        LocalGateway gateway = GATEWAY.gateway();
        return SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).maxRetries(maxRetries)
                .readTimeout(readTimeout).build();
    }

    private static String session() throws Exception {
        try (SandboxApi api = api(0)) {
            return api.createSession(NewSession.builder().build()).id();
        }
    }

    private static <T extends SandboxApiException> T failure(Class<T> type, ThrowingCall call) {
        T failure = assertThrows(type, call::run);
        String token = GATEWAY.gateway().token();
        assertFalse(failure.getMessage().contains(token), failure.getMessage());
        assertFalse(failure.toString().contains(token), failure.toString());
        return failure;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @AfterEach
    void clearFaults() {
        GATEWAY.gateway().clearApiFaults();
    }

    @Nested
    class StatusesBecomeTypes {
        @Test
        void status401() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(401));
            try (SandboxApi api = api(3)) {
                ApiUnauthorizedException e = failure(ApiUnauthorizedException.class, () -> api.getSession(sessionId));
                assertEquals(401, e.status());
                assertEquals("unauthorized", e.errorCode());
                assertEquals("Injected fault: HTTP 401", e.apiMessage());
            }
        }

        @Test
        void status403() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(403));
            try (SandboxApi api = api(3)) {
                assertEquals("forbidden", failure(ApiForbiddenException.class, () -> api.getSession(sessionId)).errorCode());
            }
        }

        @Test
        void status404() throws Exception {
            try (SandboxApi api = api(3)) {
                SessionNotFoundException e = failure(SessionNotFoundException.class, () -> api.getSession("sess-nope"));
                assertEquals(404, e.status());
                assertTrue(e.getMessage().contains("sess-nope"), e.getMessage());
            }
        }

        @Test
        void status409() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(409).onMints());
            try (SandboxApi api = api(3)) {
                SessionConflictException e = failure(SessionConflictException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertEquals("session_not_running", e.errorCode());
            }
        }

        @Test
        void status429CarriesRetryAfterAndTheRateLimitHeaders() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(7)));
            try (SandboxApi api = api(0)) {
                RateLimitedException e = failure(RateLimitedException.class, () -> api.getSession(sessionId));
                assertEquals(429, e.status());
                assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
                assertEquals(100, e.limit().orElseThrow());
                assertEquals(0, e.remaining().orElseThrow());
                assertTrue(e.reset().orElseThrow().isAfter(Instant.now()));
            }
        }

        @Test
        void status500() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(500).onMints());
            try (SandboxApi api = api(3)) {
                ServerErrorException e = failure(ServerErrorException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertEquals(500, e.status());
            }
        }
    }

    @Nested
    class UnusableAnswers {
        @Test
        void malformedJson() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.malformedJson());
            try (SandboxApi api = api(3)) {
                InvalidResponseException e = failure(InvalidResponseException.class, () -> api.getSession(sessionId));
                assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
            }
        }

        @Test
        void aCertificateForAnotherKey() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.certificateForAnotherKey());
            try (SandboxApi api = api(3)) {
                InvalidResponseException e = failure(InvalidResponseException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertTrue(e.getMessage().contains("not this key pair"), e.getMessage());
            }
        }

        @Test
        void anAlreadyExpiredCertificate() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.expiredCertificate());
            try (SandboxApi api = api(3)) {
                InvalidResponseException e = failure(InvalidResponseException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertTrue(e.getMessage().contains("expired"), e.getMessage());
            }
        }

        @Test
        void aHostCertificateInsteadOfAUserCertificate() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.hostCertificate());
            try (SandboxApi api = api(3)) {
                InvalidResponseException e = failure(InvalidResponseException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertTrue(e.getMessage().contains("host certificate"), e.getMessage());
            }
        }

        @Test
        void aResponseSlowerThanTheTimeout() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.delay(Duration.ofSeconds(3)));
            try (SandboxApi api = api(3, Duration.ofMillis(800))) {
                long start = System.nanoTime();
                ApiConnectionException e = failure(ApiConnectionException.class, () -> api.getSession(sessionId));
                assertEquals(0, e.status());
                assertTrue(e.getMessage().contains("within the timeouts"), e.getMessage());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0,
                        "the client gave up at its own timeout, not when the answer came");
            }
        }
    }

    @Nested
    class Retries {
        @ParameterizedTest
        @ValueSource(ints = {500, 503})
        void getsRetryServerErrorsAndSucceed(int status) throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(status).onGets().times(2));
            try (SandboxApi api = api(3)) {
                assertEquals(sessionId, api.getSession(sessionId).id());
            }
        }

        @Test
        void getsGiveUpAfterMaxRetries() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(500).onGets().times(3));
            try (SandboxApi api = api(2)) {
                failure(ServerErrorException.class, () -> api.getSession(sessionId));
            }
            try (SandboxApi api = api(2)) {
                assertEquals(sessionId, api.getSession(sessionId).id(), "exactly three attempts used the three faults");
            }
        }

        @Test
        void getsHonourRetryAfter() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(1)).onGets());
            try (SandboxApi api = api(3)) {
                long start = System.nanoTime();
                assertEquals(sessionId, api.getSession(sessionId).id());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(900)) >= 0,
                        "waited for Retry-After");
            }
        }

        @Test
        void aRetryAfterBeyondTheBudgetIsNotWaitedFor() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(120)).onGets());
            try (SandboxApi api = SandboxApi.builder().baseUrl(GATEWAY.gateway().apiUrl()).token(GATEWAY.gateway().token())
                    .maxRetryWait(Duration.ofSeconds(5)).build()) {
                RateLimitedException e = failure(RateLimitedException.class, () -> api.getSession(sessionId));
                assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
            }
        }

        @Test
        void mintsRetryOnlyWhenTheApiSaysWhen() throws Exception {
            String sessionId = session();
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxApi api = api(3)) {
                gateway.injectApiFault(ApiFault.unavailable(Duration.ofSeconds(1)).onMints());
                assertInstanceOf(IssuedCertificate.class, api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));

                gateway.injectApiFault(ApiFault.rateLimited(Duration.ofSeconds(1)).onMints());
                assertInstanceOf(IssuedCertificate.class, api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));

                long before = gateway.certificatesMinted(sessionId);
                gateway.injectApiFault(ApiFault.status(503).onMints().times(2));
                failure(ServerErrorException.class, () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                failure(ServerErrorException.class, () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertEquals(before, gateway.certificatesMinted(sessionId), "a 503 without Retry-After is not retried");
            }
        }

        @Test
        void creatingASessionRetriesServerErrorsButNotRefusals() throws Exception {
            GATEWAY.gateway().injectApiFault(ApiFault.status(500).times(2));
            try (SandboxApi api = api(3)) {
                // safe with the Idempotency-Key: a try that had in fact succeeded answers its session to the next
                assertEquals(SandboxSession.Status.RUNNING, api.createSession(NewSession.builder().build()).status());
                GATEWAY.gateway().injectApiFault(ApiFault.status(403));
                failure(ApiForbiddenException.class, () -> api.createSession(NewSession.builder().build()));
            }
        }

        @Test
        void deletingASessionIsNeverRetried() throws Exception {
            String sessionId = session();
            GATEWAY.gateway().injectApiFault(ApiFault.status(500));
            try (SandboxApi api = api(3)) {
                failure(ServerErrorException.class, () -> api.deleteSession(sessionId));
                api.deleteSession(sessionId);
            }
        }
    }

    /** Mint answers whose certificates must not be used, each refused through the API client, naming what is wrong. */
    @Nested
    class BadCertificates {
        @Test
        void eachIsRefusedNamingWhatIsWrong() throws Exception {
            java.util.Map<ApiFault, String> faults = new java.util.LinkedHashMap<>();
            faults.put(ApiFault.notYetValidCertificate(), "not valid until");
            faults.put(ApiFault.longLivedCertificate(), "longer than");
            faults.put(ApiFault.foreignPrincipalsCertificate(), "[root]");
            faults.put(ApiFault.unknownCriticalOptionCertificate(), "unknown-option@example.test");
            faults.put(ApiFault.sha1SignedCertificate(), "SHA-1");
            faults.put(ApiFault.brokenSignatureCertificate(), "does not verify");
            faults.put(ApiFault.smallRsaCaCertificate(), "1024 bits");
            faults.put(ApiFault.mismatchedPrincipalsField(), "field 'principals' says [someone-else]");
            String sessionId = session();
            try (SandboxApi api = api(0)) {
                for (java.util.Map.Entry<ApiFault, String> fault : faults.entrySet()) {
                    GATEWAY.gateway().injectApiFault(fault.getKey());
                    InvalidResponseException refused = failure(InvalidResponseException.class,
                            () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                    assertTrue(refused.getMessage().contains(fault.getValue()), fault.getKey() + ": " + refused.getMessage());
                }
                assertTrue(api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)).validBefore()
                        .isAfter(java.time.Instant.now()), "a sound mint still works");
            }
        }
    }

    /** What a hostile or broken API can make the client do: follow it elsewhere, hold a huge body, print its lines. */
    @Nested
    class HostileAnswers {
        @Test
        void aRedirectIsReportedNeverFollowed() throws Exception {
            String id = session();
            try (java.net.ServerSocket elsewhere = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
                 SandboxApi api = api(0)) {
                String location = "http://127.0.0.1:" + elsewhere.getLocalPort() + "/v1/sessions/" + id;
                GATEWAY.gateway().injectApiFault(ApiFault.redirect(location));
                InvalidResponseException redirected = failure(InvalidResponseException.class, () -> api.getSession(id));
                assertEquals(307, redirected.status());
                assertTrue(redirected.getMessage().contains(location), redirected.getMessage());
                assertTrue(redirected.getMessage().contains("not followed"), redirected.getMessage());
                elsewhere.setSoTimeout(300);
                assertThrows(java.net.SocketTimeoutException.class, elsewhere::accept,
                        "nothing may have gone to the redirect's target");
            }
        }

        @Test
        void anAnswerLargerThanAnyRealOneIsRefusedNotHeld() throws Exception {
            String id = session();
            GATEWAY.gateway().injectApiFault(ApiFault.oversizedBody(3 * 1024 * 1024));
            try (SandboxApi api = api(0)) {
                InvalidResponseException refused = failure(InvalidResponseException.class, () -> api.getSession(id));
                assertTrue(refused.getMessage().contains("larger than 1024 KiB"), refused.getMessage());
            }
        }

        @Test
        void anErrorMessageIsShownAsAShortSingleLineExcerpt() throws Exception {
            String id = session();
            String forged = "denied\n2026-12-02 INFO forged log line\r\n" + "x".repeat(20_000);
            GATEWAY.gateway().injectApiFault(ApiFault.errorMessage(403, forged));
            try (SandboxApi api = api(0)) {
                ApiForbiddenException refused = failure(ApiForbiddenException.class, () -> api.getSession(id));
                for (String shown : new String[] {refused.getMessage(), refused.apiMessage()}) {
                    assertFalse(shown.contains("\n") || shown.contains("\r"), shown);
                    assertTrue(shown.length() < 400, "length " + shown.length());
                }
                assertTrue(refused.apiMessage().startsWith("denied 2026-12-02"), refused.apiMessage());
            }
        }

        @Test
        void aGrantWithAHostileFieldIsRefusedNamingIt() throws Exception {
            String sessionId = session();
            java.util.Map<ApiFault, String> faults = new java.util.LinkedHashMap<>();
            faults.put(ApiFault.answerField("/username", "sandbox\nMatch exec \"touch /tmp/x\"\nHost *").onMints(),
                    "'username'");
            faults.put(ApiFault.answerField("/principals/0", sessionId + ",root").onMints(), "'principals'");
            faults.put(ApiFault.answerFieldJson("/serial", "18446744073709551616").onMints(), "'serial'");
            faults.put(ApiFault.answerField("/endpoints/connect/target", "evil host:22").onMints(),
                    "'endpoints.connect.target'");
            faults.put(ApiFault.answerField("/endpoints/connect/proxy_url", "http://gw\u001b[2J.example/").onMints(),
                    "'endpoints.connect.proxy_url'");
            faults.put(ApiFault.answerField("/endpoints/websocket/url", "ws://a b/").onMints(),
                    "'endpoints.websocket.url'");
            try (SandboxApi api = api(0)) {
                for (java.util.Map.Entry<ApiFault, String> fault : faults.entrySet()) {
                    GATEWAY.gateway().injectApiFault(fault.getKey());
                    InvalidResponseException refused = failure(InvalidResponseException.class,
                            () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                    assertTrue(refused.getMessage().contains(fault.getValue()), fault.getKey() + ": " + refused.getMessage());
                    assertFalse(refused.getMessage().matches("(?s).*[\\x00-\\x1f\\x7f].*"), refused.getMessage());
                }
                assertEquals("sandbox", api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)).credentials()
                        .username(), "a sound mint still works");
            }
        }

        @Test
        void aSessionIdThatWouldReachAnotherPathOrTheTerminalIsRefused() throws Exception {
            String id = session();
            try (SandboxApi api = api(0)) {
                GATEWAY.gateway().injectApiFault(ApiFault.answerField("/session_id", "../sessions").onGets());
                assertTrue(failure(InvalidResponseException.class, () -> api.getSession(id)).getMessage()
                        .contains("'session_id'"));
                GATEWAY.gateway().injectApiFault(ApiFault.answerField("/sessions/0/session_id", "s\u001b]0;pwned\u0007")
                        .onGets());
                String why = failure(InvalidResponseException.class, () -> api.listSessions(10, 0)).getMessage();
                assertTrue(why.contains("'session_id'") && why.contains("s\\033]0;pwned\\007"), why);
                assertEquals(id, api.getSession(id).id(), "a sound answer still works");
            }
        }
    }
}
