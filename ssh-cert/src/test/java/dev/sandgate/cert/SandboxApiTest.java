package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

class SandboxApiTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static SandboxApi api(String token) {
        return SandboxApi.builder().baseUrl(GATEWAY.gateway().apiUrl()).token(token).build();
    }

    @Nested
    class Builder {
        /** The README's {@code .token(System.getenv("SANDGATE_API_TOKEN"))} with the variable unset. */
        @Test
        void aNullTokenSaysHowToGiveOne() {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().token(null));
            assertTrue(missing.getMessage().contains("token is missing"), missing.getMessage());
            assertTrue(missing.getMessage().contains(SandboxApi.ENV_API_TOKEN), missing.getMessage());
        }

        @Test
        void aBlankTokenIsRefusedWithoutShowingIt() {
            IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().token("   "));
            assertTrue(blank.getMessage().contains(SandboxApi.ENV_API_TOKEN), blank.getMessage());
            IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().token("s3cret-token\r\nX: y"));
            assertFalse(broken.getMessage().contains("s3cret-token"), broken.getMessage());
        }

        @Test
        void aNullBaseUrlSaysHowToGiveOne() {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().baseUrl((String) null));
            assertTrue(missing.getMessage().contains(SandboxApi.ENV_API_URL), missing.getMessage());
        }
    }

    @Nested
    class Sessions {
        @Test
        void createGetListAndDelete() throws Exception {
            try (SandboxApi api = api(GATEWAY.gateway().issueToken())) {
                SandboxSession created = api.createSession(NewSession.builder()
                        .ttl(Duration.ofMinutes(20)).image("base").metadata("owner", "test").build());
                assertEquals(SandboxSession.Status.RUNNING, created.status());
                assertEquals(Duration.ofMinutes(20), Duration.between(created.createdAt(), created.expiresAt()));
                assertEquals("test", created.metadata().get("owner"));
                assertEquals(created.id(), api.getSession(created.id()).id());

                SandboxSession second = api.createSession(NewSession.builder().build());
                SessionPage page = api.listSessions(1, 0);
                assertEquals(2, page.total());
                assertEquals(created.id(), page.sessions().get(0).id());
                assertTrue(page.hasMore());
                SessionPage last = api.listSessions(1, 1);
                assertEquals(second.id(), last.sessions().get(0).id());
                assertFalse(last.hasMore());

                api.deleteSession(created.id());
                SandboxApiException gone = assertThrows(SandboxApiException.class, () -> api.getSession(created.id()));
                assertEquals(404, gone.status());
                assertEquals("session_not_found", gone.errorCode());
            }
        }
    }

    @Nested
    class Minting {
        @Test
        void issuesACertificateForTheKeyWithHostCaAndEndpoints() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxApi api = api(gateway.token())) {
                String sessionId = api.createSession(NewSession.builder().build()).id();
                KeyPair keys = SshKeys.generate();
                IssuedCertificate issued = api.issue(sessionId, keys, Duration.ofMinutes(10));
                SshCertificate certificate = issued.credentials().certificate();
                assertEquals(SshCertificate.Type.USER, certificate.type());
                assertEquals(keys.getPublic(), certificate.publicKey());
                assertEquals(gateway.userCaPublicKey(), certificate.caPublicKey());
                assertTrue(certificate.hasValidSignature());
                assertTrue(certificate.principals().contains(sessionId));
                assertTrue(certificate.isValidAt(Instant.now(), Duration.ZERO));
                assertEquals(gateway.sshUsername(), issued.credentials().username());
                assertTrue(issued.renewAfter().isAfter(Instant.now()));
                assertTrue(issued.renewAfter().isBefore(certificate.validBefore()));
                assertEquals(1, issued.hostCaKeys().size());
                assertEquals(gateway.hostCaPublicKey(), issued.hostCaKeys().get(0));
                assertEquals(sessionId + ":22", issued.endpoints().connect().orElseThrow().target());
                assertTrue(issued.endpoints().webSocket().isPresent());
            }
        }

        @Test
        void aPausedSessionIs409() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxApi api = api(gateway.token())) {
                String sessionId = api.createSession(NewSession.builder().build()).id();
                gateway.pauseSession(sessionId);
                SandboxApiException refused = assertThrows(SandboxApiException.class,
                        () -> api.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(5)));
                assertEquals(409, refused.status());
                assertEquals("session_not_running", refused.errorCode());
                assertTrue(refused.getMessage().contains(sessionId), refused.getMessage());
            }
        }
    }

    @Nested
    class Errors {
        @Test
        void aBadTokenIs401AndTheMessageHidesIt() throws Exception {
            String token = "secret-token-that-must-not-leak";
            try (SandboxApi api = api(token)) {
                SandboxApiException refused = assertThrows(SandboxApiException.class, () -> api.listSessions(10, 0));
                assertEquals(401, refused.status());
                assertEquals("unauthorized", refused.errorCode());
                assertTrue(refused.getMessage().contains("GET /sessions"), refused.getMessage());
                assertFalse(refused.getMessage().contains(token), refused.getMessage());
                assertFalse(api.toString().contains(token), api.toString());
            }
        }

        @Test
        void anotherAccountsSessionIs403() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId;
            try (SandboxApi owner = api(gateway.token())) {
                sessionId = owner.createSession(NewSession.builder().build()).id();
            }
            try (SandboxApi stranger = api(gateway.issueToken())) {
                SandboxApiException refused = assertThrows(SandboxApiException.class, () -> stranger.getSession(sessionId));
                assertEquals(403, refused.status());
                assertEquals("forbidden", refused.errorCode());
            }
        }

        @Test
        void anUnreachableApiHasStatusZeroAndNamesTheAddress() throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            try (SandboxApi api = SandboxApi.builder().baseUrl("http://127.0.0.1:" + port + "/v1").token("t0k3n")
                    .connectTimeout(Duration.ofSeconds(2)).build()) {
                SandboxApiException failed = assertThrows(SandboxApiException.class, () -> api.getSession("s"));
                assertEquals(0, failed.status());
                assertTrue(failed.getMessage().contains("127.0.0.1:" + port), failed.getMessage());
                assertFalse(failed.getMessage().contains("t0k3n"), failed.getMessage());
            }
        }

        @Test
        void configurationMistakesAreNamedAtOnce() {
            IllegalArgumentException notUrl = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().baseUrl("ftp:/nowhere"));
            assertTrue(notUrl.getMessage().contains("ftp:/nowhere"), notUrl.getMessage());
            IllegalArgumentException credentialsInUrl = assertThrows(IllegalArgumentException.class,
                    () -> SandboxApi.builder().baseUrl("https://user:hunter2secret@api.example.com/v1"));
            assertFalse(credentialsInUrl.getMessage().contains("hunter2secret"), credentialsInUrl.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SandboxApi.builder().token(" "));
        }
    }
}
