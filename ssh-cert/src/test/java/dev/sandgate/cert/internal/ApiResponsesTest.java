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
                keys, after);
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
                () -> ApiResponses.issuedCertificate(json, keys, now));
        assertTrue(refused.getMessage().contains("host_ca_public_keys"), refused.getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        KeyPair keys = SshKeys.generate();
        Instant now = Instant.now();
        ObjectNode json = grant(keys, now, now.plusSeconds(600));
        json.remove("username");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiResponses.issuedCertificate(json, keys, now));
        assertTrue(refused.getMessage().contains("'username'"), refused.getMessage());
    }
}
