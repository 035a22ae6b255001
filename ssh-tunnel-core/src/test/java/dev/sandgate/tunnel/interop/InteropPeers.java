package dev.sandgate.tunnel.interop;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import dev.sandgate.cert.CertificateAuthority;
import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.Permissions;
import dev.sandgate.cert.SshKeyFiles;
import dev.sandgate.cert.SshKeyType;
import dev.sandgate.cert.SshKeys;

/**
 * The real third-party peers that {@code interop/start.sh} runs on 127.0.0.1 (OpenSSH sshd, tinyproxy, squid,
 * websockify), read from its {@code peers.properties}, and a stand-in for the sandbox API that mints with their CAs.
 * The directory comes from the system property {@code sandgate.interop.dir}.
 */
final class InteropPeers {
    /** The session id the stand-in API names; sshd A's host certificate lists it as a principal. */
    static final String SESSION_ID = "interop-session";

    private final Properties properties = new Properties();

    private InteropPeers(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
    }

    /**
     * Whether there are peers to test against: started by the scripts (the system property names their directory),
     * or startable as a container. The IT classes are disabled otherwise, as Testcontainers' own
     * {@code disabledWithoutDocker} would.
     */
    static boolean available() {
        return scriptsDirectory() != null || ContainerPeers.dockerAvailable();
    }

    private static String scriptsDirectory() {
        String dir = System.getProperty("sandgate.interop.dir");
        return dir == null || dir.isBlank() ? null : dir;
    }

    static InteropPeers load() throws IOException {
        String dir = scriptsDirectory();
        if (dir == null) {
            if (!ContainerPeers.dockerAvailable()) {
                throw new IllegalStateException("The interop suite needs running peers: run interop/run (or"
                        + " interop/start.sh DIR and pass -Dsandgate.interop.dir=DIR), or have a Docker engine");
            }
            dir = ContainerPeers.start().toString();
        }
        Path file = Path.of(dir, "peers.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No " + file + ": run interop/start.sh " + dir + " first");
        }
        return new InteropPeers(file);
    }

    String get(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("peers.properties has no " + key);
        }
        return value;
    }

    int port(String key) {
        return Integer.parseInt(get(key));
    }

    String user() {
        return get("user");
    }

    /** A user CA that sshd trusts: {@code ed25519}, {@code ecdsa} or {@code rsa}. */
    CertificateAuthority userCa(String type) throws IOException {
        return CertificateAuthority.of(SshKeyFiles.readKeyPair(Path.of(get("ca.user." + type))));
    }

    PublicKey hostCaKey() throws IOException {
        return SshKeys.parsePublicKey(Files.readString(Path.of(get("ca.host"))).trim());
    }

    /** CONNECT through squid to an sshd ({@code a} or {@code b}). */
    Endpoints squid(String sshd) {
        return connectVia("squid.port", sshd);
    }

    /** CONNECT through tinyproxy (basic auth) to an sshd. */
    Endpoints tinyproxy(String sshd) {
        return connectVia("tinyproxy.port", sshd);
    }

    /** A WebSocket through websockify to sshd A. */
    Endpoints websockify() {
        return new Endpoints(null, new Endpoints.WebSocket(URI.create("ws://127.0.0.1:" + port("websockify.port") + "/")));
    }

    /** E2B's recipe: a session's WebSocket URL, through websockify-plain (which serves any path) to sshd plain. */
    URI plainWebSocket(String sessionId) {
        return URI.create("ws://127.0.0.1:" + port("websockify.plain.port") + "/" + sessionId);
    }

    /** The plain user key that sshd plain's AuthorizedKeysFile lists. */
    KeyPair plainUserKey() throws IOException {
        return SshKeyFiles.readKeyPair(Path.of(get("user.key.plain")));
    }

    /** A host key from {@code host.key.pub} (sshd A's) or {@code host.plain.key.pub} (sshd plain's). */
    PublicKey hostKey(String key) throws IOException {
        return SshKeys.parsePublicKey(Files.readString(Path.of(get(key))).trim());
    }

    /** A CONNECT target naming sshd A, for {@code TransportKind.DIRECT}. */
    Endpoints direct(String sshd) {
        return connectVia("squid.port", sshd);
    }

    InetSocketAddress sshd(String which) {
        return new InetSocketAddress("127.0.0.1", port("sshd." + which + ".port"));
    }

    private Endpoints connectVia(String proxyPortKey, String sshd) {
        return new Endpoints(new Endpoints.Connect(URI.create("http://127.0.0.1:" + port(proxyPortKey)),
                "127.0.0.1:" + port("sshd." + sshd + ".port")), null);
    }

    /** A stand-in for the sandbox API: signs with {@code userCa} and names these endpoints and host CAs. */
    CertificateIssuer issuer(CertificateAuthority userCa, Endpoints endpoints, List<PublicKey> hostCaKeys) {
        return (sessionId, keyPair, ttl) -> {
            Instant now = Instant.now();
            Credentials credentials = new Credentials(user(), keyPair, userCa.signUser(keyPair.getPublic(),
                    "interop-" + sessionId, List.of(user()), now.minusSeconds(60), now.plus(ttl)));
            return new IssuedCertificate(credentials, now.plus(ttl.dividedBy(2)), hostCaKeys,
                    new Permissions(true, true, false), endpoints);
        };
    }

    /** A certificate cache over the stand-in API, minting keys of {@code keyType}. */
    CertificateCache certificates(String userCa, SshKeyType keyType, Endpoints endpoints) throws IOException {
        return CertificateCache.builder(issuer(userCa(userCa), endpoints, List.of(hostCaKey())))
                .keyType(keyType)
                .ttl(Duration.ofMinutes(10))
                .build();
    }
}
