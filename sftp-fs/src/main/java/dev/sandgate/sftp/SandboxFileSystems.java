package dev.sandgate.sftp;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.util.Objects;

import dev.sandgate.sftp.internal.SandgateFileSystemProvider;
import dev.sandgate.tunnel.SshConnection;

/**
 * Opens a sandbox session's files as a {@link FileSystem} over SFTP.
 *
 * <pre>{@code
 * try (SshConnection connection = ssh.connect(sessionId);
 *      FileSystem files = SandboxFileSystems.open(connection)) {
 *     Path report = files.getPath("report.txt");          // relative to the session's home directory
 *     Files.writeString(report, "hello");
 *     System.out.println(Files.readString(report));
 *     URI uri = report.toUri();                            // sandgate://SESSION/home/.../report.txt
 * }
 * }</pre>
 *
 * <p>Or through {@code java.nio.file} alone, with the file system owning the connection it opens:
 * <pre>{@code
 * try (FileSystem files = FileSystems.newFileSystem(SandboxFileSystems.uri(sessionId),
 *         Map.of(SandboxFileSystems.ENV_SSH, ssh))) {
 *     Files.copy(Path.of("build.tar"), files.getPath("/tmp/build.tar"));
 * }
 * }</pre>
 *
 * <p>Relative paths resolve against the session's home directory. A URI names a session and a path and carries no
 * credential; {@code Paths.get(uri)} finds the file system open for that session. Everything behaves as the JDK's own
 * file system does, except what {@code docs/nio-deviations.md} lists.
 */
public final class SandboxFileSystems {
    /** The {@code env} key of {@code FileSystems.newFileSystem} that holds the {@code SandboxSsh} to connect with. */
    public static final String ENV_SSH = "sandgate.ssh";
    /** The optional {@code env} key that holds {@link SftpOptions}. */
    public static final String ENV_OPTIONS = "sandgate.options";

    private SandboxFileSystems() {
    }

    /**
     * Opens a file system on the connection, with the default options. The caller closes both.
     *
     * @param connection an open connection; the file system opens an SFTP channel of its own on it
     * @return the open file system
     * @throws IOException if the SFTP server or the connection fails
     */
    public static FileSystem open(SshConnection connection) throws IOException {
        return open(connection, SftpOptions.DEFAULTS);
    }

    /**
     * Opens a file system on the connection. Closing the file system closes its SFTP channel and every stream and
     * channel still open on it, not the connection.
     *
     * @param connection an open connection; the file system opens an SFTP channel of its own on it
     * @param options how to run it
     * @return the open file system
     * @throws IOException if the SFTP server or the connection fails
     */
    public static FileSystem open(SshConnection connection, SftpOptions options) throws IOException {
        return SandgateFileSystemProvider.instance().open(connection, options);
    }

    /**
     * {@code sandgate://SESSION/}, the URI that {@code FileSystems.newFileSystem} opens a session's files with.
     *
     * @param sessionId the session's id
     * @return {@code sandgate://SESSION/}
     */
    public static URI uri(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        try {
            return new URI("sandgate", sessionId, "/", null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("a session id that cannot stand in a URI: " + sessionId, e);
        }
    }
}
