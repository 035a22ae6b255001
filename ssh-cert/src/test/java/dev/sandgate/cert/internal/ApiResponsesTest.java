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
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, "sess-1", TTL, now));
        assertTrue(refused.getMessage().contains("host_ca_public_keys"), refused.getMessage());
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
}
