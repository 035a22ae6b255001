package dev.sandgate.sftp;

import java.nio.file.FileSystemException;

/**
 * The SSH connection under a sandgate file system was lost while, or before, an operation on {@link #getFile()} ran.
 * The operation did not complete. Whether the file system goes on depends on the connection: with a
 * {@code ReconnectPolicy} the next call reconnects and re-opens the SFTP channel (and
 * {@link java.nio.file.FileSystem#isOpen()} stays true); without one, or once reconnecting failed,
 * {@code isOpen()} is false and every call fails with this exception, saying which.
 *
 * <pre>{@code
 * try {
 *     Files.writeString(remote.getPath("state.json"), json);
 * } catch (WriteOutcomeUnknownException e) {
 *     // some bytes were sent and not acknowledged: read the file back before trusting it
 * } catch (SftpConnectionLostException e) {
 *     if (!remote.isOpen()) {
 *         remote = SandboxFileSystems.open(ssh.connect(sessionId));   // no way back on this one
 *     }
 * }
 * }</pre>
 */
public class SftpConnectionLostException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param file   the path the operation was about (may be null)
     * @param other  the second path of a two-path operation (may be null)
     * @param reason what was lost and what comes next
     */
    public SftpConnectionLostException(String file, String other, String reason) {
        super(file, other, reason);
    }
}
