package dev.sandgate.testkit;

import static dev.sandgate.testkit.TenkiClient.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sandgate.testkit.TenkiClient.Answer;
import dev.sandgate.testkit.TenkiFake.TokenKind;

/** The Tenki fake answers as Tenki's wire facts say, driven the way Tenki's SDK drives Tenki. */
@Timeout(120)
class TenkiFakeTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final TenkiFakeExtension TENKI = new TenkiFakeExtension();

    private static TenkiFake tenki;
    private static HttpClient http;
    private static SshClient ssh;
    /** The host key the last SSH connection was shown. */
    private static final AtomicReference<PublicKey> shownHostKey = new AtomicReference<>();

    @BeforeAll
    static void start() {
        tenki = TENKI.fake();
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        ssh = SshClient.setUpDefaultClient();
        ssh.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        ssh.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        ssh.setServerKeyVerifier((session, address, key) -> {
            shownHostKey.set(key);
            return true;
        });
        ssh.start();
    }

    @AfterAll
    static void stop() {
        ssh.stop();
    }

    private static Answer mint(String token, String sessionId, PublicKey key) throws Exception {
        return TenkiClient.mint(http, tenki.apiUrl(), token, sessionId, key);
    }

    private static Answer call(String procedure, String token, String body) throws Exception {
        return TenkiClient.call(http, tenki.apiUrl(), procedure, token, body);
    }

    private static void assertConnectError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.raw().body());
        assertEquals(code, answer.code(), answer.raw().body());
        assertFalse(answer.body().path("message").asText().isEmpty(), answer.raw().body());
    }

    /** A certificate minted between {@code before} and now for {@code ttl} expires in that window plus {@code ttl}. */
    private static void assertLivesFor(Duration ttl, Instant before, Instant expiresAt) {
        Instant after = Instant.now();
        assertTrue(!expiresAt.isBefore(before.plus(ttl).minusSeconds(1)) && !expiresAt.isAfter(after.plus(ttl)),
                "expires at " + expiresAt + ", minted between " + before + " and " + after + " for " + ttl);
    }

    private static OpenSshCertificate certificate(Answer answer) throws Exception {
        return (OpenSshCertificate) PublicKeyEntry.parsePublicKeyEntry(answer.body().get("sshCert").asText())
                .resolvePublicKey(null, null, null);
    }

    @Nested
    class Mint {
        @ParameterizedTest
        @EnumSource(TokenKind.class)
        void answersEachTokenKindWithACertificateForTheSession(TokenKind kind) throws Exception {
            String sessionId = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            Instant before = Instant.now();
            Answer answer = mint(tenki.token(kind), sessionId, keys.getPublic());
            assertEquals(200, answer.status(), answer.raw().body());
            JsonNode body = answer.body();
            assertTrue(body.get("sshCert").asText().startsWith("ssh-ed25519-cert-v01@openssh.com "), body.toString());
            assertEquals(PublicKeyEntry.toString(tenki.userCaPublicKey()), body.get("caPub").asText());

            OpenSshCertificate certificate = certificate(answer);
            assertEquals(OpenSshCertificate.Type.USER, certificate.getType());
            assertEquals(List.of("session:" + sessionId), List.copyOf(certificate.getPrincipals()));
            assertEquals(tenki.principal(sessionId), certificate.getPrincipals().iterator().next());
            assertTrue(KeyUtils.compareKeys(keys.getPublic(), certificate.getCertPubKey()));
            assertTrue(KeyUtils.compareKeys(tenki.userCaPublicKey(), certificate.getCaPubKey()));
            assertTrue(certificate.getId().contains("session:" + sessionId), certificate.getId());
            assertEquals(Long.toHexString(certificate.getSerial()), body.get("certSerial").asText());
            Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
            assertEquals(certificate.getValidBefore(), expiresAt.getEpochSecond());
            assertTrue(certificate.getValidAfter() <= before.getEpochSecond());
            // the default policy: 600 s certificates, renewal after 400 s
            assertLivesFor(Duration.ofSeconds(600), before, expiresAt);
            assertEquals("400s", body.get("renewalAfter").asText());
            JsonNode permissions = body.get("permissions");
            assertTrue(permissions.get("allowPty").asBoolean());
            assertTrue(permissions.get("allowPortForwardingLocal").asBoolean());
            assertTrue(permissions.get("allowPortForwardingRemote").asBoolean());
            // proto3 JSON leaves false out
            assertFalse(permissions.has("allowAgentForwarding"), permissions.toString());
            assertFalse(permissions.has("allowX11Forwarding"), permissions.toString());
            assertTrue(certificate.getExtensions().stream().anyMatch(e -> e.getName().equals("permit-pty")));
            assertEquals(1, tenki.certificatesMinted(sessionId));
        }

        @Test
        void takesTheProtoNamesAndARequestedTtlClampedToThePolicy() throws Exception {
            String sessionId = tenki.createSession();
            String key = PublicKeyEntry.toString(TenkiClient.newKeys().getPublic());
            Instant before = Instant.now();
            Answer shorter = call("IssueSandboxSSHCert", tenki.token(TokenKind.API_KEY), TenkiClient.JSON.createObjectNode()
                    .put("session_id", sessionId).put("public_key", key).put("requested_ttl", "59.5s")
                    .put("unknownField", 1).toString());
            assertEquals(200, shorter.status(), shorter.raw().body());
            // 59.5 s rounds up to a whole second of validity
            assertLivesFor(Duration.ofSeconds(60), before, Instant.parse(shorter.body().get("expiresAt").asText()));
            Answer longer = call("IssueSandboxSSHCert", tenki.token(TokenKind.API_KEY), TenkiClient.JSON.createObjectNode()
                    .put("sessionId", sessionId).put("publicKey", key).put("requestedTtl", "86400s").toString());
            assertLivesFor(Duration.ofSeconds(600), before, Instant.parse(longer.body().get("expiresAt").asText()));
        }

        @Test
        void carriesSourceAddressesIntoTheCertificate() throws Exception {
            String sessionId = tenki.createSession();
            Answer answer = call("IssueSandboxSSHCert", tenki.token(TokenKind.API_KEY), TenkiClient.JSON.createObjectNode()
                    .put("sessionId", sessionId).put("publicKey", PublicKeyEntry.toString(TenkiClient.newKeys().getPublic()))
                    .set("sourceAddresses", TenkiClient.JSON.createArrayNode().add("127.0.0.1/32")).toString());
            assertEquals(200, answer.status(), answer.raw().body());
            assertTrue(certificate(answer).getCriticalOptions().stream()
                    .anyMatch(o -> o.getName().equals("source-address") && o.getData().equals("127.0.0.1/32")));
        }

        @Test
        void refusesAWrongOrMissingTokenAsUnauthenticated() throws Exception {
            String sessionId = tenki.createSession();
            PublicKey key = TenkiClient.newKeys().getPublic();
            assertConnectError(mint("tk_not-a-key", sessionId, key), 401, "unauthenticated");
            assertConnectError(mint("ory_st_not-a-token", sessionId, key), 401, "unauthenticated");
            assertConnectError(mint("not-a-cookie", sessionId, key), 401, "unauthenticated");
            assertConnectError(mint(null, sessionId, key), 401, "unauthenticated");
            String revoked = tenki.token(TokenKind.SESSION_TOKEN);
            tenki.revokeToken(revoked);
            assertConnectError(mint(revoked, sessionId, key), 401, "unauthenticated");
            assertEquals(0, tenki.certificatesMinted(sessionId));
        }

        @Test
        void refusesAValidTokenInAnotherKindsHeader() throws Exception {
            String sessionId = tenki.createSession();
            String apiKey = tenki.token(TokenKind.API_KEY);
            HttpResponse<String> asCookie = http.send(HttpRequest.newBuilder(URI.create(tenki.apiUrl()
                    + TenkiClient.SERVICE + "IssueSandboxSSHCert"))
                    .header("Content-Type", "application/json")
                    .header("Cookie", "tenki_session=" + apiKey)
                    .POST(HttpRequest.BodyPublishers.ofString(TenkiClient.JSON.createObjectNode().put("sessionId", sessionId)
                            .put("publicKey", PublicKeyEntry.toString(TenkiClient.newKeys().getPublic())).toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, asCookie.statusCode(), asCookie.body());
        }

        @Test
        void refusesAnUnknownSessionAsNotFound() throws Exception {
            assertConnectError(mint(tenki.token(TokenKind.API_KEY), "00000000-0000-0000-0000-000000000001",
                    TenkiClient.newKeys().getPublic()), 404, "not_found");
        }

        @Test
        void refusesAnotherAccountsSessionAsPermissionDenied() throws Exception {
            String sessionId = tenki.createSession();
            assertConnectError(mint(tenki.newAccountToken(TokenKind.COOKIE), sessionId,
                    TenkiClient.newKeys().getPublic()), 403, "permission_denied");
        }

        @Test
        void refusesAPausedSessionAsFailedPreconditionWithConnectsStatus400() throws Exception {
            String sessionId = tenki.createSession();
            PublicKey key = TenkiClient.newKeys().getPublic();
            tenki.pauseSession(sessionId);
            assertConnectError(mint(tenki.token(TokenKind.API_KEY), sessionId, key), 400, "failed_precondition");
            tenki.resumeSession(sessionId);
            assertEquals(200, mint(tenki.token(TokenKind.API_KEY), sessionId, key).status());
            tenki.terminateSession(sessionId);
            assertConnectError(mint(tenki.token(TokenKind.API_KEY), sessionId, key), 400, "failed_precondition");
        }

        @Test
        void refusesMalformedRequestsAsConnectDoes() throws Exception {
            String token = tenki.token(TokenKind.API_KEY);
            String sessionId = tenki.createSession();
            assertConnectError(call("IssueSandboxSSHCert", token, "{\"sessionId\":\"" + sessionId + "\"}"), 400,
                    "invalid_argument");
            assertConnectError(call("IssueSandboxSSHCert", token, "{\"sessionId\":\"" + sessionId
                    + "\",\"publicKey\":\"ssh-ed25519 garbage\"}"), 400, "invalid_argument");
            assertConnectError(call("IssueSandboxSSHCert", token, "{not json"), 400, "invalid_argument");
            assertConnectError(call("IssueSandboxSSHCert", token, "{\"sessionId\":\"" + sessionId
                    + "\",\"publicKey\":\"" + PublicKeyEntry.toString(TenkiClient.newKeys().getPublic())
                    + "\",\"requestedTtl\":600}"), 400, "invalid_argument");
            assertEquals(404, call("NoSuchProcedure", token, "{}").status());
            HttpResponse<String> proto = http.send(HttpRequest.newBuilder(URI.create(tenki.apiUrl() + TenkiClient.SERVICE
                    + "IssueSandboxSSHCert")).header("Content-Type", "application/proto").header("Authorization",
                    "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {10, 1, 65})).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, proto.statusCode());
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(tenki.apiUrl() + TenkiClient.SERVICE
                    + "IssueSandboxSSHCert")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
        }

        @Test
        void followsTheConfiguredLifetimeAndRenewalAfter() throws Exception {
            try (TenkiFake shortLived = TenkiFake.builder().certificateLifetime(Duration.ofSeconds(3))
                    .renewalAfter(Duration.ofSeconds(1)).permissions(TenkiFake.Permissions.NONE).start()) {
                String sessionId = shortLived.createSession();
                Instant before = Instant.now();
                Answer answer = TenkiClient.mint(http, shortLived.apiUrl(), shortLived.token(TokenKind.API_KEY), sessionId,
                        TenkiClient.newKeys().getPublic());
                assertEquals(200, answer.status(), answer.raw().body());
                assertEquals("1s", answer.body().get("renewalAfter").asText());
                assertLivesFor(Duration.ofSeconds(3), before, Instant.parse(answer.body().get("expiresAt").asText()));
                assertEquals(0, answer.body().get("permissions").size(), answer.body().toString());
                assertTrue(certificate(answer).getExtensions().isEmpty());
            }
        }

        @Test
        void validatesItsSettingsAtOnce() {
            assertThrows(IllegalArgumentException.class, () -> TenkiFake.builder().certificateLifetime(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> TenkiFake.builder()
                    .certificateLifetime(Duration.ofSeconds(5)).renewalAfter(Duration.ofSeconds(5)).start());
        }
    }

    @Nested
    class Discovery {
        @Test
        void listsItselfAsOneHealthyGatewayByDefault() throws Exception {
            try (TenkiFake fresh = TenkiFake.start()) {
                Answer answer = TenkiClient.call(http, fresh.apiUrl(), "ListActiveSSHGateways",
                        fresh.token(TokenKind.API_KEY), "{}");
                assertEquals(200, answer.status(), answer.raw().body());
                JsonNode gateways = answer.body().get("gateways");
                assertEquals(1, gateways.size());
                assertTrue(gateways.get(0).get("healthy").asBoolean());
                assertEquals(fresh.gatewayUrl().toString(), gateways.get(0).get("wsBridgeEndpoint").asText());
                Instant.parse(gateways.get(0).get("lastHeartbeatAt").asText());
            }
        }

        @Test
        void listsWhatTheTestSaysInOrderLeavingOutFalseAndEmptyFields() throws Exception {
            tenki.gatewaysListed(TenkiFake.Gateway.healthy("gw-down", URI.create("https://down.invalid")).unhealthy(),
                    TenkiFake.Gateway.healthy("gw-nobridge", null),
                    tenki.gateway(TenkiFake.EDGE_HOST).inRegion("eu"));
            try {
                JsonNode gateways = call("ListActiveSSHGateways", tenki.token(TokenKind.SESSION_TOKEN), "{}").body()
                        .get("gateways");
                assertEquals(3, gateways.size(), gateways.toString());
                assertEquals("gw-down", gateways.get(0).get("gatewayId").asText());
                assertFalse(gateways.get(0).has("healthy"), gateways.toString());
                assertFalse(gateways.get(1).has("wsBridgeEndpoint"), gateways.toString());
                assertEquals("http://" + TenkiFake.EDGE_HOST + ":" + tenki.port(),
                        gateways.get(2).get("wsBridgeEndpoint").asText());
                JsonNode eu = call("ListActiveSSHGateways", tenki.token(TokenKind.COOKIE), "{\"region\":\"eu\"}").body()
                        .get("gateways");
                assertEquals(1, eu.size(), eu.toString());
                tenki.gatewaysListed();
                Answer none = call("ListActiveSSHGateways", tenki.token(TokenKind.API_KEY), "{}");
                assertEquals(200, none.status());
                assertFalse(none.body().has("gateways"), none.raw().body());
            } finally {
                tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
            }
        }

        @Test
        void failsWhenToldToAndNeedsAToken() throws Exception {
            assertConnectError(call("ListActiveSSHGateways", "tk_wrong", "{}"), 401, "unauthenticated");
            tenki.failDiscovery("unimplemented");
            try {
                assertConnectError(call("ListActiveSSHGateways", tenki.token(TokenKind.API_KEY), "{}"), 501,
                        "unimplemented");
            } finally {
                tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
            }
            assertEquals(200, call("ListActiveSSHGateways", tenki.token(TokenKind.API_KEY), "{}").status());
        }

        @Test
        void servesTheApiUnderItsTenkiShapedName() throws Exception {
            Answer answer = TenkiClient.call(http, tenki.apiUrl(TenkiFake.API_HOST), "ListActiveSSHGateways",
                    tenki.token(TokenKind.API_KEY), "{}");
            assertEquals(200, answer.status(), answer.raw().body());
        }
    }

    @Nested
    class WebSocketUpgrade {
        @ParameterizedTest
        @EnumSource(TokenKind.class)
        void opensForEachTokenKindAndRecordsIt(TokenKind kind) throws Exception {
            String sessionId = tenki.createSession();
            assertEquals(101, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId), tenki.token(kind)));
            TenkiFake.Upgrade last = lastUpgrade();
            assertEquals(kind, last.credential());
            assertEquals("/v1/ssh/" + sessionId, last.path());
            assertEquals(101, last.status());
        }

        @Test
        void refusesWithTenkisStatuses() throws Exception {
            String sessionId = tenki.createSession();
            String token = tenki.token(TokenKind.API_KEY);
            assertEquals(401, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId), "tk_wrong"));
            assertEquals(401, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId), null));
            assertNull(lastUpgrade().credential());
            assertEquals(404, TenkiClient.upgradeStatus(http, tenki.webSocketUrl("00000000-0000-0000-0000-000000000002"),
                    token));
            assertEquals(404, TenkiClient.upgradeStatus(http, URI.create("ws://127.0.0.1:" + tenki.port()
                    + "/v1/sessions/" + sessionId + "/ssh/websocket"), token));
            assertEquals(403, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId),
                    tenki.newAccountToken(TokenKind.SESSION_TOKEN)));
            tenki.pauseSession(sessionId);
            assertEquals(409, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId), token));
            tenki.resumeSession(sessionId);
            assertEquals(101, TenkiClient.upgradeStatus(http, tenki.webSocketUrl(sessionId), token));
        }

        @Test
        void isReachedByTheUrlDerivedFromTheApiName() throws Exception {
            String sessionId = tenki.createSession();
            URI derived = URI.create("ws://" + TenkiFake.GATEWAY_HOST + ":" + tenki.port() + "/v1/ssh/" + sessionId);
            assertEquals(101, TenkiClient.upgradeStatus(http, derived, tenki.token(TokenKind.COOKIE)));
            assertEquals(TenkiFake.GATEWAY_HOST + ":" + tenki.port(), lastUpgrade().host());
        }

        @Test
        void carriesSshBytesInBinaryMessagesAndIgnoresText() throws Exception {
            String sessionId = tenki.createSession();
            CompletableFuture<String> banner = new CompletableFuture<>();
            WebSocket socket = TenkiClient.openWebSocket(http, tenki.webSocketUrl(sessionId),
                    tenki.token(TokenKind.API_KEY), new WebSocket.Listener() {
                        private final StringBuilder received = new StringBuilder();

                        @Override
                        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                            received.append(StandardCharsets.ISO_8859_1.decode(data));
                            if (received.indexOf("\r\n") >= 0) {
                                banner.complete(received.substring(0, received.indexOf("\r\n")));
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            banner.completeExceptionally(new AssertionError("closed " + code + " " + reason));
                            return null;
                        }
                    }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            try {
                socket.sendText("ignored", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(banner.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).startsWith("SSH-2.0-"));
                socket.sendBinary(ByteBuffer.wrap("SSH-2.0-TenkiFakeTest\r\n".getBytes(StandardCharsets.US_ASCII)), true)
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (tenki.traffic(sessionId).bytesToSession() < 23 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(23, tenki.traffic(sessionId).bytesToSession(), "the text message is not relayed");
                assertFalse(socket.isInputClosed());
            } finally {
                socket.abort();
            }
        }

        private TenkiFake.Upgrade lastUpgrade() {
            List<TenkiFake.Upgrade> all = tenki.upgrades();
            return all.get(all.size() - 1);
        }
    }

    @Nested
    class Ssh {
        private ClientSession connect(String user, int port, KeyPair keys, String certificateLine) throws Exception {
            ClientSession session = ssh.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
            PublicKey identity = certificateLine == null ? keys.getPublic()
                    : PublicKeyEntry.parsePublicKeyEntry(certificateLine).resolvePublicKey(null, null, null);
            session.addPublicKeyIdentity(new KeyPair(identity, keys.getPrivate()));
            return session;
        }

        private boolean logsIn(String user, String sessionId, KeyPair keys, String certificateLine) throws Exception {
            try (ClientSession session = connect(user, tenki.sshPortForTests(sessionId), keys, certificateLine)) {
                session.auth().verify(TIMEOUT);
                return true;
            } catch (SshException refused) {
                return false;
            }
        }

        private String mintedLine(String sessionId, KeyPair keys) throws Exception {
            Answer answer = mint(tenki.token(TokenKind.API_KEY), sessionId, keys.getPublic());
            assertEquals(200, answer.status(), answer.raw().body());
            return answer.body().get("sshCert").asText();
        }

        @Test
        void runsACommandAndMovesAFileOverTheWebSocket() throws Exception {
            String sessionId = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            String line = mintedLine(sessionId, keys);
            try (TenkiClient.Bridge bridge = new TenkiClient.Bridge(http, tenki.webSocketUrl(sessionId),
                    tenki.token(TokenKind.SESSION_TOKEN));
                    ClientSession session = connect("tenki", bridge.port(), keys, line)) {
                session.auth().verify(TIMEOUT);
                assertTrue(KeyUtils.compareKeys(tenki.gatewayHostKey(), shownHostKey.get()));
                try (ChannelExec exec = session.createExecChannel("echo hello from tenki; exit 3")) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    exec.setOut(out);
                    exec.open().verify(TIMEOUT);
                    exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
                    assertEquals(3, exec.getExitStatus());
                    assertEquals("hello from tenki\n", out.toString(StandardCharsets.UTF_8));
                }
                byte[] content = new byte[256 * 1024];
                new java.util.Random(29).nextBytes(content);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
                        OutputStream upload = sftp.write("moved.bin")) {
                    upload.write(content);
                }
                assertTrue(java.util.Arrays.equals(content,
                        Files.readAllBytes(tenki.sessionDirectory(sessionId).resolve("moved.bin"))));
            }
            assertTrue(tenki.traffic(sessionId).bytesToSession() > 256 * 1024);
        }

        @Test
        void acceptsTheMintedCertificateForUserTenkiOnly() throws Exception {
            String sessionId = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            String line = mintedLine(sessionId, keys);
            assertTrue(logsIn("tenki", sessionId, keys, line));
            assertFalse(logsIn("root", sessionId, keys, line));
            assertFalse(logsIn(sessionId, sessionId, keys, line));
            assertFalse(logsIn("session:" + sessionId, sessionId, keys, line));
        }

        @Test
        void refusesACertificateForAnotherSessionAPlainKeyAndAnotherKey() throws Exception {
            String sessionId = tenki.createSession();
            String other = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            assertFalse(logsIn("tenki", sessionId, keys, mintedLine(other, keys)));
            assertFalse(logsIn("tenki", sessionId, keys, null));
            assertFalse(logsIn("tenki", sessionId, TenkiClient.newKeys(), mintedLine(sessionId, keys)));
        }

        @Test
        void presentsOneGatewayHostKeyForAllSessionsUntilRotated() throws Exception {
            String first = tenki.createSession();
            String second = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            assertTrue(logsIn("tenki", first, keys, mintedLine(first, keys)));
            PublicKey before = shownHostKey.get();
            assertTrue(KeyUtils.compareKeys(tenki.gatewayHostKey(), before));
            assertTrue(logsIn("tenki", second, keys, mintedLine(second, keys)));
            assertTrue(KeyUtils.compareKeys(before, shownHostKey.get()));
            assertTrue(tenki.gatewayHostKeyLine().startsWith("ssh-ed25519 "));

            PublicKey rotated = tenki.rotateGatewayHostKey();
            assertFalse(KeyUtils.compareKeys(before, rotated));
            assertTrue(logsIn("tenki", first, keys, mintedLine(first, keys)));
            assertTrue(KeyUtils.compareKeys(rotated, shownHostKey.get()));
            assertNotEquals(KeyUtils.getFingerPrint(before), KeyUtils.getFingerPrint(shownHostKey.get()));
        }

        @Test
        void pausingASessionCutsItsOpenTunnel() throws Exception {
            String sessionId = tenki.createSession();
            KeyPair keys = TenkiClient.newKeys();
            String line = mintedLine(sessionId, keys);
            try (TenkiClient.Bridge bridge = new TenkiClient.Bridge(http, tenki.webSocketUrl(sessionId),
                    tenki.token(TokenKind.API_KEY));
                    ClientSession session = connect("tenki", bridge.port(), keys, line)) {
                session.auth().verify(TIMEOUT);
                tenki.pauseSession(sessionId);
                assertTrue(session.waitFor(EnumSet.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED),
                        TIMEOUT).contains(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED));
            } finally {
                tenki.resumeSession(sessionId);
            }
        }
    }
}
