package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.config.hosts.HostPatternValue;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import dev.sandgate.tunnel.HostKeyRejectedException.Reason;

/**
 * An OpenSSH known_hosts file as a host check: plain host keys, {@code @cert-authority} lines for host
 * certificates, {@code @revoked} lines, host patterns, {@code [host]:port} and hashed names. A host it does not
 * list is refused: nothing is ever trusted on first use. Read anew for each check, so edits apply at once. Not API.
 */
public final class KnownHosts implements HostCheck {
    private final Path file;

    public KnownHosts(Path file) {
        this.file = file;
    }

    /** Why the server's key is not accepted for {@code host:port}, or null when a line vouches for it. */
    @Override
    public HostRefusal refusal(String host, int port, PublicKey serverKey) {
        List<KnownHostEntry> entries;
        try {
            // a file not yet written lists no host, as OpenSSH takes it: the host is unknown, not the file broken
            entries = entries();
        } catch (IOException | RuntimeException e) {
            return new HostRefusal(Reason.TRUST_FILE_FAILED, "the known_hosts file " + file + " could not be read ("
                    + e.getMessage() + ")");
        }
        String name = port == 22 ? host : "[" + host + "]:" + port;
        boolean certificate = serverKey instanceof OpenSshCertificate;
        PublicKey ca = certificate ? ((OpenSshCertificate) serverKey).getCaPubKey() : null;
        PublicKey plain = certificate ? ((OpenSshCertificate) serverKey).getCertPubKey() : serverKey;
        // revocation first, wherever its line stands: OpenSSH refuses a revoked key or CA whatever else vouches for it
        for (KnownHostEntry entry : entries) {
            PublicKey key = matches(entry, host, port) ? key(entry) : null;
            if (key != null && "revoked".equals(entry.getMarker()) && (same(key, plain) || same(key, ca))) {
                return new HostRefusal(Reason.REVOKED, "the known_hosts file " + file + " marks the key "
                        + KeyUtils.getFingerPrint(key) + " of " + name + " as @revoked");
            }
        }
        boolean listedWithOtherKey = false;
        for (KnownHostEntry entry : entries) {
            PublicKey key = matches(entry, host, port) ? key(entry) : null;
            if (key == null) {
                continue;
            }
            String marker = entry.getMarker();
            if (certificate && "cert-authority".equals(marker) && same(key, ca)) {
                return null;
            }
            if (!certificate && marker == null) {
                if (same(key, plain)) {
                    return null;
                }
                listedWithOtherKey = true;
            }
        }
        if (certificate) {
            return new HostRefusal(Reason.NOT_TRUSTED, "the server's host certificate was signed by CA "
                    + KeyUtils.getFingerPrint(ca) + ", which no @cert-authority line of " + file + " names for " + name);
        }
        if (listedWithOtherKey) {
            return new HostRefusal(Reason.KEY_CHANGED, "the host key of " + name + " is not the one " + file
                    + " lists for it: it may have been replaced, or this is an impostor (the server offered "
                    + KeyUtils.getFingerPrint(plain) + ")");
        }
        return new HostRefusal(Reason.UNKNOWN_HOST, name + " is not in " + file + ", and a host is never trusted on"
                + " first use: add its key (" + KeyUtils.getKeyType(plain) + " " + KeyUtils.getFingerPrint(plain)
                + ") once you have checked it");
    }

    /**
     * The plain keys (no marker) the file lists for a host, or none when the file does not exist.
     *
     * @param name the host as a known_hosts line names it: {@code host}, or {@code [host]:port}
     */
    List<PublicKey> plainKeys(String name) throws IOException {
        List<PublicKey> keys = new java.util.ArrayList<>();
        for (KnownHostEntry entry : entries()) {
            PublicKey key = entry.getMarker() == null && matches(entry, host(name), port(name)) ? key(entry) : null;
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Whether an {@code @revoked} line for the host names this key. */
    boolean revoked(String name, PublicKey plain) throws IOException {
        for (KnownHostEntry entry : entries()) {
            PublicKey key = "revoked".equals(entry.getMarker()) && matches(entry, host(name), port(name))
                    ? key(entry) : null;
            if (same(key, plain)) {
                return true;
            }
        }
        return false;
    }

    private List<KnownHostEntry> entries() throws IOException {
        return java.nio.file.Files.exists(file) ? KnownHostEntry.readKnownHostEntries(file) : List.of();
    }

    /**
     * The host of a known_hosts name.
     *
     * @param name {@code host}, or {@code [host]:port}
     * @return the host
     */
    public static String host(String name) {
        return name.startsWith("[") ? name.substring(1, name.indexOf(']')) : name;
    }

    /**
     * The port of a known_hosts name: 22 unless it says {@code [host]:port}.
     *
     * @param name {@code host}, or {@code [host]:port}
     * @return the port
     */
    public static int port(String name) {
        return name.startsWith("[") ? Integer.parseInt(name.substring(name.indexOf("]:") + 2)) : 22;
    }

    /**
     * Whether the line names the host, as OpenSSH decides: each pattern is matched against the name, which is
     * {@code host} on port 22 and {@code [host]:port} elsewhere, so {@code *} vouches for every port (MINA's own
     * matcher tries a pattern without a port only on port 22), and a matching negated pattern excludes the host.
     */
    private static boolean matches(KnownHostEntry entry, String host, int port) {
        if (entry.getHashedEntry() != null) {
            return entry.isHostMatch(host, port);
        }
        String name = port == 22 ? host : "[" + host + "]:" + port;
        boolean matched = false;
        for (HostPatternValue pattern : entry.getPatterns()) {
            boolean hit = pattern.getPort() > 0
                    ? pattern.getPort() == port && pattern.getPattern().matcher(host).matches()
                    : pattern.getPattern().matcher(name).matches();
            if (hit && pattern.isNegated()) {
                return false;
            }
            matched |= hit;
        }
        return matched;
    }

    private static PublicKey key(KnownHostEntry entry) {
        try {
            return entry.getKeyEntry() == null ? null
                    : entry.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException | RuntimeException unusable) {
            return null;
        }
    }

    private static boolean same(PublicKey a, PublicKey b) {
        return a != null && b != null && KeyUtils.compareKeys(a, b);
    }

    @Override
    public String toString() {
        return "KnownHosts{" + file + "}";
    }
}
