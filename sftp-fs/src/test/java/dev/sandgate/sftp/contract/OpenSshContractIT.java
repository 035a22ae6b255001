package dev.sandgate.sftp.contract;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.sandgate.cert.CertificateAuthority;
import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SshKeyFiles;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TunnelAuth;

/**
 * The contract on sftp-fs against OpenSSH's own SFTP server (sshd A of the interop peers, {@code internal-sftp}),
 * through squid's CONNECT tunnel. Runs in the interop suite: {@code interop/run}, or {@code -Pinterop
 * -Dsandgate.interop.dir=DIR} after {@code interop/start.sh DIR}.
 */
@EnabledIfSystemProperty(named = "sandgate.interop.dir", matches = ".+")
class OpenSshContractIT extends FileSystemContract {
    /** The session id whose name sshd A's host certificate lists as a principal. */
    private static final String SESSION_ID = "interop-session";

    private static SandboxSsh ssh;
    private static SshConnection connection;
    private static FileSystem files;
    private static Path root;

    @BeforeAll
    static void open() throws IOException {
        Properties peers = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(System.getProperty("sandgate.interop.dir"),
                "peers.properties"))) {
            peers.load(reader);
        }
        String user = peers.getProperty("user");
        CertificateAuthority userCa = CertificateAuthority.of(
                SshKeyFiles.readKeyPair(Path.of(peers.getProperty("ca.user.ed25519"))));
        Endpoints squid = new Endpoints(new Endpoints.Connect(
                URI.create("http://127.0.0.1:" + peers.getProperty("squid.port")),
                "127.0.0.1:" + peers.getProperty("sshd.a.port")), null);
        // a stand-in for the sandbox API: mints with the user CA sshd trusts and names the host CA that signed sshd
        CertificateIssuer issuer = (sessionId, keyPair, ttl) -> {
            Instant now = Instant.now();
            Credentials credentials = new Credentials(user, keyPair, userCa.signUser(keyPair.getPublic(),
                    "contract-" + sessionId, List.of(user), now.minusSeconds(60), now.plus(ttl)));
            return new IssuedCertificate(credentials, now.plus(ttl.dividedBy(2)),
                    List.of(SshKeys.parsePublicKey(Files.readString(Path.of(peers.getProperty("ca.host"))).trim())),
                    new Permissions(true, true, false), squid);
        };
        ssh = SandboxSsh.builder()
                .certificateCache(CertificateCache.builder(issuer).ttl(Duration.ofMinutes(10)).build())
                .tunnelAuth(TunnelAuth.none())
                .build();
        connection = ssh.connect(SESSION_ID);
        files = SandboxFileSystems.open(connection);
        root = Files.createDirectory(files.getPath("contract-" + UUID.randomUUID()));
    }

    @AfterAll
    static void close() throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } finally {
            files.close();
            connection.close();
            ssh.close();
        }
    }

    @Override
    protected Path newDirectory() throws IOException {
        return Files.createDirectory(root.resolve(UUID.randomUUID().toString()));
    }

    /** OpenSSH's server offers {@code statvfs@openssh.com}, so disk space is there; the rest is SFTP v3's. */
    @Override
    protected Set<Deviation> deviations() {
        EnumSet<Deviation> deviations = EnumSet.allOf(Deviation.class);
        deviations.remove(Deviation.SPACE_NEEDS_STATVFS);
        deviations.remove(Deviation.NUMERIC_OWNERS); // OpenSSH 9.2 names ids through users-groups-by-id@openssh.com
        return deviations;
    }
}
