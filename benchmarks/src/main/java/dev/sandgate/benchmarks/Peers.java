package dev.sandgate.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.FileCredentials;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TunnelAuth;

/**
 * The OpenSSH sshd, squid, tinyproxy and websockify that {@code interop/start.sh} runs, and a client key with a
 * user certificate for both clients (Sandgate and OpenSSH's own tools) made with {@code ssh-keygen}.
 */
final class Peers {
    /** The host certificate of sshd A lists this name, so both clients check the host under it. */
    static final String SESSION = "interop-session";

    /** One way to reach sshd A. */
    enum Route {
        DIRECT, SQUID, TINYPROXY, WEBSOCKIFY
    }

    private final Properties properties = new Properties();
    private final Path key;

    Peers(Path directory, Path work) throws IOException, InterruptedException {
        try (Reader reader = Files.newBufferedReader(directory.resolve("peers.properties"))) {
            properties.load(reader);
        }
        key = work.resolve("id_ed25519");
        Files.deleteIfExists(key);
        Files.deleteIfExists(Path.of(key + ".pub"));
        Files.deleteIfExists(Path.of(key + "-cert.pub"));
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sandgate-bench", "-f", key.toString()));
        run(List.of("ssh-keygen", "-q", "-s", get("ca.user.ed25519"), "-I", "sandgate-bench", "-n", get("user"),
                "-V", "-5m:+12h", key + ".pub"));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        runBounded(command, Duration.ofMinutes(1));
    }

    /**
     * Runs a client tool to its end, within {@code limit}: one that takes longer is killed and fails the run, so a
     * hung peer cannot hold the benchmark forever. Its output (with its errors) goes to a file that a failure quotes.
     */
    static void runBounded(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path output = Files.createTempFile("sandgate-bench-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            boolean finished = false;
            try {
                finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                if (!finished) {
                    // its ssh and ProxyCommand too, which would otherwise keep running on the same cores
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (!finished) {
                // not the command line: a ProxyCommand in it may carry the proxy's password
                throw new IOException(command.get(0) + " did not finish within " + limit);
            }
            if (process.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed with exit status " + process.exitValue() + ": "
                        + Files.readString(output));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    String get(String name) {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("peers.properties has no " + name);
        }
        return value;
    }

    int port(String name) {
        return Integer.parseInt(get(name));
    }

    String user() {
        return get("user");
    }

    Path key() {
        return key;
    }

    /** The same key and certificate as MINA's client takes them, for the stock-client reference. */
    KeyPair identity() throws IOException {
        Credentials credentials = FileCredentials.of(key, user()).current();
        return new KeyPair(credentials.certificate().asOpenSshCertificate(), credentials.keyPair().getPrivate());
    }

    /** A Sandgate client for the route, logging in with the certificate and checking the host against known_hosts. */
    SandboxSsh sandgate(Route route) {
        String target = "127.0.0.1:" + port("sshd.a.port");
        URI squid = URI.create("http://127.0.0.1:" + port("squid.port"));
        URI tinyproxy = URI.create("http://127.0.0.1:" + port("tinyproxy.port"));
        URI websockify = URI.create("ws://127.0.0.1:" + port("websockify.port") + "/");
        SandboxSsh.Builder builder = SandboxSsh.builder()
                .certificateLogin(FileCredentials.of(key, user()))
                .knownHosts(Path.of(get("known_hosts")));
        switch (route) {
            case DIRECT:
                return builder.endpoints(id -> new Endpoints(new Endpoints.Connect(squid, target), null))
                        .tunnelAuth(TunnelAuth.none()).transport(TransportKind.DIRECT).build();
            case SQUID:
                return builder.endpoints(id -> new Endpoints(new Endpoints.Connect(squid, target), null))
                        .tunnelAuth(TunnelAuth.none()).transport(TransportKind.HTTP_CONNECT).build();
            case TINYPROXY:
                return builder.endpoints(id -> new Endpoints(new Endpoints.Connect(tinyproxy, target), null))
                        .tunnelAuth(TunnelAuth.basic(get("tinyproxy.user"), get("tinyproxy.password")))
                        .transport(TransportKind.HTTP_CONNECT).build();
            case WEBSOCKIFY:
                return builder.endpoints(id -> new Endpoints(null, new Endpoints.WebSocket(websockify)))
                        .tunnelAuth(TunnelAuth.none()).transport(TransportKind.WEB_SOCKET).build();
            default:
                throw new IllegalArgumentException(route.name());
        }
    }

    /** OpenSSH's options for the route: the same key, certificate, known_hosts and cipher, and a ProxyCommand. */
    List<String> openSshOptions(Route route, String cipher, Path scripts) {
        List<String> options = new java.util.ArrayList<>(List.of("-F", "none", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + get("known_hosts"),
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "HostKeyAlias=" + SESSION,
                "-o", "Ciphers=" + cipher, "-o", "KexAlgorithms=" + SftpBenchmark.KEX, "-i", key.toString(),
                "-o", "CertificateFile=" + key + "-cert.pub", "-o", "Port=" + get("sshd.a.port")));
        String proxy = null;
        String sshd = get("sshd.a.port");
        switch (route) {
            case SQUID:
                proxy = scripts.resolve("http_connect_proxycmd.py") + " " + get("squid.port") + " 127.0.0.1 " + sshd;
                break;
            case TINYPROXY:
                proxy = scripts.resolve("http_connect_proxycmd.py") + " " + get("tinyproxy.port") + " 127.0.0.1 "
                        + sshd + " " + get("tinyproxy.user") + ":" + get("tinyproxy.password");
                break;
            case WEBSOCKIFY:
                proxy = scripts.resolve("websocket_proxycmd.py") + " " + get("websockify.port");
                break;
            default:
        }
        if (proxy != null) {
            options.add("-o");
            options.add("ProxyCommand=" + proxy);
        }
        return options;
    }

    InetSocketAddress sshd() {
        return new InetSocketAddress("127.0.0.1", port("sshd.a.port"));
    }
}
