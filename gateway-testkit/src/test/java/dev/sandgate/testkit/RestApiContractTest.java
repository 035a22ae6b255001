package dev.sandgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The LocalGateway's REST API answers as gateway contract v1 says, checked with the JDK's own HTTP client. */
class RestApiContractTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Answer call(URI base, String method, String path, String token, String body) throws Exception {
        return call(HTTP, base, method, path, token, body);
    }

    private static Answer call(HttpClient http, URI base, String method, String path, String token, String body)
            throws Exception {
        return call(http, base, method, path, token, body, null);
    }

    private static Answer call(HttpClient http, URI base, String method, String path, String token, String body,
            String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        return new Answer(response.statusCode(), json, response);
    }

    private static String newSession(String token) throws Exception {
        Answer created = call(GATEWAY.gateway().apiUrl(), "POST", "/sessions", token,
                "{\"ttl\":600,\"image\":\"base\",\"metadata\":{\"team\":\"qa\"}}");
        assertEquals(201, created.status(), created.raw().body());
        return created.body().get("session_id").asText();
    }

    private static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.raw().body());
        assertEquals(code, answer.body().path("error").path("code").asText(), answer.raw().body());
        assertFalse(answer.body().path("error").path("message").asText().isEmpty(), answer.raw().body());
        assertTrue(answer.body().path("error").has("details"), answer.raw().body());
    }

    @Nested
    class Authentication {
        @Test
        void aMissingTokenIs401WithTheErrorShape() throws Exception {
            Answer answer = call(GATEWAY.gateway().apiUrl(), "GET", "/sessions", null, null);
            assertError(answer, 401, "unauthorized");
            assertTrue(answer.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }

        @Test
        void aWrongTokenIs401() throws Exception {
            assertError(call(GATEWAY.gateway().apiUrl(), "GET", "/sessions", "nope", null), 401, "unauthorized");
        }

        @Test
        void anotherAccountsSessionIs403() throws Exception {
            String sessionId = newSession(GATEWAY.gateway().token());
            assertError(call(GATEWAY.gateway().apiUrl(), "GET", "/sessions/" + sessionId, GATEWAY.gateway().issueToken(),
                    null), 403, "forbidden");
        }
    }

    @Nested
    class Sessions {
        @Test
        void createGetAndDelete() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = newSession(gateway.token());
            Answer got = call(gateway.apiUrl(), "GET", "/sessions/" + sessionId, gateway.token(), null);
            assertEquals(200, got.status());
            assertEquals("running", got.body().get("status").asText());
            assertEquals("qa", got.body().path("metadata").path("team").asText());
            Instant created = Instant.parse(got.body().get("created_at").asText());
            Instant expires = Instant.parse(got.body().get("expires_at").asText());
            assertEquals(600, expires.getEpochSecond() - created.getEpochSecond());
            Instant.parse(got.body().get("last_activity_at").asText());

            Path directory = gateway.sessionDirectory(sessionId);
            assertTrue(Files.isDirectory(directory));
            Answer deleted = call(gateway.apiUrl(), "DELETE", "/sessions/" + sessionId, gateway.token(), null);
            assertEquals(204, deleted.status());
            assertFalse(Files.exists(directory), "deleting a session removes its directory");
            assertError(call(gateway.apiUrl(), "GET", "/sessions/" + sessionId, gateway.token(), null), 404,
                    "session_not_found");
        }

        @Test
        void listPagesThroughOnlyTheCallersSessions() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            List<String> ids = List.of(newSession(token), newSession(token), newSession(token));
            Answer first = call(gateway.apiUrl(), "GET", "/sessions?limit=2&offset=0", token, null);
            assertEquals(200, first.status());
            assertEquals(3, first.body().get("total").asInt());
            assertEquals(2, first.body().get("limit").asInt());
            assertEquals(0, first.body().get("offset").asInt());
            assertEquals(ids.get(0), first.body().get("sessions").get(0).get("session_id").asText());
            assertEquals(ids.get(1), first.body().get("sessions").get(1).get("session_id").asText());
            Answer second = call(gateway.apiUrl(), "GET", "/sessions?limit=2&offset=2", token, null);
            assertEquals(1, second.body().get("sessions").size());
            assertEquals(ids.get(2), second.body().get("sessions").get(0).get("session_id").asText());
        }

        @Test
        void badRequestsAre400() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            assertError(call(gateway.apiUrl(), "POST", "/sessions", gateway.token(), "{not json"), 400, "invalid_request");
            assertError(call(gateway.apiUrl(), "POST", "/sessions", gateway.token(), "{\"ttl\":-5}"), 400,
                    "invalid_request");
            assertError(call(gateway.apiUrl(), "GET", "/sessions?limit=abc", gateway.token(), null), 400,
                    "invalid_request");
        }

        @Test
        void unknownSessionsAndPathsAre404() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            assertError(call(gateway.apiUrl(), "GET", "/sessions/sess-missing", gateway.token(), null), 404,
                    "session_not_found");
            assertError(call(gateway.apiUrl(), "GET", "/nowhere", gateway.token(), null), 404, "not_found");
        }
    }

    /** {@code POST /sessions} with an {@code Idempotency-Key}: the same key and body answer the first session again. */
    @Nested
    class IdempotencyKeys {
        private static final String BODY = "{\"ttl\":600,\"image\":\"base\",\"metadata\":{\"team\":\"qa\"}}";

        private Answer create(LocalGateway gateway, String token, String body, String key) throws Exception {
            return call(HTTP, gateway.apiUrl(), "POST", "/sessions", token, body, key);
        }

        private int total(LocalGateway gateway, String token) throws Exception {
            return call(gateway.apiUrl(), "GET", "/sessions", token, null).body().get("total").asInt();
        }

        @Test
        void theSameKeyAndBodyAnswerTheFirstSessionAgainAndMakeNothing() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            Answer first = create(gateway, token, BODY, "key-1");
            assertEquals(201, first.status(), first.raw().body());
            assertTrue(first.raw().headers().firstValue("Idempotent-Replayed").isEmpty());
            // the same JSON value, spaced and ordered otherwise, is the same request
            Answer again = create(gateway, token, "{ \"metadata\": {\"team\": \"qa\"}, \"image\": \"base\", \"ttl\": 600 }",
                    "key-1");
            assertEquals(201, again.status(), again.raw().body());
            assertEquals(first.body(), again.body(), "the first answer, as it was");
            assertEquals("true", again.raw().headers().firstValue("Idempotent-Replayed").orElse(""));
            assertEquals(1, total(gateway, token));
        }

        @Test
        void theSameKeyWithAnotherBodyIs422AndMakesNothing() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            assertEquals(201, create(gateway, token, BODY, "key-2").status());
            Answer reused = create(gateway, token, "{\"ttl\":1200,\"image\":\"base\",\"metadata\":{\"team\":\"qa\"}}",
                    "key-2");
            assertError(reused, 422, "idempotency_key_reused");
            assertTrue(reused.body().at("/error/message").asText().contains("key-2"), reused.raw().body());
            assertEquals(1, total(gateway, token));
        }

        @Test
        void aKeyBelongsToOneAccount() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String alice = gateway.issueToken();
            String bob = gateway.issueToken();
            String hers = create(gateway, alice, BODY, "shared-key").body().get("session_id").asText();
            Answer his = create(gateway, bob, BODY, "shared-key");
            assertEquals(201, his.status(), his.raw().body());
            assertFalse(hers.equals(his.body().get("session_id").asText()), "another account's key is not this one's");
            assertEquals(1, total(gateway, alice));
            assertEquals(1, total(gateway, bob));
        }

        @Test
        void withoutAKeyEachCallMakesASession() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            newSession(token);
            newSession(token);
            assertEquals(2, total(gateway, token));
        }

        @Test
        void aKeyThatIsNotVisibleAsciiIs400() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            // the JDK's client alters a non-ASCII header value before sending it: IdempotencyKeysTest has that case
            for (String bad : new String[] {"two words", "k".repeat(256)}) {
                Answer answer = create(gateway, token, BODY, bad);
                assertEquals(400, answer.status(), bad + ": " + answer.raw().body());
                assertError(answer, 400, "invalid_request");
            }
            assertEquals(201, create(gateway, token, BODY, "k".repeat(255)).status());
            assertEquals(1, total(gateway, token));
        }

        @Test
        void aRefusedCreationDoesNotHoldItsKey() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            assertError(create(gateway, token, "{\"ttl\":600,\"ssh_public_key\":\"ssh-ed25519 garbage\"}", "key-3"), 400,
                    "invalid_request");
            Answer created = create(gateway, token, BODY, "key-3");
            assertEquals(201, created.status(), "the key is free after a failure, for another body too: "
                    + created.raw().body());
            assertEquals(1, total(gateway, token));
        }

        @Test
        void aKeyIsRememberedForTheWindowByTheGatewaysClock() throws Exception {
            ManualClock clock = new ManualClock();
            try (LocalGateway gateway = LocalGateway.builder().clock(clock).start()) {
                String token = gateway.token();
                String first = create(gateway, token, BODY, "key-4").body().get("session_id").asText();
                clock.advance(java.time.Duration.ofHours(23));
                assertEquals(first, create(gateway, token, BODY, "key-4").body().get("session_id").asText());
                clock.advance(java.time.Duration.ofHours(1));
                Answer later = create(gateway, token, BODY, "key-4");
                assertEquals(201, later.status(), later.raw().body());
                assertFalse(first.equals(later.body().get("session_id").asText()), "24 h on, the key is forgotten");
                assertTrue(later.raw().headers().firstValue("Idempotent-Replayed").isEmpty());
                assertEquals(2, total(gateway, token));
            }
        }

        @Test
        void aGatewayBuiltToIgnoreKeysMakesASessionEachTime() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().ignoreIdempotencyKeys().start()) {
                assertEquals(201, create(gateway, gateway.token(), BODY, "key-5").status());
                assertEquals(201, create(gateway, gateway.token(), BODY, "key-5").status());
                assertEquals(2, total(gateway, gateway.token()));
            }
        }

        @Test
        void aLateAnswerComesAfterTheSessionWasMade() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String token = gateway.issueToken();
            gateway.injectApiFault(ApiFault.answerLate(java.time.Duration.ofSeconds(4)).onSessionCreation());
            HttpClient impatient = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.apiUrl() + "/sessions"))
                    .header("Authorization", "Bearer " + token).header("Idempotency-Key", "key-6")
                    .timeout(java.time.Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            org.junit.jupiter.api.Assertions.assertThrows(java.net.http.HttpTimeoutException.class,
                    () -> impatient.send(request, HttpResponse.BodyHandlers.ofString()));
            assertEquals(1, total(gateway, token), "made before the answer was due");
            Answer again = create(gateway, token, BODY, "key-6");
            assertEquals("true", again.raw().headers().firstValue("Idempotent-Replayed").orElse(""));
            assertEquals(1, total(gateway, token));
        }
    }

    @Nested
    class Certificates {
        @Test
        void mintingSignsTheKeyForThisSessionAndNamesHostCaAndEndpoints() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = newSession(gateway.token());
            PublicKey key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
            String request = JSON.createObjectNode().put("public_key", PublicKeyEntry.toString(key)).put("ttl_seconds", 300)
                    .toString();
            Answer minted = call(gateway.apiUrl(), "POST", "/sessions/" + sessionId + "/ssh/certificates", gateway.token(),
                    request);
            assertEquals(201, minted.status(), minted.raw().body());
            JsonNode body = minted.body();

            OpenSshCertificate certificate = (OpenSshCertificate) PublicKeyEntry
                    .parsePublicKeyEntry(body.get("certificate").asText()).resolvePublicKey(null, null, null);
            assertEquals(OpenSshCertificate.Type.USER, certificate.getType());
            assertTrue(KeyUtils.compareKeys(key, certificate.getCertPubKey()));
            assertTrue(KeyUtils.compareKeys(gateway.userCaPublicKey(), certificate.getCaPubKey()));
            assertEquals(List.of(sessionId), List.copyOf(certificate.getPrincipals()));
            assertEquals(sessionId, body.get("principals").get(0).asText());
            assertEquals(gateway.sshUsername(), body.get("username").asText());
            assertEquals(certificate.getSerial(), body.get("serial").asLong());
            assertEquals(certificate.getValidBefore(), Instant.parse(body.get("valid_before").asText()).getEpochSecond());
            Instant renewAfter = Instant.parse(body.get("renew_after").asText());
            assertTrue(renewAfter.isAfter(Instant.parse(body.get("valid_after").asText())));
            assertTrue(renewAfter.isBefore(Instant.parse(body.get("valid_before").asText())));
            PublicKey hostCa = PublicKeyEntry.parsePublicKeyEntry(body.get("host_ca_public_keys").get(0).asText())
                    .resolvePublicKey(null, null, null);
            assertTrue(KeyUtils.compareKeys(gateway.hostCaPublicKey(), hostCa));
            assertTrue(body.path("permissions").path("pty").asBoolean());
            String port = String.valueOf(gateway.apiUrl().getPort());
            assertEquals("http://127.0.0.1:" + port, body.at("/endpoints/connect/proxy_url").asText());
            assertEquals(sessionId + ":22", body.at("/endpoints/connect/target").asText());
            assertEquals("ws://127.0.0.1:" + port + "/v1/sessions/" + sessionId + "/ssh/websocket",
                    body.at("/endpoints/websocket/url").asText());
        }

        @Test
        void overTlsTheEndpointsAreTlsToo() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = newSession(gateway.token());
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("gateway", gateway.tlsCertificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
            PublicKey key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
            Answer minted = call(https, gateway.tlsApiUrl(), "POST", "/sessions/" + sessionId + "/ssh/certificates",
                    gateway.token(), JSON.createObjectNode().put("public_key", PublicKeyEntry.toString(key)).toString());
            assertEquals(201, minted.status(), minted.raw().body());
            String port = String.valueOf(gateway.tlsApiUrl().getPort());
            assertEquals("https://127.0.0.1:" + port, minted.body().at("/endpoints/connect/proxy_url").asText());
            assertTrue(minted.body().at("/endpoints/websocket/url").asText().startsWith("wss://127.0.0.1:" + port + "/"));
        }

        @Test
        void aPausedSessionCannotMint409() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = newSession(gateway.token());
            gateway.pauseSession(sessionId);
            PublicKey key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
            assertError(call(gateway.apiUrl(), "POST", "/sessions/" + sessionId + "/ssh/certificates", gateway.token(),
                    JSON.createObjectNode().put("public_key", PublicKeyEntry.toString(key)).toString()), 409,
                    "session_not_running");
        }

        @Test
        void aMalformedKeyIs400() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = newSession(gateway.token());
            assertError(call(gateway.apiUrl(), "POST", "/sessions/" + sessionId + "/ssh/certificates", gateway.token(),
                    "{\"public_key\":\"ssh-ed25519 garbage\"}"), 400, "invalid_request");
        }
    }
}
