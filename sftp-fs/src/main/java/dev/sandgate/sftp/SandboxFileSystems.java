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
 *
 * <p><b>When the connection is lost.</b> With a {@code ReconnectPolicy} on the {@code SandboxSsh}, the same
 * {@code FileSystem} rides a reconnect: the first call after the loss reconnects the {@link SshConnection} (one
 * attempt shared by all the threads that call meanwhile) and re-opens the SFTP channel on it, and goes on. Calls that
 * were in flight at the loss fail with {@link SftpConnectionLostException}. A channel or stream opened only to read
 * re-opens its file and goes on at its position. One that writes is not re-opened: if bytes it took were not yet
 * acknowledged, its next write or its {@code close()} throws {@link WriteOutcomeUnknownException} (the file is not
 * complete); if all were acknowledged, it throws {@link SftpConnectionLostException}. So a {@code Files.copy} or a
 * {@link TreeTransfer} cut by a loss throws, never looks complete. A directory stream open across the loss fails too;
 * a watch service polls on through the re-opened channel.
 *
 * <p><b>Interrupts.</b> A thread interrupted ({@code Thread.interrupt()}, {@code Future.cancel(true)}) while it waits
 * for the server returns at once with its interrupt flag still set:
 * <ul>
 * <li>a stream ({@code Files.newInputStream}, {@code newOutputStream}, {@code Files.copy} in either direction) and a
 *     one-shot call ({@code Files.readAttributes}, {@code Files.list}, {@code Files.size}, ...) throw
 *     {@link java.io.InterruptedIOException};</li>
 * <li>a {@code SeekableByteChannel} or {@code FileChannel} throws {@link java.nio.channels.ClosedByInterruptException}
 *     and is closed, as the JDK's channels do;</li>
 * <li>only that stream or channel is closed (the replies still due to it are dropped as they come); the file system
 *     and its SFTP channel go on for every other thread;</li>
 * <li>an interrupted upload never looks complete: a file the stream or channel created with {@code CREATE_NEW} (as
 *     {@code Files.copy} does) is removed, any other is left as far as the server got, shorter than meant; a
 *     {@code Files.copy} download leaves its local target shorter than the source;</li>
 * <li>a {@link TreeTransfer} stops its workers and throws {@code InterruptedIOException}.</li>
 * </ul>
 *
 * <p>{@link FileSystem#isOpen()} is exactly:
 * <ul>
 * <li>false once the file system was closed (calls then throw {@code ClosedFileSystemException});</li>
 * <li>false once its connection was lost with no way back: the connection has no {@code ReconnectPolicy}, was closed,
 *     or its session was closed rather than lost; or this file system tried to reconnect and that failed (it does not
 *     try again). Calls then throw {@link SftpConnectionLostException} naming their path and saying which;</li>
 * <li>true otherwise: its SFTP channel is open, or the connection is, or the connection will reconnect on the next
 *     call (which may still fail, and then {@code isOpen()} turns false).</li>
 * </ul>
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
