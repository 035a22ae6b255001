package dev.sandgate.cert.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandgate.cert.CertificateAuthority;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;

class ApiResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CertificateAuthority USER_CA = CertificateAuthority.generate();
    private static final CertificateAuthority HOST_CA = CertificateAuthority.generate();
    private static final Duration TTL = Duration.ofMinutes(30);

    private static ObjectNode grant(KeyPair keys, Instant after, Instant before) {
        SshCertificate certificate = USER_CA.signUser(keys.getPublic(), "k", List.of("sess-1"), after, before);
        ObjectNode json = JSON.createObjectNode();
        json.put("certificate", certificate.toOpenSshLine());
        json.put("username", "sandbox");
        json.putArray("host_ca_public_keys").add(SshKeys.publicKeyLine(HOST_CA.publicKey()));
        json.putObject("endpoints").putObject("websocket").put("url", "wss://gw.example/ws");
        return json;
    }

    @Test
    void withoutRenewAfterRenewalIsTwoThirdsIntoTheLifetime() {
        KeyPair keys = SshKeys.generate();
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        IssuedCertificate issued = ApiResponses.issuedCertificate(grant(keys, after, after.plus(Duration.ofMinutes(30))),
                keys, "sess-1", TTL, after);
        assertEquals(after.plus(Duration.ofMinutes(20)), issued.renewAfter());
        assertTrue(issued.endpoints().connect().isEmpty());
        assertEquals("wss://gw.example/ws", issued.endpoints().webSocket().orElseThrow().url().toString());
        assertEquals(List.of(HOST_CA.publicKey()), issued.hostCaKeys());
    }

    @Test
    void anEmptyHostCaListIsRefused() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.putArray("host_ca_public_keys");
        json.putArray("host_public_keys");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
        assertTrue(refused.getMessage().contains("host_ca_public_keys"), refused.getMessage());
    }

    @Test
    void pinnedHostKeysAloneAreEnough() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        KeyPair hostKey = SshKeys.generate();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.remove("host_ca_public_keys");
        json.putArray("host_public_keys").add(SshKeys.publicKeyLine(hostKey.getPublic()));
        IssuedCertificate issued = ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now);
        assertEquals(List.of(), issued.hostCaKeys());
        assertEquals(List.of(hostKey.getPublic()), issued.hostKeys());
        assertTrue(issued.toString().contains("hostKeys=1"), issued.toString());
    }

    @Test
    void aPinnedHostKeyThatIsNotAKeyIsNamedEscaped() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.putArray("host_public_keys").add("ssh-ed25519 not\u001b[31mbase64");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
        assertTrue(refused.getMessage().contains("'host_public_keys'"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("\u001b"), refused.getMessage());
    }

    @Test
    void aPinnedHostKeyMustNotBeACertificate() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        String certificate = HOST_CA.signHost(SshKeys.generate().getPublic(), "h", List.of("sess-1"), now,
                now.plusSeconds(600)).toOpenSshLine();
        json.putArray("host_public_keys").add(certificate);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
        assertTrue(refused.getMessage().contains("certificate where a public key belongs"), refused.getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.remove("username");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
        assertTrue(refused.getMessage().contains("'username'"), refused.getMessage());
    }

    @Test
    void aTunnelCredentialIsTakenButNeverShown() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now.minusSeconds(60), now.plusSeconds(600));
        json.put("tunnel_credential", "stc_secret_for_this_session");
        IssuedCertificate issued = ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now);
        assertEquals("stc_secret_for_this_session", issued.tunnelCredential().orElseThrow());
        assertTrue(!issued.toString().contains("stc_secret"), issued.toString());
        json.put("tunnel_credential", "stc_x\r\nX-Injected: 1");
        assertThrows(IllegalArgumentException.class, () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
    }

    /** A grant carrying this certificate line instead of the usual one. */
    private static ObjectNode grantWith(KeyPair keys, String certificateLine) {
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.put("certificate", certificateLine);
        return json;
    }

    private static String refusal(ObjectNode json, KeyPair keys) {
        return assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, Instant.now())).getMessage();
    }

    private static String signed(KeyPair ca, String algorithm, KeyPair keys, java.util.Map<String, String> critical,
            List<String> principals, Instant after, Instant before) throws Exception {
        org.apache.sshd.certificate.OpenSshCertificateBuilder builder = org.apache.sshd.certificate
                .OpenSshCertificateBuilder.userCertificate()
                .publicKey(keys.getPublic()).serial(7).id("crafted").principals(principals)
                .criticalOptions(critical).validAfter(after).validBefore(before);
        return SshCertificate.of(algorithm == null ? builder.sign(ca) : builder.sign(ca, algorithm)).toOpenSshLine();
    }

    @org.junit.jupiter.api.Nested
    class BadGrants {
        private final KeyPair keys = SshKeys.generate();
        private final Instant now = Instant.now();

        @Test
        void notValidForAWhileYet() {
            String why = refusal(grant(keys, now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(80))), keys);
            assertTrue(why.contains("not valid until"), why);
        }

        @Test
        void validFarLongerThanAsked() {
            String why = refusal(grant(keys, now.minusSeconds(60), now.plus(Duration.ofDays(365))), keys);
            assertTrue(why.contains("longer than"), why);
        }

        @Test
        void principalsNamingNeitherTheSessionNorTheUser() {
            String line = USER_CA.signUser(keys.getPublic(), "k", List.of("sess-other"), now.minusSeconds(60),
                    now.plusSeconds(600)).toOpenSshLine();
            String why = refusal(grantWith(keys, line), keys);
            assertTrue(why.contains("sess-other") && why.contains("sess-1"), why);
        }

        @Test
        void aPrincipalsFieldThatDisagreesWithTheCertificate() {
            ObjectNode json = grant(keys, now.minusSeconds(60), now.plusSeconds(600));
            json.putArray("principals").add("sess-1").add("root");
            String why = refusal(json, keys);
            assertTrue(why.contains("'principals'"), why);
        }

        @Test
        void aCaSignatureThatDoesNotVerify() {
            String line = grant(keys, now.minusSeconds(60), now.plusSeconds(600)).get("certificate").asText();
            String[] parts = line.split(" ");
            byte[] blob = java.util.Base64.getDecoder().decode(parts[1]);
            blob[blob.length - 5] ^= 0x01;
            String broken = parts[0] + " " + java.util.Base64.getEncoder().encodeToString(blob);
            String why = refusal(grantWith(keys, broken), keys);
            assertTrue(why.contains("does not verify"), why);
        }

        @Test
        void aSha1SignatureOrASmallRsaCa() throws Exception {
            KeyPair rsaCa = SshKeys.generate(dev.sandgate.cert.SshKeyType.RSA_3072);
            String sha1 = signed(rsaCa, "ssh-rsa", keys, java.util.Map.of(), List.of("sess-1"), now.minusSeconds(60),
                    now.plusSeconds(600));
            assertTrue(refusal(grantWith(keys, sha1), keys).contains("SHA-1"));
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(1024);
            String small = signed(generator.generateKeyPair(), "rsa-sha2-256", keys, java.util.Map.of(),
                    List.of("sess-1"), now.minusSeconds(60), now.plusSeconds(600));
            String why = refusal(grantWith(keys, small), keys);
            assertTrue(why.contains("1024 bits"), why);
        }

        @Test
        void aCriticalOptionSandgateDoesNotUnderstand() throws Exception {
            KeyPair ca = SshKeys.generate();
            String line = signed(ca, null, keys, java.util.Map.of("no-such-option@example.com", "x"), List.of("sess-1"),
                    now.minusSeconds(60), now.plusSeconds(600));
            String why = refusal(grantWith(keys, line), keys);
            assertTrue(why.contains("no-such-option@example.com"), why);
            String known = signed(ca, null, keys, java.util.Map.of("force-command", "/bin/true"), List.of("sess-1"),
                    now.minusSeconds(60), now.plusSeconds(600));
            assertEquals("/bin/true", ApiResponses.issuedCertificate(grantWith(keys, known), keys, "sess-1", TTL, now)
                    .credentials().certificate().criticalOptions().get("force-command"));
        }
    }

    /** A refusal names the field, shows the value with its controls escaped, and stays short. */
    private static void assertNamedAndEscaped(String why, String field) {
        assertTrue(why.contains("'" + field + "'"), why);
        for (char c : why.toCharArray()) {
            assertTrue(!Checks.isUnsafe(c), "raw control character " + (int) c + " in: " + Checks.escaped(why));
        }
        assertTrue(why.length() < 600, "length " + why.length());
    }

    /** Each field of a grant that ends up in a file, a config or a terminal, held to its rule where it enters. */
    @org.junit.jupiter.api.Nested
    class HostileFields {
        private final KeyPair keys = SshKeys.generate();
        private final Instant now = Instant.now();

        private ObjectNode sound() {
            return grant(keys, now.minusSeconds(60), now.plusSeconds(600));
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"sandbox\nMatch exec \"touch /tmp/x\"\nHost *",
                "-oProxyCommand=x", "root;id", "a b", "", "sandbox\u001b[2J", "user\u202e", "name@host",
                "abcdefghijklmnopqrstuvwxyz0123456"})
        void aUsernameThatIsNotAPortableUserName(String username) {
            ObjectNode json = sound();
            json.put("username", username);
            assertNamedAndEscaped(refusal(json, keys), "username");
        }

        @Test
        void aPortableUserNameIsTaken() {
            for (String username : List.of("sandbox", "a.b_c-1", "_svc", "abcdefghijklmnopqrstuvwxyz012345")) {
                ObjectNode json = sound();
                json.put("username", username);
                assertEquals(username, ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now).credentials()
                        .username());
            }
        }

        @Test
        void aVeryLongUsernameIsShownCut() {
            ObjectNode json = sound();
            json.put("username", "\u001b".repeat(100_000));
            String why = refusal(json, keys);
            assertNamedAndEscaped(why, "username");
            assertTrue(why.contains("\\033\\033") && why.contains("100000 characters"), why);
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"sess-1,root", "sess 1", "", "sess-1\n", "\u001b]0;x\u0007",
                "sess\u2066"})
        void aPrincipalInThePrincipalsFieldThatBreaksTheRule(String principal) {
            ObjectNode json = sound();
            json.putArray("principals").add("sess-1").add(principal);
            assertNamedAndEscaped(refusal(json, keys), "principals");
        }

        @Test
        void aPrincipalLongerThan256() {
            ObjectNode json = sound();
            json.putArray("principals").add("p".repeat(257));
            assertNamedAndEscaped(refusal(json, keys), "principals");
        }

        @Test
        void aPrincipalInTheCertificateThatBreaksTheRule() throws Exception {
            String line = signed(SshKeys.generate(), null, keys, java.util.Map.of(), List.of("sess-1", "root,admin"),
                    now.minusSeconds(60), now.plusSeconds(600));
            assertNamedAndEscaped(refusal(grantWith(keys, line), keys), "certificate principals");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"-1", "18446744073709551616", "1.5", "\"7x\"",
                "[7]", "8"})
        void aSerialThatIsNotTheCertificatesUint64(String serial) throws Exception {
            ObjectNode json = sound();
            json.put("certificate", signed(SshKeys.generate(), null, keys, java.util.Map.of(), List.of("sess-1"),
                    now.minusSeconds(60), now.plusSeconds(600)));
            json.set("serial", JSON.readTree(serial));
            assertNamedAndEscaped(refusal(json, keys), "serial");
        }

        @Test
        void theCertificatesSerialIsTakenUpTo2To64Minus1() throws Exception {
            ObjectNode json = sound();
            json.put("certificate", signed(SshKeys.generate(), null, keys, java.util.Map.of(), List.of("sess-1"),
                    now.minusSeconds(60), now.plusSeconds(600)));
            json.put("serial", 7);
            ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now);
            json.put("serial", "7");
            ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now);
            org.apache.sshd.certificate.OpenSshCertificateBuilder max = org.apache.sshd.certificate
                    .OpenSshCertificateBuilder.userCertificate().publicKey(keys.getPublic()).serial(-1L).id("max")
                    .principals(List.of("sess-1")).validAfter(now.minusSeconds(60)).validBefore(now.plusSeconds(600));
            json.put("certificate", SshCertificate.of(max.sign(SshKeys.generate())).toOpenSshLine());
            json.set("serial", JSON.readTree("18446744073709551615"));
            assertEquals(-1L, ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now).credentials().certificate()
                    .serial());
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"evil host:22", "a..b:22", "-a.example:22",
                "a.example\u001b[2J:22", "a%0a.example:22", "10.0.0.999:22", "[fe80::1%eth0]:22",
                "x.123:22"})
        void aConnectTargetHostThatIsNotAHostName(String target) {
            ObjectNode json = sound();
            ObjectNode connect = ((ObjectNode) json.get("endpoints")).putObject("connect");
            connect.put("proxy_url", "https://gw.example");
            connect.put("target", target);
            assertNamedAndEscaped(refusal(json, keys), "endpoints.connect.target");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"https://gw example/", "https://gw.example\u001b[2J/",
                "https://ex%41mple.com/", "https://[::1%25eth0]/", "https:///path", "https://a_b..c/"})
        void aProxyUrlHostThatIsNotAHostName(String url) {
            ObjectNode json = sound();
            ObjectNode connect = ((ObjectNode) json.get("endpoints")).putObject("connect");
            connect.put("proxy_url", url);
            connect.put("target", "sess-1:22");
            assertNamedAndEscaped(refusal(json, keys), "endpoints.connect.proxy_url");
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"wss://gw example/ws", "wss://gw.example\r\n/ws",
                "wss://%2e%2e/ws", "wss://gw.example\u202e/ws"})
        void aWebSocketUrlHostThatIsNotAHostName(String url) {
            ObjectNode json = sound();
            ((ObjectNode) json.get("endpoints")).putObject("websocket").put("url", url);
            assertNamedAndEscaped(refusal(json, keys), "endpoints.websocket.url");
        }

        @Test
        void hostNamesAndAddressesAreTaken() {
            for (String target : List.of("sess-1:22", "127.0.0.1:22", "[::1]:2222", "gw-1.eu.example.com:443",
                    "sess_abc:22")) {
                ObjectNode json = sound();
                ObjectNode connect = ((ObjectNode) json.get("endpoints")).putObject("connect");
                connect.put("proxy_url", "http://127.0.0.1:8080");
                connect.put("target", target);
                assertEquals(target, ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now).endpoints().connect()
                        .orElseThrow().target());
            }
        }

        @Test
        void aCertificateLineOrKeyIdWithControlCharacters() throws Exception {
            ObjectNode json = sound();
            json.put("certificate", json.get("certificate").asText() + " comment\nHost *");
            assertNamedAndEscaped(refusal(json, keys), "certificate");
            org.apache.sshd.certificate.OpenSshCertificateBuilder evil = org.apache.sshd.certificate
                    .OpenSshCertificateBuilder.userCertificate().publicKey(keys.getPublic()).serial(1).id("k\n\u001b[2J")
                    .principals(List.of("sess-1")).validAfter(now.minusSeconds(60)).validBefore(now.plusSeconds(600));
            json.put("certificate", SshCertificate.of(evil.sign(SshKeys.generate())).toOpenSshLine());
            String why = refusal(json, keys);
            assertTrue(why.contains("key id") && why.contains("\\n\\033[2J"), why);
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"sess-1\u001b]0;pwned\u0007", "..", "a/b", "a%2fb",
                "sess\u202e1", "sess 1", "sess\u00a01", "sess\u00851"})
        void aSessionIdThatCouldNotBeTyped(String id) throws Exception {
            ObjectNode json = JSON.createObjectNode();
            json.put("session_id", id);
            json.put("status", "running");
            json.put("created_at", now.toString());
            json.put("expires_at", now.plusSeconds(60).toString());
            dev.sandgate.cert.InvalidResponseException refused = assertThrows(dev.sandgate.cert.InvalidResponseException.class,
                    () -> ApiResponses.session(json));
            assertNamedAndEscaped(refused.getMessage(), "session_id");
            json.put("session_id", "s".repeat(257));
            assertNamedAndEscaped(assertThrows(dev.sandgate.cert.InvalidResponseException.class,
                    () -> ApiResponses.session(json)).getMessage(), "session_id");
        }

        @Test
        void aStatusThatIsNoneOfTheThreeIsShownEscaped() {
            ObjectNode json = JSON.createObjectNode();
            json.put("session_id", "sess-1");
            json.put("status", "running\u001b[2J\rall good");
            json.put("created_at", now.toString());
            json.put("expires_at", now.plusSeconds(60).toString());
            assertNamedAndEscaped(assertThrows(dev.sandgate.cert.InvalidResponseException.class,
                    () -> ApiResponses.session(json)).getMessage(), "status");
        }
    }
}
