package dev.sandgate.cert;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

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

    /**
     * The certificate file that goes with a private key file: {@code <key>-cert.pub}.
     *
     * @param privateKeyFile the private key's path; nothing is read or checked
     * @return the certificate file that goes with a private key file: {@code <key>-cert.pub}
     */
    public static Path certificatePath(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + "-cert.pub");
    }

    /**
     * The public key file that goes with a private key file: {@code <key>.pub}.
     *
     * @param privateKeyFile the private key's path; nothing is read or checked
     * @return the public key file that goes with a private key file: {@code <key>.pub}
     */
    public static Path publicKeyPath(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /**
     * Writes the private key in OpenSSH format (unencrypted, mode 0600 where the file system has POSIX permissions),
     * the public key and the certificate, each replaced atomically where the file system allows. Directories it has
     * to create are made 0700.
     *
     * @param privateKeyFile where to write the private key; the two public files go beside it
     * @param credentials the key pair and its certificate; the key comment is {@code user@keyId}
     * @throws IOException if a directory or file cannot be made or written, or the key cannot be encoded
     */
    public static void write(Credentials credentials, Path privateKeyFile) throws IOException {
        write(credentials, privateKeyFile, true);
    }

    /**
     * As {@link #write(Credentials, Path)}; with {@code replaceExisting} false, a private key already at that path is
     * kept and a {@link java.nio.file.FileAlreadyExistsException} thrown instead.
     *
     * @param privateKeyFile where to write the private key; the two public files go beside it
     * @param credentials the key pair and its certificate; the key comment is {@code user@keyId}
     * @param replaceExisting true to overwrite the three files, false to refuse when a private key is already there
     * @throws IOException if a directory or file cannot be made or written, or the key cannot be encoded
     */
    public static void write(Credentials credentials, Path privateKeyFile, boolean replaceExisting) throws IOException {
        Objects.requireNonNull(credentials, "credentials");
        Path directory = privateKeyFile.toAbsolutePath().getParent();
        createPrivateDirectories(directory);
        if (!replaceExisting && Files.exists(privateKeyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(privateKeyFile.toString(), null,
                    "a private key is already there; it was left as it is");
        }
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

    /**
     * Reads an unencrypted OpenSSH (or PEM) private key file, refusing one that its group or others may access (where
     * the file system has POSIX permissions), as OpenSSH does.
     *
     * @param privateKeyFile an unencrypted private key file, OpenSSH or PEM, readable by its owner only
     * @return the first key pair the file holds
     * @throws IOException if the file is missing, unreadable, encrypted, holds no key, or others may access it
     */
    public static KeyPair readKeyPair(Path privateKeyFile) throws IOException {
        return readKeyPair(privateKeyFile, false);
    }

    /**
     * As {@link #readKeyPair(Path)}; {@code allowOpenPermissions} reads a key others may read too.
     *
     * @param privateKeyFile an unencrypted private key file, OpenSSH or PEM
     * @param allowOpenPermissions true to skip the check that only the file's owner may access it
     * @return the first key pair the file holds
     * @throws IOException if the file is missing, unreadable, encrypted or holds no key, or (when checked) others
     *         may access it
     */
    public static KeyPair readKeyPair(Path privateKeyFile, boolean allowOpenPermissions) throws IOException {
        if (!allowOpenPermissions) {
            checkOwnerOnly(privateKeyFile);
        }
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
     * @param privateKeyFile an unencrypted private key file readable by its owner only, with {@code <key>-cert.pub}
     * @param username the user to log in as; not checked against the certificate's principals
     * @return the key pair with the user certificate for its public key
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

    /** Refuses a key file its group or others may read or write: someone else may have it, or swap it. */
    private static void checkOwnerOnly(Path privateKeyFile) throws IOException {
        if (!privateKeyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(privateKeyFile);
        Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        open.retainAll(permissions);
        if (!open.isEmpty()) {
            throw new IOException("The private key " + privateKeyFile + " has permissions "
                    + PosixFilePermissions.toString(permissions) + ": others may read it, so it is not used (run chmod 600 "
                    + privateKeyFile + ", or read it with readKeyPair(file, true) if that is intended)");
        }
    }

    /** Creates the missing directories of a path, each 0700 where the file system has POSIX permissions. */
    private static void createPrivateDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory) || !directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory);
            return;
        }
        Path parent = directory.getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            return; // made meanwhile by someone else: theirs to set
        }
        // the umask may take bits away from 0700, never add any; set it exactly all the same
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
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
