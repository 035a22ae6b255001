package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @ParameterizedTest
    @EnumSource(SshKeyType.class)
    void signsUserCertificatesThatParseBackWithTheirFields(SshKeyType type) {
        CertificateAuthority ca = CertificateAuthority.generate();
        KeyPair keys = SshKeys.generate(type);
        SshCertificate signed = ca.signUser(keys.getPublic(), "alice@test", List.of("alice", "ops"), NOW,
                NOW.plus(Duration.ofMinutes(10)));
        SshCertificate parsed = SshCertificate.parse(signed.toOpenSshLine());

        assertEquals(signed, parsed);
        assertEquals(SshCertificate.Type.USER, parsed.type());
        assertEquals("alice@test", parsed.keyId());
        assertEquals(List.of("alice", "ops"), parsed.principals());
        assertEquals(NOW, parsed.validAfter());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), parsed.validBefore());
        assertEquals(keys.getPublic(), parsed.publicKey());
        assertEquals(ca.publicKey(), parsed.caPublicKey());
        assertTrue(parsed.extensions().containsKey("permit-pty"));
        assertTrue(parsed.hasValidSignature());
        assertTrue(parsed.keyType().startsWith(type.sshName().equals("ssh-rsa") ? "ssh-rsa-cert" : type.sshName() + "-cert"));
    }

    @Test
    void hostCertificatesAreHostType() {
        CertificateAuthority ca = CertificateAuthority.generate();
        SshCertificate host = ca.signHost(SshKeys.generate().getPublic(), "host", List.of("sess-1"), NOW,
                NOW.plusSeconds(60));
        assertEquals(SshCertificate.Type.HOST, host.type());
    }

    @Test
    void validityHonoursTheAllowedSkew() {
        SshCertificate cert = CertificateAuthority.generate().signUser(SshKeys.generate().getPublic(), "k", List.of("u"),
                NOW, NOW.plusSeconds(60));
        assertFalse(cert.isValidAt(NOW.minusSeconds(5), Duration.ZERO));
        assertTrue(cert.isValidAt(NOW.minusSeconds(5), Duration.ofSeconds(10)));
        assertFalse(cert.isValidAt(NOW.plusSeconds(60), Duration.ZERO));
        assertTrue(cert.isValid(java.time.Clock.fixed(NOW.plusSeconds(30), java.time.ZoneOffset.UTC), Duration.ZERO));
        assertTrue(cert.isValidAt(NOW.plusSeconds(65), Duration.ofSeconds(10)));
    }

    @Test
    void aTamperedCertificateFailsItsSignatureCheck() {
        SshCertificate cert = CertificateAuthority.generate().signUser(SshKeys.generate().getPublic(), "k", List.of("u"),
                NOW, NOW.plusSeconds(60));
        String[] parts = cert.toOpenSshLine().split(" ");
        byte[] blob = java.util.Base64.getDecoder().decode(parts[1]);
        blob[blob.length - 10] ^= 1; // inside the signature
        SshCertificate tampered = SshCertificate.parse(parts[0] + " " + java.util.Base64.getEncoder().encodeToString(blob));
        assertFalse(tampered.hasValidSignature());
    }

    @Test
    void credentialsRefuseACertificateForAnotherKey() {
        CertificateAuthority ca = CertificateAuthority.generate();
        KeyPair mine = SshKeys.generate();
        SshCertificate theirs = ca.signUser(SshKeys.generate().getPublic(), "k", List.of("u"), NOW, NOW.plusSeconds(60));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Credentials("u", mine, theirs));
        assertTrue(refused.getMessage().contains("not this key pair"), refused.getMessage());
    }

    @Test
    void aPlainKeyIsNotACertificate() {
        String plain = SshKeys.publicKeyLine(SshKeys.generate().getPublic());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SshCertificate.parse(plain));
        assertTrue(refused.getMessage().contains("Expected an OpenSSH certificate"), refused.getMessage());
    }

    @Test
    void endpointsDoNotShowCredentialsTheirUrlsCarry() {
        Endpoints endpoints = new Endpoints(
                new Endpoints.Connect(java.net.URI.create("https://user:s3cr3t@gw.example:8443"), "sess-1:22"),
                new Endpoints.WebSocket(java.net.URI.create("wss://gw.example/ws?ticket=s3cr3t")));
        assertFalse(endpoints.toString().contains("s3cr3t"), endpoints.toString());
        assertTrue(endpoints.toString().contains("gw.example:8443"), endpoints.toString());
    }
}
