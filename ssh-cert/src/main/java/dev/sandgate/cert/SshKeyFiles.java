package dev.sandgate.cert;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Objects;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Writes and reads credentials as OpenSSH files, so that {@code ssh -i}, {@code scp} and IDEs can use them:
 * the private key (mode 0600), {@code <key>.pub} and {@code <key>-cert.pub} beside it.
 *
 * <pre>{@code
 * SshKeyFiles.write(issued.credentials(), Path.of("/tmp/sandbox/id_ed25519"));
 * // ssh -i /tmp/sandbox/id_ed25519 -o CertificateFile=/tmp/sandbox/id_ed25519-cert.pub ...
 * Credentials again = SshKeyFiles.read(Path.of("/tmp/sandbox/id_ed25519"), "sandbox");
 * }</pre>
 *
 * <p>Nothing is written unless asked: credentials otherwise stay in memory.
 */
public final class SshKeyFiles {
    private SshKeyFiles() {
    }

    /** The certificate file that goes with a private key file: {@code <key>-cert.pub}. */
    public static Path certificatePath(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + "-cert.pub");
    }

    /** The public key file that goes with a private key file: {@code <key>.pub}. */
    public static Path publicKeyPath(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /**
     * Writes the private key in OpenSSH format (unencrypted, mode 0600 where the file system has POSIX permissions),
     * the public key and the certificate, each replaced atomically where the file system allows.
     */
    public static void write(Credentials credentials, Path privateKeyFile) throws IOException {
        Objects.requireNonNull(credentials, "credentials");
        Path directory = privateKeyFile.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        String comment = credentials.username() + "@" + credentials.certificate().keyId();
        Path temporary = createPrivateFile(directory);
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(credentials.keyPair(), comment, null, out);
            } catch (GeneralSecurityException e) {
                throw new IOException("Cannot encode the " + credentials.keyPair().getPrivate().getAlgorithm()
                        + " private key in OpenSSH format: " + e.getMessage(), e);
            }
            replace(temporary, privateKeyFile);
        } finally {
            Files.deleteIfExists(temporary);
        }
        writeText(publicKeyPath(privateKeyFile), SshKeys.publicKeyLine(credentials.keyPair().getPublic()) + " " + comment);
        writeText(certificatePath(privateKeyFile), credentials.certificate().toOpenSshLine());
    }

    /** Reads an unencrypted OpenSSH (or PEM) private key file. */
    public static KeyPair readKeyPair(Path privateKeyFile) throws IOException {
        try (InputStream in = Files.newInputStream(privateKeyFile)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(privateKeyFile.toString()),
                    in, null);
            Iterator<KeyPair> iterator = pairs == null ? null : pairs.iterator();
            if (iterator == null || !iterator.hasNext()) {
                throw new IOException("No private key in " + privateKeyFile);
            }
            return iterator.next();
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the private key " + privateKeyFile + " (" + e.getMessage()
                    + "); encrypted keys are not supported", e);
        } catch (RuntimeException e) {
            throw new IOException("Cannot read the private key " + privateKeyFile + ": " + e.getMessage()
                    + " (encrypted keys are not supported)", e);
        }
    }

    /**
     * Reads a private key and the certificate beside it ({@code <key>-cert.pub}).
     *
     * @throws IOException if a file is missing or unreadable, or the certificate is not for that key
     */
    public static Credentials read(Path privateKeyFile, String username) throws IOException {
        KeyPair keyPair = readKeyPair(privateKeyFile);
        Path certificateFile = certificatePath(privateKeyFile);
        SshCertificate certificate;
        try {
            certificate = SshCertificate.parse(Files.readString(certificateFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("Not an OpenSSH certificate: " + certificateFile + " (" + e.getMessage() + ")", e);
        }
        try {
            return new Credentials(username, keyPair, certificate);
        } catch (IllegalArgumentException e) {
            throw new IOException(certificateFile + " does not go with " + privateKeyFile + ": " + e.getMessage(), e);
        }
    }

    private static Path createPrivateFile(Path directory) throws IOException {
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(directory, ".key-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return Files.createTempFile(directory, ".key-", ".tmp");
    }

    private static void writeText(Path file, String line) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".pub-", ".tmp");
        try {
            Files.writeString(temporary, line + "\n", StandardCharsets.UTF_8);
            replace(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void replace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
