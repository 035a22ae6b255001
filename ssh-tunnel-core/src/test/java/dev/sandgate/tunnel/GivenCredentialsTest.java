package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.FileCredentials;
import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeyFiles;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.testkit.LocalGateway;

/**
 * Connecting with credentials made elsewhere, minting nothing: a session created with its own public key, or a key
 * and certificate from files; the host is then checked against a known_hosts file, never trusted on first use.
 */
class GivenCredentialsTest {
    @TempDir
    Path directory;

    private static Endpoints endpoints(LocalGateway gateway, String sessionId) {
        return new Endpoints(new Endpoints.Connect(gateway.connectProxyUrl(), gateway.connectTarget(sessionId)),
                new Endpoints.WebSocket(gateway.webSocketUrl(sessionId)));
    }

    /** A session that lets this key log in by plain public-key auth. */
    static String sessionFor(LocalGateway gateway, KeyPair key) throws Exception {
        try (SandboxApi api = GatewayClients.api(gateway)) {
            return api.createSession(NewSession.builder().sshPublicKey(SshKeys.publicKeyLine(key.getPublic())).build()).id();
        }
    }

    private Path knownHosts(String... lines) throws Exception {
        return Files.write(directory.resolve("known_hosts"), List.of(lines));
    }

    private static SandboxSsh keyLogin(LocalGateway gateway, KeyPair key, Path knownHosts, TransportKind transport) {
        return SandboxSsh.builder()
                .keyLogin(gateway.sshUsername(), key)
                .endpoints(id -> endpoints(gateway, id))
                .knownHosts(knownHosts)
                .tunnelAuth(TunnelAuth.bearer(gateway.token()))
                .transport(transport)
                .build();
    }

    @Nested
    class KeyLoginWithPlainHostKeys {
        @Test
        void aListedHostKeyLetsTheSessionsOwnKeyIn() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                KeyPair key = SshKeys.generate();
                String sessionId = sessionFor(gateway, key);
                Path file = knownHosts("# a comment", sessionId + " " + gateway.hostKeyLine(sessionId));
                for (TransportKind transport : List.of(TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET)) {
                    try (SandboxSsh ssh = keyLogin(gateway, key, file, transport);
                         SshConnection connection = ssh.connect(sessionId)) {
                        assertEquals("key\n", connection.exec("echo key").stdoutText());
                        assertTrue(connection.issuedCertificate().isEmpty());
                    }
                }
                assertEquals(0, gateway.certificatesMinted(sessionId), "nothing was minted");
            }
        }

        @Test
        void aHostNameHashedAsOpenSshDoesItMatches() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                KeyPair key = SshKeys.generate();
                String sessionId = sessionFor(gateway, key);
                Path file = knownHosts(hashed(sessionId) + " " + gateway.hostKeyLine(sessionId));
                try (SandboxSsh ssh = keyLogin(gateway, key, file, TransportKind.HTTP_CONNECT);
                     SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals(0, connection.exec("true").exitCode());
                }
            }
        }

        @Test
        void anUnlistedHostIsRefusedNeverTrustedOnFirstUse() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                KeyPair key = SshKeys.generate();
                String sessionId = sessionFor(gateway, key);
                Path file = knownHosts("other-host " + gateway.hostKeyLine(sessionId));
                try (SandboxSsh ssh = keyLogin(gateway, key, file, TransportKind.HTTP_CONNECT)) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("never trusted on first use"), refused.getMessage());
                    assertEquals(HostKeyRejectedException.Reason.UNKNOWN_HOST, refused.reason());
                    assertEquals(SshKeys.fingerprint(SshKeys.parsePublicKey(gateway.hostKeyLine(sessionId))),
                            refused.presentedKeyFingerprint().orElseThrow());
                }
                assertEquals(List.of("other-host " + gateway.hostKeyLine(sessionId)), Files.readAllLines(file),
                        "the file is not written to");
            }
        }

        @Test
        void anotherKeyForTheHostIsRefusedAsAPossibleImpostor() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                KeyPair key = SshKeys.generate();
                String sessionId = sessionFor(gateway, key);
                Path file = knownHosts(sessionId + " " + SshKeys.publicKeyLine(SshKeys.generate().getPublic()));
                try (SandboxSsh ssh = keyLogin(gateway, key, file, TransportKind.HTTP_CONNECT)) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("impostor"), refused.getMessage());
                    assertEquals(HostKeyRejectedException.Reason.KEY_CHANGED, refused.reason());
                }
            }
        }

        @Test
        void aRevokedHostKeyIsRefusedWhereverItsLineStands() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                KeyPair key = SshKeys.generate();
                String sessionId = sessionFor(gateway, key);
                String revoked = "@revoked * " + gateway.hostKeyLine(sessionId);
                String listed = sessionId + " " + gateway.hostKeyLine(sessionId);
                for (List<String> lines : List.of(List.of(revoked, listed), List.of(listed, revoked))) {
                    Path file = knownHosts(lines.toArray(String[]::new));
                    try (SandboxSsh ssh = keyLogin(gateway, key, file, TransportKind.HTTP_CONNECT)) {
                        HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                                () -> ssh.connect(sessionId), lines.toString());
                        assertTrue(refused.getMessage().contains("@revoked"), refused.getMessage());
                        assertEquals(HostKeyRejectedException.Reason.REVOKED, refused.reason());
                    }
                }
            }
        }

        @Test
        void aKeyTheSessionDoesNotListIsAnAuthenticationFailure() throws Exception {
            try (LocalGateway gateway = LocalGateway.builder().plainHostKeys().start()) {
                String sessionId = sessionFor(gateway, SshKeys.generate());
                Path file = knownHosts(sessionId + " " + gateway.hostKeyLine(sessionId));
                try (SandboxSsh ssh = keyLogin(gateway, SshKeys.generate(), file, TransportKind.HTTP_CONNECT)) {
                    assertThrows(AuthenticationException.class, () -> ssh.connect(sessionId));
                }
            }
        }
    }

    /** Key and certificate files for the session, signed by the gateway's user CA, and a login that reads them. */
    private SandboxSsh certificateLogin(LocalGateway gateway, String sessionId, Path knownHosts) throws Exception {
        KeyPair key = SshKeys.generate();
        Instant now = Instant.now();
        SshCertificate certificate = SshCertificate.parse(gateway.signUserCertificate(key.getPublic(),
                List.of(sessionId), now.minusSeconds(60), now.plus(Duration.ofMinutes(10))));
        Path keyFile = directory.resolve("id_ed25519");
        SshKeyFiles.write(new Credentials(gateway.sshUsername(), key, certificate), keyFile);
        return SandboxSsh.builder()
                .certificateLogin(FileCredentials.of(keyFile, gateway.sshUsername()))
                .endpoints(id -> endpoints(gateway, id))
                .knownHosts(knownHosts)
                .tunnelAuth(TunnelAuth.bearer(gateway.token()))
                .build();
    }

    @Nested
    class CertificateFromFiles {
        @Test
        void aKeyAndCertificateMadeElsewhereLogInAgainstACertAuthorityLine() throws Exception {
            try (LocalGateway gateway = LocalGateway.start()) {
                String sessionId = gateway.newSession();
                Path file = knownHosts("@cert-authority * " + PublicKeyEntry.toString(gateway.hostCaPublicKey()));
                try (SandboxSsh ssh = certificateLogin(gateway, sessionId, file);
                     SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals("cert\n", connection.exec("echo cert").stdoutText());
                }
                assertEquals(0, gateway.certificatesMinted(sessionId));
            }
        }

        @Test
        void aRevokedHostCaIsRefusedEvenAfterItsCertAuthorityLine() throws Exception {
            try (LocalGateway gateway = LocalGateway.start()) {
                String sessionId = gateway.newSession();
                String ca = PublicKeyEntry.toString(gateway.hostCaPublicKey());
                Path file = knownHosts("@cert-authority * " + ca, "@revoked * " + ca);
                try (SandboxSsh ssh = certificateLogin(gateway, sessionId, file)) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("@revoked"), refused.getMessage());
                }
            }
        }

        @Test
        void aHostCertificateFromACaTheFileDoesNotNameIsRefused() throws Exception {
            try (LocalGateway gateway = LocalGateway.start()) {
                String sessionId = gateway.newSession();
                Path file = knownHosts("@cert-authority * " + SshKeys.publicKeyLine(SshKeys.generate().getPublic()));
                try (SandboxSsh ssh = certificateLogin(gateway, sessionId, file)) {
                    HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                            () -> ssh.connect(sessionId));
                    assertTrue(refused.getMessage().contains("@cert-authority"), refused.getMessage());
                }
            }
        }
    }

    @Test
    void aGivenLoginNeedsEndpointsAndKnownHosts() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> SandboxSsh.builder()
                .keyLogin("sandbox", SshKeys.generate())
                .tunnelAuth(TunnelAuth.none())
                .build());
        assertTrue(missing.getMessage().contains("knownHosts"), missing.getMessage());
    }

    /** A host name as {@code ssh-keygen -H} writes it: {@code |1|salt|HMAC-SHA1(salt, name)}. */
    private static String hashed(String host) throws Exception {
        byte[] salt = new byte[20];
        new SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder base64 = Base64.getEncoder();
        return "|1|" + base64.encodeToString(salt) + "|" + base64.encodeToString(hash);
    }
}
