package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.internal.TenkiResponses;
import dev.sandgate.testkit.TenkiFake;
import dev.sandgate.testkit.TenkiFakeExtension;

/** {@link TenkiApi} against the Tenki fake: the Connect mint, its answer held as hostile input, gateway finding. */
class TenkiApiTest {
    @RegisterExtension
    static final TenkiFakeExtension TENKI = new TenkiFakeExtension(TenkiFake.builder()
            .certificateLifetime(Duration.ofSeconds(60)).renewalAfter(Duration.ofSeconds(20)));

    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    static TenkiApi.Builder api(TenkiFake tenki, TenkiFake.TokenKind kind) {
        return TenkiApi.builder().environment(NO_ENVIRONMENT::get).apiUrl(tenki.apiUrl()).token(tenki.token(kind));
    }

    @Nested
    class Minting {
        @ParameterizedTest
        @EnumSource(TenkiFake.TokenKind.class)
        void eachTokenKindMintsACertificateForTheSessionPrincipal(TenkiFake.TokenKind kind) throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            try (TenkiApi api = api(tenki, kind).build()) {
                Instant before = Instant.now();
                IssuedCertificate issued = api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(10));
                assertEquals("tenki", issued.credentials().username());
                assertEquals(List.of("session:" + sessionId), issued.credentials().certificate().principals());
                // renewalAfter is a duration after the mint, not an instant
                assertTrue(!issued.renewAfter().isBefore(before.plusSeconds(20))
                        && issued.renewAfter().isBefore(Instant.now().plusSeconds(21)), issued.renewAfter().toString());
                assertTrue(issued.hostCaKeys().isEmpty() && issued.hostKeys().isEmpty());
                assertTrue(issued.permissions().pty() && issued.permissions().portForwarding());
                assertFalse(issued.permissions().agentForwarding());
                // default discovery lists the fake itself on 127.0.0.1
                assertEquals(URI.create("ws://127.0.0.1:" + tenki.port() + "/v1/ssh/" + sessionId),
                        issued.endpoints().webSocket().orElseThrow().url());
                assertEquals(1, tenki.certificatesMinted(sessionId));
            }
        }

        @Test
        void refusalsAreTypedByConnectCodeAsTheDefaultProvidersAre() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String paused = tenki.createSession();
            tenki.pauseSession(paused);
            String others = tenki.createSession();
            try (TenkiApi api = api(tenki, TenkiFake.TokenKind.API_KEY).build();
                 TenkiApi wrongToken = api(tenki, TenkiFake.TokenKind.API_KEY).token("tk_not-a-token").build();
                 TenkiApi otherAccount = api(tenki, TenkiFake.TokenKind.API_KEY)
                         .token(tenki.newAccountToken(TenkiFake.TokenKind.API_KEY)).build()) {
                assertRefusal(ApiUnauthorizedException.class, Refusal.UNAUTHORIZED, wrongToken, others);
                assertRefusal(ApiForbiddenException.class, Refusal.FORBIDDEN, otherAccount, others);
                assertRefusal(SessionNotFoundException.class, Refusal.SESSION_NOT_FOUND, api, "no-such-session");
                // Connect sends failed_precondition as HTTP 400: the code decides, not the status
                SessionConflictException notRunning = assertRefusal(SessionConflictException.class,
                        Refusal.SESSION_NOT_RUNNING, api, paused);
                assertEquals(400, notRunning.status());
                assertEquals("failed_precondition", notRunning.errorCode());
                // a rate limit without Retry-After is not retried (a retried mint may be a second certificate)
                tenki.failMints("resource_exhausted", 1);
                RateLimitedException limited = assertRefusal(RateLimitedException.class, Refusal.RATE_LIMITED, api,
                        others);
                assertEquals("resource_exhausted", limited.errorCode());
                tenki.failMints("unavailable", 1);
                assertRefusal(ServerErrorException.class, Refusal.UNAVAILABLE, api, others);
                assertEquals(TenkiApi.USERNAME, api.issue(others, SshKeys.generate(), Duration.ofMinutes(10)).credentials().username(),
                        "the next mint answers normally");
            }
        }

        private <T extends SandboxApiException> T assertRefusal(Class<T> type, Refusal refusal, TenkiApi api,
                String sessionId) {
            T e = assertThrows(type, () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(10)));
            assertEquals(refusal, Refusal.of(e).orElseThrow());
            assertFalse(e.getMessage().contains("tk_"), e.getMessage());
            return e;
        }
    }

    @Nested
    class Settings {
        @Test
        void theEnvironmentFillsOnlyWhatWasNotGiven() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            Map<String, String> env = Map.of(TenkiApi.ENV_API_KEY, tenki.token(TenkiFake.TokenKind.COOKIE),
                    TenkiApi.ENV_API_URL, tenki.apiUrl().toString(),
                    TenkiApi.ENV_API_ENDPOINT, "http://127.0.0.1:1");
            try (TenkiApi fromEnv = TenkiApi.builder().environment(env::get).apiUrl(tenki.apiUrl()).build()) {
                assertEquals(1, fromEnv.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(1))
                        .credentials().certificate().principals().size());
            }
            try (TenkiApi endpointFirst = TenkiApi.builder().environment(env::get).build()) {
                assertEquals(URI.create("http://127.0.0.1:1/"), endpointFirst.baseUrl());
            }
            try (TenkiApi byDefault = TenkiApi.builder().environment(NO_ENVIRONMENT::get).token("tk_x").build()) {
                assertEquals(URI.create("https://api.tenki.cloud/"), byDefault.baseUrl());
            }
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> TenkiApi.builder().environment(NO_ENVIRONMENT::get).build());
            assertTrue(none.getMessage().contains("TENKI_AUTH_TOKEN"), none.getMessage());
        }

        @Test
        void tokensGoTheWayTheirPrefixSays() {
            assertEquals("Authorization", TenkiApi.authHeaderName("tk_1"));
            assertEquals("Bearer tk_1", TenkiApi.authHeaderValue("tk_1"));
            assertEquals("X-Session-Token", TenkiApi.authHeaderName("ory_st_1"));
            assertEquals("ory_st_1", TenkiApi.authHeaderValue("ory_st_1"));
            assertEquals("Cookie", TenkiApi.authHeaderName("abc"));
            assertEquals("tenki_session=abc", TenkiApi.authHeaderValue("abc"));
        }
    }

    @Nested
    class Gateways {
        @Test
        void derivationTurnsApiAndAppIntoSandboxGatewayAndKeepsThePort() {
            assertEquals(URI.create("wss://sandbox-gateway.tenki.cloud"), TenkiApi.derived(URI.create("https://api.tenki.cloud/v1")));
            assertEquals(URI.create("ws://sandbox-gateway.tenki.test:8080"), TenkiApi.derived(URI.create("http://app.tenki.test:8080")));
            assertEquals(URI.create("wss://sandbox-gateway.example.org"), TenkiApi.derived(URI.create("https://example.org")));
            assertEquals(URI.create("wss://gw.example/base/v1/ssh/s1"),
                    TenkiApi.sessionUrl(URI.create("https://gw.example/base/?q=1#f"), "s1"));
            assertEquals(URI.create("wss://gw.example/v1/ssh/s1"), TenkiApi.sessionUrl(URI.create("wss://gw.example"), "s1"));
            assertEquals(URI.create("ws://127.0.0.1:9/v1/ssh/s1"),
                    TenkiApi.overridden("s1", URI.create("http://127.0.0.1:9/ignored")));
        }

        @Test
        void aFailedOrEmptyDiscoveryFallsBackToTheDerivedName() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            try (TenkiApi api = TenkiApi.builder().environment(NO_ENVIRONMENT::get)
                    .apiUrl(tenki.apiUrl(TenkiFake.API_HOST)).token(tenki.token(TenkiFake.TokenKind.API_KEY))
                    .endpointPolicy(EndpointPolicy.requireTls().allowCleartext()).build()) {
                tenki.failDiscovery("unavailable");
                try {
                    assertEquals(URI.create("ws://" + TenkiFake.GATEWAY_HOST + ":" + tenki.port() + "/v1/ssh/" + sessionId),
                            api.gatewayUrl(sessionId, null));
                } finally {
                    tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
                }
                tenki.gatewaysListed(tenki.gateway(TenkiFake.EDGE_HOST).unhealthy(), tenki.gateway(TenkiFake.EDGE_HOST)
                        .withoutBridge(), tenki.gateway(TenkiFake.EDGE_HOST));
                try {
                    assertEquals(URI.create("ws://" + TenkiFake.EDGE_HOST + ":" + tenki.port() + "/v1/ssh/" + sessionId),
                            api.gatewayUrl(sessionId, null));
                } finally {
                    tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
                }
            }
        }

        @Test
        void anOverrideReplacesSchemeAndHostAndSkipsDiscovery() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            Map<String, String> env = Map.of(TenkiApi.ENV_GATEWAY_URL, tenki.gatewayUrl().toString());
            // an API by name, and one on an address (which derives no gateway name: the override needs none)
            for (URI apiUrl : List.of(tenki.apiUrl(TenkiFake.API_HOST), tenki.apiUrl())) {
                try (TenkiApi api = TenkiApi.builder().environment(env::get).apiUrl(apiUrl)
                        .token(tenki.token(TenkiFake.TokenKind.API_KEY))
                        .endpointPolicy(EndpointPolicy.requireTls().allowCleartext()).build()) {
                    assertEquals(URI.create("ws://127.0.0.1:" + tenki.port() + "/v1/ssh/" + sessionId),
                            api.gatewayUrl(sessionId, null), apiUrl.toString());
                }
            }
        }
    }

    @Nested
    class HostileAnswers {
        private final ObjectMapper mapper = new ObjectMapper();

        @Test
        void durationsAreProtoDurations() throws Exception {
            assertEquals(Duration.ofSeconds(400), duration("\"400s\""));
            assertEquals(Duration.ofMillis(1500), duration("\"1.5s\""));
            for (String bad : List.of("\"-1s\"", "\"400\"", "\"4e2s\"", "400", "\"s\"")) {
                assertThrows(IllegalArgumentException.class, () -> duration(bad), bad);
            }
        }

        private Duration duration(String value) throws Exception {
            return TenkiResponses.protoDuration(mapper.readTree("{\"renewalAfter\":" + value + "}"), "renewalAfter");
        }

        @Test
        void aCertificateForAnotherSessionOrALyingAnswerIsRefused() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String sessionId = tenki.createSession();
            String other = tenki.createSession();
            try (TenkiApi api = api(tenki, TenkiFake.TokenKind.API_KEY).build()) {
                java.security.KeyPair key = SshKeys.generate();
                IssuedCertificate issued = api.issue(other, key, Duration.ofMinutes(10));
                String certLine = issued.credentials().certificate().toOpenSshLine();
                Endpoints endpoints = issued.endpoints();
                IllegalArgumentException wrongSession = assertThrows(IllegalArgumentException.class,
                        () -> TenkiResponses.tenkiCertificate(mapper.readTree("{\"sshCert\":\"" + certLine + "\"}"), key,
                                sessionId, Duration.ofMinutes(10), Instant.now(), endpoints));
                assertTrue(wrongSession.getMessage().contains("session:" + sessionId), wrongSession.getMessage());
                String base = "{\"sshCert\":\"" + certLine + "\",";
                for (String lie : List.of("\"certSerial\":\"ffff\"}", "\"expiresAt\":\"2999-01-01T00:00:00Z\"}",
                        "\"caPub\":\"" + SshKeys.publicKeyLine(SshKeys.generate().getPublic()) + "\"}",
                        "\"permissions\":{\"allowPty\":\"yes\"}}")) {
                    assertThrows(IllegalArgumentException.class, () -> TenkiResponses.tenkiCertificate(
                            mapper.readTree(base + lie), key, other, Duration.ofMinutes(10), Instant.now(), endpoints),
                            lie);
                }
                // the answer as it came is accepted
                TenkiResponses.tenkiCertificate(mapper.readTree(base + "\"renewalAfter\":\"9999s\"}"), key, other,
                        Duration.ofMinutes(10), Instant.now(), endpoints);
            }
        }
    }

    @Test
    void theTokenIsNeverShown() throws Exception {
        TenkiFake tenki = TENKI.fake();
        try (TenkiApi api = api(tenki, TenkiFake.TokenKind.API_KEY).build()) {
            assertFalse(api.toString().contains(tenki.token(TenkiFake.TokenKind.API_KEY)));
            assertInstanceOf(CertificateIssuer.class, api);
        }
    }
}
