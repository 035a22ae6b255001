package dev.sandgate.sftp;

import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.Visible;

/**
 * The SFTP server did not answer a request within {@link SftpOptions#requestTimeout()}. The operation on
 * {@link #getFile()} failed; the file system stays open for other requests, and the late answer, should it come, is
 * dropped.
 *
 * <pre>{@code
 * try {
 *     Files.readAllBytes(remote.getPath("results.json"));
 * } catch (SftpTimeoutException e) {
 *     System.err.println(e.getFile() + ": no answer within " + e.limit().toSeconds() + " s");
 * }
 * }</pre>
 */
public final class SftpTimeoutException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    /** The limit that passed; a {@code Duration} is serializable. */
    private final Duration limit;

    /**
     * Makes the exception.
     *
     * @param file  the path the request was about (may be null)
     * @param limit how long the request waited
     */
    public SftpTimeoutException(String file, Duration limit) {
        super(file, null, "the SFTP server did not answer within "
                + Visible.duration(Objects.requireNonNull(limit, "limit"))
                + " (SftpOptions.requestTimeout); the file system is still open");
        this.limit = limit;
    }

    /** {@return how long the request waited for an answer} */
    public Duration limit() {
        return limit;
    }
}
