package dev.sandgate.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.SshKeyFiles;
import dev.sandgate.cert.SshKeys;

/**
 * The files OpenSSH needs for one session, in {@code DIR/<session id>/}: {@code key} (0600), {@code key.pub},
 * {@code key-cert.pub}, {@code known_hosts} with an {@code @cert-authority} line per host CA (with Tenki, which names
 * none: the gateway's recorded key, written by {@link #writeHostKey}), {@code grant}
 * (0600: what the proxy needs, see {@link Grant}) and {@code renew-after} (epoch seconds, read by the generated
 * config's shell check before each {@code ssh}, so that no JVM starts while the certificate is fresh).
 *
 * <p>Renewal takes a lock on {@code DIR/<session id>/.lock} and looks again once it holds it, so concurrent
 * {@code ssh} runs mint once; {@code renew-after} is written last, so a reader that sees it fresh sees the files it
 * vouches for.
 */
final class SessionFiles {
    /** The lifetime asked for when the command line names none and none was asked for before. */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private final Path root;

    SessionFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path directory(String sessionId) {
        return root.resolve(SandboxSession.requireValidId(sessionId));
    }

    Path key(String sessionId) {
        return directory(sessionId).resolve("key");
    }

    Path certificate(String sessionId) {
        return SshKeyFiles.certificatePath(key(sessionId));
    }

    Path knownHosts(String sessionId) {
        return directory(sessionId).resolve("known_hosts");
    }

    Path renewAfterFile(String sessionId) {
        return directory(sessionId).resolve("renew-after");
    }

    private Path grantFile(String sessionId) {
        return directory(sessionId).resolve("grant");
    }

    /** The sessions that have files here, in name order. */
    List<String> sessions() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> sessions = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(entry -> Files.isRegularFile(entry.resolve("grant")))
                    .forEach(entry -> sessions.add(entry.getFileName().toString()));
        }
        sessions.sort(null);
        return sessions;
    }

    /** The grant kept for a session, if there is one. */
    Optional<Grant> load(String sessionId) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(grantFile(sessionId), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
        try {
            String proxy = properties.getProperty("connect-proxy-url");
            String socket = properties.getProperty("websocket-url");
            Endpoints endpoints = new Endpoints(
                    proxy == null ? null : new Endpoints.Connect(URI.create(proxy), properties.getProperty("connect-target")),
                    socket == null ? null : new Endpoints.WebSocket(URI.create(socket)));
            return Optional.of(new Grant(sessionId,
                    Provider.parse(properties.getProperty("provider", Provider.SANDGATE.optionValue())),
                    URI.create(properties.getProperty("api-url")),
                    properties.getProperty("username"),
                    Duration.parse(properties.getProperty("ttl", DEFAULT_TTL.toString())),
                    Instant.parse(properties.getProperty("renew-after")),
                    Instant.parse(properties.getProperty("valid-before")), endpoints,
                    Optional.ofNullable(properties.getProperty("tunnel-credential"))));
        } catch (RuntimeException damaged) {
            throw new IOException("The file " + grantFile(sessionId) + " is damaged (" + damaged.getClass().getSimpleName()
                    + "); run sandgate ssh-config --renew " + sessionId + " to write it anew", damaged);
        }
    }

    /**
     * The session's grant, minted anew when there is none, when it is due for renewal, when it was minted by another
     * provider, or when {@code force} says so. A renewal keeps the key pair and replaces only the certificate: OpenSSH
     * reads the key and the certificate as two files, at a moment the proxy does not know, and must never find a pair
     * that does not match. A forced renewal, or a key that cannot be read, gets a new key pair.
     *
     * @param ttl the lifetime to ask for, or null for the one asked for last time (else {@link #DEFAULT_TTL})
     */
    Grant fresh(String sessionId, Minter minter, Duration ttl, boolean force) throws IOException {
        Optional<Grant> kept = load(sessionId).filter(grant -> grant.provider() == minter.provider());
        if (!force && kept.isPresent() && !kept.get().dueForRenewal(Instant.now())) {
            return kept.get();
        }
        Path directory = directory(sessionId);
        createPrivateDirectory(root);
        createPrivateDirectory(directory);
        try (FileChannel lockFile = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            kept = load(sessionId).filter(grant -> grant.provider() == minter.provider());
            if (!force && kept.isPresent() && !kept.get().dueForRenewal(Instant.now())) {
                // another process renewed while this one waited for the lock
                return kept.get();
            }
            Duration lifetime = ttl != null ? ttl : kept.map(Grant::ttl).orElse(DEFAULT_TTL);
            KeyPair keys = force || kept.isEmpty() ? null : keptKeys(sessionId);
            IssuedCertificate issued = minter.issue(sessionId, keys != null ? keys : SshKeys.generate(), lifetime);
            return write(sessionId, minter, lifetime, issued);
        }
    }

    private KeyPair keptKeys(String sessionId) {
        try {
            return SshKeyFiles.readKeyPair(key(sessionId));
        } catch (IOException | RuntimeException missingOrDamaged) {
            return null;
        }
    }

    private Grant write(String sessionId, Minter minter, Duration ttl, IssuedCertificate issued) throws IOException {
        // checked before anything is written: the known_hosts line and the config must not take these as they came
        SshConfigValues.hostAlias(sessionId);
        SshConfigValues.user(issued.credentials().username());
        String alias = SshConfigValues.hostKeyAlias(hostKeyAlias(sessionId, issued.endpoints()));
        SshKeyFiles.write(issued.credentials(), key(sessionId));
        if (minter.provider() == Provider.SANDGATE) {
            StringBuilder knownHosts = new StringBuilder("# host CAs the API named for session " + sessionId + "\n");
            for (PublicKey ca : issued.hostCaKeys()) {
                knownHosts.append("@cert-authority ").append(alias).append(' ').append(SshKeys.publicKeyLine(ca))
                        .append('\n');
            }
            writePrivately(knownHosts(sessionId), knownHosts.toString());
        }

        URI apiUrl = minter.apiUrl();
        Properties properties = new Properties();
        properties.setProperty("provider", minter.provider().optionValue());
        properties.setProperty("api-url", apiUrl.toString());
        properties.setProperty("username", issued.credentials().username());
        properties.setProperty("ttl", ttl.toString());
        properties.setProperty("renew-after", issued.renewAfter().toString());
        properties.setProperty("valid-before", issued.validBefore().toString());
        issued.endpoints().connect().ifPresent(connect -> {
            properties.setProperty("connect-proxy-url", connect.proxyUrl().toString());
            properties.setProperty("connect-target", connect.target());
        });
        issued.endpoints().webSocket().ifPresent(socket -> properties.setProperty("websocket-url", socket.url().toString()));
        issued.tunnelCredential().ifPresent(credential -> properties.setProperty("tunnel-credential", credential));
        java.io.StringWriter text = new java.io.StringWriter();
        properties.store(text, "written by sandgate for session " + sessionId
                + "; private: it may hold the session's tunnel credential");
        writePrivately(grantFile(sessionId), text.toString());
        writePrivately(renewAfterFile(sessionId), issued.renewAfter().getEpochSecond() + "\n");
        return new Grant(sessionId, minter.provider(), apiUrl, issued.credentials().username(), ttl,
                issued.renewAfter(), issued.validBefore(), issued.endpoints(), issued.tunnelCredential());
    }

    /**
     * Writes the session's known_hosts with one plain host key, under the name OpenSSH looks it up by (the
     * {@code HostKeyAlias} the config gives the session): for Tenki, whose gateway presents a plain key that no CA
     * vouches for, the key Sandgate has recorded for it.
     */
    void writeHostKey(Grant grant, PublicKey key) throws IOException {
        String alias = SshConfigValues.hostKeyAlias(hostKeyAlias(grant.sessionId(), grant.endpoints()));
        writePrivately(knownHosts(grant.sessionId()), "# the gateway host key Sandgate recorded, for session "
                + grant.sessionId() + "\n" + alias + " " + SshKeys.publicKeyLine(key) + "\n");
    }

    /**
     * The name OpenSSH checks the host certificate's principals against: the CONNECT target's host, as the library
     * does, or the session id when the gateway names no target.
     */
    static String hostKeyAlias(String sessionId, Endpoints endpoints) {
        return endpoints.connect().map(Endpoints.Connect::targetHost).orElse(sessionId);
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException noPosix) {
                Files.createDirectories(directory);
            }
        }
    }

    /** Writes a file with mode 0600, replacing the old one in one step. */
    static void writePrivately(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(temporary);
        }
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            writer.write(text);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
