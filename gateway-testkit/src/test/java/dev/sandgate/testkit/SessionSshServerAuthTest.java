package dev.sandgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What each session's SSH server accepts, checked by connecting straight to its test port with a MINA client that
 * sends whatever certificate it is given (MINA's own client would not even offer an expired one).
 */
class SessionSshServerAuthTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static SshClient client;
    private static String sessionId;

    @BeforeAll
    static void startClient() throws Exception {
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory() {
            @Override
            public UserAuthPublicKey createUserAuth(ClientSession session) {
                return new SendAnyCertificate();
            }
        }));
        client.start();
        sessionId = createSession(GATEWAY.gateway());
    }

    @AfterAll
    static void stopClient() {
        client.stop();
    }

    /** Offers each identity as it is, skipping MINA's client-side validity checks. */
    static final class SendAnyCertificate extends UserAuthPublicKey {
        @Override
        protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(ClientSession session, String service,
                PublicKeyAuthenticationReporter reporter) {
            return keys != null && keys.hasNext() ? keys.next() : null;
        }
    }

    static String createSession(LocalGateway gateway) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.apiUrl()
                + "/sessions"))
                .header("Authorization", "Bearer " + gateway.token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"ttl\":600}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return new ObjectMapper().readTree(created.body()).get("session_id").asText();
    }

    /** A connection to the session's test port that will offer the key pair with the certificate line (or the bare key when null). */
    private static ClientSession connect(String user, KeyPair keys, String certificateLine) throws Exception {
        ClientSession session = client.connect(user, "127.0.0.1", GATEWAY.gateway().sshPortForTests(sessionId))
                .verify(Duration.ofSeconds(10)).getSession();
        PublicKey certificate = certificateLine == null ? keys.getPublic()
                : PublicKeyEntry.parsePublicKeyEntry(certificateLine).resolvePublicKey(null, null, null);
        session.addPublicKeyIdentity(new KeyPair(certificate, keys.getPrivate()));
        return session;
    }

    /** Logs in with the key pair and certificate line; returns whether the server accepted. */
    private static boolean logsIn(String user, KeyPair keys, String certificateLine) throws Exception {
        try (ClientSession session = connect(user, keys, certificateLine)) {
            session.auth().verify(Duration.ofSeconds(10));
            return true;
        } catch (SshException refused) {
            return false;
        }
    }

    /** A certificate from the gateway's user CA for the key, valid from a minute ago for ten minutes. */
    private static String currentCertificate(KeyPair keys, List<String> principals) {
        Instant now = Instant.now();
        return gatewayCertificate(keys, principals, now.minusSeconds(60), now.plusSeconds(600));
    }

    private static KeyPair newKeys() throws Exception {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    private static String gatewayCertificate(KeyPair keys, List<String> principals, Instant after, Instant before) {
        return GATEWAY.gateway().signUserCertificate(keys.getPublic(), principals, after, before);
    }

    @Nested
    class Accepts {
        @Test
        void aCurrentCertificateFromTheUserCaForThisSession() throws Exception {
            KeyPair keys = newKeys();
            assertTrue(logsIn("sandbox", keys, currentCertificate(keys, List.of(sessionId))));
        }

        @Test
        void andRunsCommandsInTheSessionDirectory() throws Exception {
            KeyPair keys = newKeys();
            try (ClientSession session = connect("sandbox", keys, currentCertificate(keys, List.of(sessionId)))) {
                session.auth().verify(Duration.ofSeconds(10));
                try (ChannelExec exec = session.createExecChannel("pwd; exit 4")) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    exec.setOut(out);
                    exec.open().verify(Duration.ofSeconds(10));
                    exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
                    assertEquals(4, exec.getExitStatus());
                    assertEquals(GATEWAY.gateway().sessionDirectory(sessionId).toString() + "\n", out.toString());
                }
            }
        }
    }

    @Nested
    class Refuses {
        @Test
        void anExpiredCertificate() throws Exception {
            KeyPair keys = newKeys();
            Instant now = Instant.now();
            assertFalse(logsIn("sandbox", keys, gatewayCertificate(keys, List.of(sessionId), now.minusSeconds(3600),
                    now.minusSeconds(60))));
        }

        @Test
        void aCertificateNotYetValid() throws Exception {
            KeyPair keys = newKeys();
            Instant now = Instant.now();
            assertFalse(logsIn("sandbox", keys, gatewayCertificate(keys, List.of(sessionId), now.plusSeconds(600),
                    now.plusSeconds(1200))));
        }

        @Test
        void aCertificateForAnotherPrincipal() throws Exception {
            KeyPair keys = newKeys();
            assertFalse(logsIn("sandbox", keys, currentCertificate(keys, List.of("sess-someone-else"))));
        }

        @Test
        void aCertificateFromAnotherCa() throws Exception {
            KeyPair keys = newKeys();
            KeyPair otherCa = newKeys();
            Instant now = Instant.now();
            String line = PublicKeyEntry.toString(OpenSshCertificateBuilder.userCertificate()
                    .publicKey(keys.getPublic()).id("rogue").principals(List.of(sessionId))
                    .validAfter(now.minusSeconds(60)).validBefore(now.plusSeconds(600))
                    .sign(otherCa));
            assertFalse(logsIn("sandbox", keys, line));
        }

        @Test
        void aCertificateWithABrokenSignature() throws Exception {
            // right CA, key, principal and validity: only MINA's own signature check stands in the way
            KeyPair keys = newKeys();
            String[] line = currentCertificate(keys, List.of(sessionId)).split(" ");
            byte[] blob = Base64.getDecoder().decode(line[1]);
            blob[blob.length - 5] ^= 0x01;
            assertFalse(logsIn("sandbox", keys, line[0] + " " + Base64.getEncoder().encodeToString(blob)));
        }

        @Test
        void aCertificateForAnotherKey() throws Exception {
            assertFalse(logsIn("sandbox", newKeys(), currentCertificate(newKeys(), List.of(sessionId))));
        }

        @Test
        void aPlainKey() throws Exception {
            assertFalse(logsIn("sandbox", newKeys(), null));
        }

        @Test
        void anotherUser() throws Exception {
            KeyPair keys = newKeys();
            assertFalse(logsIn("root", keys, currentCertificate(keys, List.of(sessionId))));
        }
    }
}
