package dev.sandgate.tunnel.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sandgate.cert.CertificateAuthority;
import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.SshKeyType;
import dev.sandgate.tunnel.AuthenticationException;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.NoCommonAlgorithmException;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;

/**
 * Sandgate's public API against infrastructure nobody here wrote: OpenSSH 9.2's sshd (user CAs, host certificates),
 * squid and tinyproxy (HTTP CONNECT), and websockify (WebSocket), all on 127.0.0.1, started by
 * {@code interop/start.sh} on the machine, or in a container where a Docker engine exists ({@link ContainerPeers});
 * disabled when there is neither.
 */
@EnabledIf(value = "dev.sandgate.tunnel.interop.InteropPeers#available",
        disabledReason = "no interop peers: run interop/run, or give a Docker engine")
class OpenSshInteropIT {
    private static InteropPeers peers;

    @BeforeAll
    static void peers() throws IOException {
        peers = InteropPeers.load();
    }

    /** The ways to reach sshd A. */
    enum Path {
        SQUID, TINYPROXY, WEBSOCKIFY, DIRECT;

        Endpoints endpoints() {
            switch (this) {
                case SQUID: return peers.squid("a");
                case TINYPROXY: return peers.tinyproxy("a");
                case WEBSOCKIFY: return peers.websockify();
                default: return peers.direct("a");
            }
        }

        TransportKind transport() {
            switch (this) {
                case WEBSOCKIFY: return TransportKind.WEB_SOCKET;
                case DIRECT: return TransportKind.DIRECT;
                default: return TransportKind.HTTP_CONNECT;
            }
        }

        TunnelAuth auth() {
            return this == TINYPROXY ? TunnelAuth.basic(peers.get("tinyproxy.user"), peers.get("tinyproxy.password"))
                    : TunnelAuth.none();
        }

        SandboxSsh ssh(CertificateCache certificates) {
            return builder(certificates).transport(transport()).build();
        }

        /** Over a transport of the test's own, which the test closes. */
        SandboxSsh ssh(CertificateCache certificates, Transport transport) {
            return builder(certificates).transport(transport).build();
        }

        private SandboxSsh.Builder builder(CertificateCache certificates) {
            return SandboxSsh.builder()
                    .certificateCache(certificates)
                    .tunnelAuth(auth())
                    .connectTimeout(Duration.ofSeconds(20));
        }

        SandboxSsh ssh() throws IOException {
            return ssh(peers.certificates("ed25519", SshKeyType.ED25519, endpoints()));
        }
    }

    static List<Arguments> caAndKeyTypes() {
        List<Arguments> all = new java.util.ArrayList<>();
        for (String ca : List.of("ed25519", "ecdsa", "rsa")) {
            for (SshKeyType type : SshKeyType.values()) {
                all.add(Arguments.of(ca, type));
            }
        }
        return all;
    }

    @Nested
    class Login {
        @ParameterizedTest(name = "user CA {0}, client key {1}")
        @MethodSource("dev.sandgate.tunnel.interop.OpenSshInteropIT#caAndKeyTypes")
        void aCertificateFromEachTrustedCaLogsIn(String ca, SshKeyType keyType) throws Exception {
            try (SandboxSsh ssh = Path.SQUID.ssh(peers.certificates(ca, keyType, Path.SQUID.endpoints()));
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals(peers.user() + "\n", connection.exec("whoami").stdoutText());
            }
        }

        @ParameterizedTest
        @EnumSource(Path.class)
        void execReturnsOutputStderrAndExitCodeOnEveryPath(Path path) throws Exception {
            try (SandboxSsh ssh = path.ssh(); SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                ExecResult result = connection.exec("echo out; echo err >&2; exit 3");
                assertEquals(3, result.exitCode());
                assertEquals("out\n", result.stdoutText());
                assertEquals("err\n", result.stderrText());
                ClientSession session = connection.clientSession();
                System.out.printf("interop %s: kex %s, cipher %s, server %s%n", path,
                        session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS),
                        session.getNegotiatedKexParameter(KexProposalOption.C2SENC), session.getServerVersion());
                assertEquals("curve25519-sha256", session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS),
                        "OpenSSH 9.2 has no ML-KEM; X25519 comes before the slow sntrup761");
                assertEquals(aesInHardware() ? "aes128-gcm@openssh.com" : "chacha20-poly1305@openssh.com",
                        session.getNegotiatedKexParameter(KexProposalOption.C2SENC));
            }
        }

        @Test
        void websockifyAcceptsTheBinarySubprotocolWhenOffered() throws Exception {
            CertificateCache certificates = peers.certificates("ed25519", SshKeyType.ED25519, Path.WEBSOCKIFY.endpoints());
            try (Transport webSocket = Transport.webSocket(dev.sandgate.tunnel.TransportOptions.builder()
                    .webSocketSubprotocols("binary").build());
                 SandboxSsh ssh = Path.WEBSOCKIFY.ssh(certificates, webSocket);
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals("ok\n", connection.exec("echo ok").stdoutText());
            }
        }

        @Test
        void tinyproxysBasicChallengeIsAnsweredOnce() throws Exception {
            CertificateCache certificates = peers.certificates("ed25519", SshKeyType.ED25519, Path.TINYPROXY.endpoints());
            try (SandboxSsh ssh = SandboxSsh.builder()
                    .certificateCache(certificates)
                    .tunnelAuth(TunnelAuth.basicWhenChallenged(peers.get("tinyproxy.user"), peers.get("tinyproxy.password")))
                    .build();
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals("ok\n", connection.exec("echo ok").stdoutText());
            }
        }
    }

    @Nested
    class HostCertificates {
        @Test
        void aHostCertificateWithoutPrincipalsIsAccepted() throws Exception {
            try (SandboxSsh ssh = Path.SQUID.ssh(peers.certificates("ed25519", SshKeyType.ED25519, peers.squid("b")));
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals(0, connection.exec("true").exitCode());
            }
        }

        @Test
        void aHostCaTheApiDidNotNameIsRefused() throws Exception {
            CertificateCache certificates = CertificateCache.builder(peers.issuer(peers.userCa("ed25519"),
                    Path.SQUID.endpoints(), List.of(CertificateAuthority.generate().publicKey()))).build();
            try (SandboxSsh ssh = Path.SQUID.ssh(certificates)) {
                HostKeyRejectedException refused = assertThrows(HostKeyRejectedException.class,
                        () -> ssh.connect(InteropPeers.SESSION_ID));
                assertTrue(refused.getMessage().contains("not among"), refused.getMessage());
            }
        }
    }

    /** Sandgate's strict defaults against an OpenSSH that offers only what they refuse. */
    @Nested
    class WeakCrypto {
        private SandboxSsh direct(String sshd, CertificateCache certificates, boolean legacy) {
            SandboxSsh.Builder builder = SandboxSsh.builder()
                    .certificateCache(certificates)
                    .tunnelAuth(TunnelAuth.none())
                    .transport(TransportKind.DIRECT)
                    .connectTimeout(Duration.ofSeconds(20));
            return (legacy ? builder.legacyAlgorithms() : builder).build();
        }

        @Test
        void anSshdOfferingOnlySha1AndCbcIsRefusedNamingItsOffers() throws Exception {
            CertificateCache certificates = peers.certificates("ed25519", SshKeyType.ED25519, peers.direct("weak"));
            try (SandboxSsh ssh = direct("weak", certificates, false)) {
                NoCommonAlgorithmException refused = assertThrows(NoCommonAlgorithmException.class,
                        () -> ssh.connect(InteropPeers.SESSION_ID));
                assertTrue(refused.getMessage().contains("diffie-hellman-group14-sha1"), refused.getMessage());
                assertTrue(refused.getMessage().contains("legacyAlgorithms"), refused.getMessage());
            }
            try (SandboxSsh ssh = direct("weak", certificates, true);
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals(peers.user() + "\n", connection.exec("whoami").stdoutText(), "legacyAlgorithms() reaches it");
                assertEquals("aes128-cbc", connection.clientSession().getNegotiatedKexParameter(KexProposalOption.C2SENC));
            }
        }

        @Test
        void aHostCertificateSignedWithSha1IsRefused() throws Exception {
            PublicKey rsaHostCa = dev.sandgate.cert.SshKeys.parsePublicKey(
                    java.nio.file.Files.readString(java.nio.file.Path.of(peers.get("ca.host.rsa"))).trim());
            CertificateCache certificates = CertificateCache.builder(peers.issuer(peers.userCa("ed25519"),
                    peers.direct("sha1"), List.of(rsaHostCa))).build();
            try (SandboxSsh ssh = direct("sha1", certificates, false)) {
                assertThrows(HostKeyRejectedException.class, () -> ssh.connect(InteropPeers.SESSION_ID));
            }
            try (SandboxSsh ssh = direct("sha1", certificates, true);
                 SshConnection connection = ssh.connect(InteropPeers.SESSION_ID)) {
                assertEquals(0, connection.exec("true").exitCode(), "legacyAlgorithms() accepts it");
            }
        }
    }

    @Nested
    class Refusals {
        @Test
        void aUserCaSshdDoesNotTrustIsAnAuthenticationFailure() throws Exception {
            CertificateCache certificates = CertificateCache.builder(peers.issuer(CertificateAuthority.generate(),
                    Path.SQUID.endpoints(), List.of(peers.hostCaKey()))).build();
            try (SandboxSsh ssh = Path.SQUID.ssh(certificates)) {
                assertThrows(AuthenticationException.class, () -> ssh.connect(InteropPeers.SESSION_ID));
            }
        }

        @Test
        void wrongProxyCredentialsAreAnUnauthorizedRefusal() throws Exception {
            CertificateCache certificates = peers.certificates("ed25519", SshKeyType.ED25519, Path.TINYPROXY.endpoints());
            for (TunnelAuth auth : List.of(TunnelAuth.basic(peers.get("tinyproxy.user"), "wrong-password"),
                    TunnelAuth.none())) {
                try (SandboxSsh ssh = SandboxSsh.builder().certificateCache(certificates).tunnelAuth(auth).build()) {
                    TunnelRefusedException refused = assertThrows(TunnelRefusedException.class,
                            () -> ssh.connect(InteropPeers.SESSION_ID));
                    assertEquals(Refusal.UNAUTHORIZED, refused.refusal(), refused.getMessage());
                    assertFalse(refused.getMessage().contains("wrong-password"), refused.getMessage());
                }
            }
        }

        @Test
        void anSshServerThatIsDownBehindTheProxyIsUnavailable() throws Exception {
            Endpoints toClosedPort = new Endpoints(new Endpoints.Connect(
                    URI.create("http://127.0.0.1:" + peers.port("squid.port")), "127.0.0.1:" + peers.port("closed.port")),
                    null);
            try (SandboxSsh ssh = Path.SQUID.ssh(peers.certificates("ed25519", SshKeyType.ED25519, toClosedPort))) {
                TunnelRefusedException refused = assertThrows(TunnelRefusedException.class,
                        () -> ssh.connect(InteropPeers.SESSION_ID));
                assertEquals(Refusal.UNAVAILABLE, refused.refusal(), refused.getMessage());
                assertEquals(503, refused.status(), "squid's answer when it cannot connect");
            }
        }

        @Test
        void aDeadProxyIsATunnelFailureNamingIt() throws Exception {
            int closed = peers.port("closed.port");
            Endpoints deadProxy = new Endpoints(new Endpoints.Connect(URI.create("http://127.0.0.1:" + closed),
                    "127.0.0.1:" + peers.port("sshd.a.port")), null);
            try (SandboxSsh ssh = Path.SQUID.ssh(peers.certificates("ed25519", SshKeyType.ED25519, deadProxy))) {
                TunnelException failed = assertThrows(TunnelException.class, () -> ssh.connect(InteropPeers.SESSION_ID));
                assertFalse(failed instanceof TunnelRefusedException, failed.toString());
                assertTrue(failed.getMessage().contains("127.0.0.1:" + closed), failed.getMessage());
            }
        }

        @Test
        void aHostNameTheHostCertificateDoesNotListIsAHostKeyRefusal() throws Exception {
            Endpoints wrongName = new Endpoints(new Endpoints.Connect(
                    URI.create("http://127.0.0.1:" + peers.port("squid.port")), "not-a-principal:22"), null);
            CertificateCache certificates = peers.certificates("ed25519", SshKeyType.ED25519, wrongName);
            try (Transport direct = Transport.direct(peers.sshd("a"), dev.sandgate.tunnel.TransportOptions.defaults());
                 SandboxSsh ssh = Path.SQUID.ssh(certificates, direct)) {
                assertThrows(HostKeyRejectedException.class, () -> ssh.connect(InteropPeers.SESSION_ID));
            }
        }
    }

    @Nested
    class Sftp {
        @ParameterizedTest
        @EnumSource(Path.class)
        void a64MiBRoundTripKeepsEveryByte(Path path) throws Exception {
            byte[] data = new byte[64 * 1024 * 1024];
            new Random(path.ordinal()).nextBytes(data);
            String name = "sandgate-it-" + path.name().toLowerCase() + ".bin";
            try (SandboxSsh ssh = path.ssh(); SshConnection connection = ssh.connect(InteropPeers.SESSION_ID);
                 SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.clientSession())) {
                try (OutputStream out = sftp.write(name)) {
                    for (int offset = 0; offset < data.length; offset += 256 * 1024) {
                        out.write(data, offset, 256 * 1024);
                    }
                }
                assertEquals(sha256(data), connection.exec("sha256sum " + name + " | cut -d' ' -f1").stdoutText().trim(),
                        "what sshd stored");
                byte[] back;
                try (InputStream in = sftp.read(name)) {
                    back = in.readAllBytes();
                }
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                        MessageDigest.getInstance("SHA-256").digest(back), "what came back");
                sftp.remove(name);
            }
        }
    }

    private static boolean aesInHardware() {
        return Boolean.parseBoolean(java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("UseAES").getValue());
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
