package dev.sandgate.cert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Credentials kept on disk by something else (a vault agent, a cron job running {@code ssh-keygen -s}): a private
 * key and its {@code -cert.pub}, read again whenever either file changes.
 *
 * <pre>{@code
 * FileCredentials source = FileCredentials.of(Path.of("/run/keys/id_ed25519"), "sandbox");
 * Credentials now = source.current();   // re-reads after the files were replaced
 * }</pre>
 *
 * <p>Thread-safe. A change is noticed by the files' modification time, size and identity.
 */
public final class FileCredentials {
    private final Path privateKeyFile;
    private final Path certificateFile;
    private final String username;
    private Stamp loadedStamp;
    private Credentials loaded;

    private FileCredentials(Path privateKeyFile, String username) {
        this.privateKeyFile = privateKeyFile;
        this.certificateFile = SshKeyFiles.certificatePath(privateKeyFile);
        this.username = username;
    }

    /**
     * Credentials from {@code privateKeyFile} and {@code privateKeyFile + "-cert.pub"}, for logging in as {@code username}.
     *
     * @param privateKeyFile an OpenSSH private key file (unencrypted); the certificate is read from beside it
     * @param username the user to log in as; one of the certificate's principals
     * @return credentials that read nothing yet: the files are read by {@link #current()}
     */
    public static FileCredentials of(Path privateKeyFile, String username) {
        return new FileCredentials(Objects.requireNonNull(privateKeyFile, "privateKeyFile"),
                Objects.requireNonNull(username, "username"));
    }

    /**
     * The credentials as the files hold them now, re-read when they changed since the last call.
     *
     * @return the credentials as the files hold them now, re-read when they changed since the last call
     * @throws IOException if the files are missing, unreadable, or do not belong together
     */
    public synchronized Credentials current() throws IOException {
        Stamp stamp = Stamp.of(privateKeyFile, certificateFile);
        if (loaded == null || !stamp.equals(loadedStamp)) {
            loaded = SshKeyFiles.read(privateKeyFile, username);
            loadedStamp = stamp;
        }
        return loaded;
    }

    @Override
    public String toString() {
        return "FileCredentials{" + privateKeyFile + ", user=" + username + "}";
    }

    /** What identifies one version of the two files. */
    private record Stamp(FileTime keyModified, long keySize, Object keyId, FileTime certificateModified,
            long certificateSize, Object certificateId) {
        static Stamp of(Path key, Path certificate) throws IOException {
            BasicFileAttributes k = Files.readAttributes(key, BasicFileAttributes.class);
            BasicFileAttributes c = Files.readAttributes(certificate, BasicFileAttributes.class);
            return new Stamp(k.lastModifiedTime(), k.size(), k.fileKey(), c.lastModifiedTime(), c.size(), c.fileKey());
        }
    }
}
