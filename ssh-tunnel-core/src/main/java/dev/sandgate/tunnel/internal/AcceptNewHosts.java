package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandgate.tunnel.HostKeyRejectedException.Reason;

/**
 * OpenSSH's {@code StrictHostKeyChecking=accept-new} over a known_hosts file Sandgate owns: a host it does not list
 * has its key recorded and accepted; a host it lists with other keys is refused. The check and the record happen
 * under one lock, in this JVM (one monitor per file) and across processes (a lock on a sibling {@code .lock} file),
 * and the file is replaced whole by an atomic move, so concurrent first connects record one key and never leave a
 * torn file. A host certificate counts by the plain key it certifies. Not API.
 */
public final class AcceptNewHosts implements HostCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptNewHosts.class);
    private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path file;
    private final String hostName;
    private final Recorded recorded;

    /** Hears a key recorded. */
    @FunctionalInterface
    public interface Recorded {
        /**
         * @param hostName the name recorded under
         * @param key      the key
         * @param file     the file
         */
        void recorded(String hostName, PublicKey key, Path file);
    }

    /**
     * @param file     the known_hosts file to check and record in
     * @param hostName the name the host is recorded under ({@code host}, or {@code [host]:port})
     * @param recorded told after a key is recorded, outside the lock
     */
    public AcceptNewHosts(Path file, String hostName, Recorded recorded) {
        this.file = file.toAbsolutePath().normalize();
        this.hostName = hostName;
        this.recorded = recorded;
    }

    /** Checks by {@link #hostName}: the address MINA connected to is a label of the tunnel, not the host's name. */
    @Override
    public HostRefusal refusal(String host, int port, PublicKey serverKey) {
        PublicKey plain = serverKey instanceof OpenSshCertificate
                ? ((OpenSshCertificate) serverKey).getCertPubKey() : serverKey;
        Outcome outcome;
        synchronized (MONITORS.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel channel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = channel.lock()) {
                    outcome = checkOrRecord(plain);
                }
            } catch (IOException | RuntimeException e) {
                return new HostRefusal(Reason.TRUST_FILE_FAILED, "the known_hosts file " + file
                        + " could not be read or written (" + e + ")");
            }
        }
        if (outcome.recorded()) {
            try {
                recorded.recorded(hostName, plain, file);
            } catch (RuntimeException e) {
                // the key is recorded and the host accepted; a listener that fails changes neither
                LOG.warn("A listener of recorded host keys failed for {}", hostName, e);
            }
        }
        return outcome.refusal() == null ? null : outcome.refusal().naming(hostName);
    }

    /** A refusal, or null and whether the key was recorded just now. */
    private record Outcome(HostRefusal refusal, boolean recorded) {
        static final Outcome KNOWN = new Outcome(null, false);
        static final Outcome RECORDED = new Outcome(null, true);

        static Outcome refused(HostRefusal refusal) {
            return new Outcome(refusal, false);
        }
    }

    private Outcome checkOrRecord(PublicKey plain) throws IOException {
        KnownHosts known = new KnownHosts(file);
        if (Files.exists(file)) {
            if (known.revoked(hostName, plain)) {
                return Outcome.refused(new HostRefusal(Reason.REVOKED, "the known_hosts file " + file
                        + " marks the key " + KeyUtils.getFingerPrint(plain) + " of " + hostName + " as @revoked"));
            }
            List<PublicKey> listed = known.plainKeys(hostName);
            if (listed.stream().anyMatch(key -> KeyUtils.compareKeys(key, plain))) {
                return Outcome.KNOWN;
            }
            if (!listed.isEmpty()) {
                return Outcome.refused(new HostRefusal(Reason.KEY_CHANGED, "the host key of " + hostName
                        + " has changed: " + file + " recorded " + listed.stream().map(KeyUtils::getFingerPrint).collect(Collectors.joining(", "))
                        + " when it was first seen, and the server now offers " + KeyUtils.getFingerPrint(plain)
                        + ". The host may have been rebuilt, or this is an impostor; if the change is expected, remove"
                        + " the line for " + hostName + " from " + file));
            }
        }
        record(plain);
        return Outcome.RECORDED;
    }

    /** Appends one line by writing the whole file anew and moving it into place: a reader sees the old or the new. */
    private void record(PublicKey plain) throws IOException {
        byte[] old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        String separator = old.length == 0 || old[old.length - 1] == '\n' ? "" : "\n";
        String line = separator + hostName + " " + PublicKeyEntry.toString(plain) + "\n";
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, old);
            Files.write(temporary, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public String toString() {
        return "AcceptNewHosts{" + file + ", " + hostName + "}";
    }
}
