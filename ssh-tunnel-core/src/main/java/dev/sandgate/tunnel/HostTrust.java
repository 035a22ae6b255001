package dev.sandgate.tunnel;

import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.AcceptNewHosts;
import dev.sandgate.tunnel.internal.ApiHostKeys;
import dev.sandgate.tunnel.internal.HostCheck;
import dev.sandgate.tunnel.internal.HostRefusal;
import dev.sandgate.tunnel.internal.KnownHosts;

/**
 * How the session's SSH server is recognised, before any credential is sent: a host is refused with
 * {@link HostKeyRejectedException} unless the policy vouches for its key.
 *
 * <pre>{@code
 * HostTrust api = HostTrust.fromApi();                                   // the default: what the mint answer names
 * HostTrust file = HostTrust.knownHosts(Path.of(home, ".ssh", "known_hosts"));
 * HostTrust tofu = HostTrust.acceptNew(Path.of(home, ".sandgate", "known_hosts"));  // opt-in only
 * SandboxSsh ssh = SandboxSsh.builder().apiUrl(url).token(token).hostTrust(file).build();
 * }</pre>
 */
public final class HostTrust {
    /** Makes one attempt's host check. */
    @FunctionalInterface
    private interface Checks {
        HostCheck check(String sessionId, Optional<IssuedCertificate> minted, Endpoints endpoints);
    }

    private final String shown;
    private final Checks checks;

    private HostTrust(String shown, Checks checks) {
        this.shown = shown;
        this.checks = checks;
    }

    /**
     * What the mint answer names: a host certificate signed by one of its host CA keys ({@code host_ca_public_keys}),
     * or a plain host key it pins ({@code host_public_keys}). Sandgate's default; with nothing minted, or nothing
     * named, every host is refused.
     *
     * @return a trust that reads the mint answer of each connect; nothing is kept between connects
     */
    public static HostTrust fromApi() {
        return new HostTrust("HostTrust.fromApi", (sessionId, minted, endpoints) -> new ApiHostKeys(
                minted.map(IssuedCertificate::hostCaKeys).orElse(List.of()),
                minted.map(IssuedCertificate::hostKeys).orElse(List.of())));
    }

    /**
     * An OpenSSH known_hosts file: plain keys, {@code @cert-authority} and {@code @revoked} lines, hashed names; read
     * anew for each connect and never written. A host it does not list is refused (as unknown, also when the file does
     * not exist yet). The host is named as {@link #acceptNew} names it: the CONNECT target, else the WebSocket URL's
     * host.
     *
     * @param file a known_hosts file in OpenSSH's format; a missing file refuses every host
     * @return a trust that reads {@code file} again at each connect
     */
    public static HostTrust knownHosts(Path file) {
        KnownHosts knownHosts = new KnownHosts(Objects.requireNonNull(file, "file"));
        return new HostTrust("HostTrust.knownHosts{" + file + "}", (sessionId, minted, endpoints) -> {
            String name = hostName(sessionId, endpoints);
            // the same name accept-new records under, so a file it wrote checks the same hosts afterwards
            return (host, port, serverKey) -> {
                HostRefusal refusal = knownHosts.refusal(KnownHosts.host(name), KnownHosts.port(name), serverKey);
                return refusal == null ? null : refusal.naming(name);
            };
        });
    }

    /**
     * OpenSSH's {@code StrictHostKeyChecking=accept-new}, with a known_hosts file that Sandgate owns: the first key a
     * host presents is recorded in {@code file} (created if absent) and accepted; a later different key is refused,
     * naming both fingerprints and the file. Never a default: choose it only where the first connection's path is
     * trusted. The host is named as the CONNECT target's host, or else the WebSocket URL's host (with its port when
     * not the scheme's default), so sessions behind one gateway share the gateway's key. Concurrent first connects,
     * in one JVM or several, record one key.
     *
     * @param file the file to record keys in
     * @return a trust that records first keys in {@code file} and checks later ones against it
     */
    public static HostTrust acceptNew(Path file) {
        return acceptNew(file, (host, key, recordedIn) -> { });
    }

    /**
     * {@link #acceptNew(Path)}, telling {@code recorded} each key it records, so that a tool can say what it now trusts
     * (as {@code ssh} prints "Permanently added ... to the list of known hosts").
     *
     * <pre>{@code
     * HostTrust.acceptNew(file, (host, key, in) ->
     *         System.err.println("Recorded " + host + "'s key " + SshKeys.fingerprint(key) + " in " + in));
     * }</pre>
     *
     * @param file     the file to record keys in
     * @param recorded told after each key is recorded and before the login goes on, on the tunnel's I/O thread
     *                 during the key exchange: keep it quick, and do not use the connection from it
     * @return a trust that records first keys in {@code file} and checks later ones against it
     */
    public static HostTrust acceptNew(Path file, KeyRecorded recorded) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(recorded, "recorded");
        return new HostTrust("HostTrust.acceptNew{" + file + "}", (sessionId, minted, endpoints) ->
                new AcceptNewHosts(file, hostName(sessionId, endpoints), recorded::recorded));
    }

    /** Hears {@link #acceptNew(Path, KeyRecorded)} record a host's first key. */
    @FunctionalInterface
    public interface KeyRecorded {
        /**
         * A host's first key was recorded.
         *
         * @param host the name it was recorded under: {@code host}, or {@code [host]:port}
         * @param key  the key (for a host certificate, the key it certifies)
         * @param file the known_hosts file that now holds it
         */
        void recorded(String host, PublicKey key, Path file);
    }

    /** The name accept-new records a host under, as a known_hosts line names it. */
    static String hostName(String sessionId, Endpoints endpoints) {
        if (endpoints.connect().isPresent()) {
            Endpoints.Connect connect = endpoints.connect().get();
            return connect.targetPort() == 22 ? connect.targetHost()
                    : "[" + connect.targetHost() + "]:" + connect.targetPort();
        }
        if (endpoints.webSocket().isPresent()) {
            URI url = endpoints.webSocket().get().url();
            // the scheme's own port, written or not, is one name: wss://gw and wss://gw:443 are the same gateway
            int defaultPort = "wss".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme())
                    ? 443 : 80;
            return url.getPort() < 0 || url.getPort() == defaultPort ? url.getHost()
                    : "[" + url.getHost() + "]:" + url.getPort();
        }
        return sessionId;
    }

    /**
     * This policy when the mint answer names host keys (a host CA or pinned keys), else {@code otherwise}: what
     * {@link SandboxSsh.Builder#knownHosts} sets.
     */
    HostTrust whenApiNamesNone(HostTrust otherwise) {
        return new HostTrust(shown + " else " + otherwise.shown, (sessionId, minted, endpoints) ->
                minted.isPresent() && !(minted.get().hostCaKeys().isEmpty() && minted.get().hostKeys().isEmpty())
                        ? checks.check(sessionId, minted, endpoints) : otherwise.checks.check(sessionId, minted, endpoints));
    }

    /** One attempt's host check. */
    HostCheck check(String sessionId, Optional<IssuedCertificate> minted, Endpoints endpoints) {
        return checks.check(sessionId, minted, endpoints);
    }

    @Override
    public String toString() {
        return shown;
    }
}
