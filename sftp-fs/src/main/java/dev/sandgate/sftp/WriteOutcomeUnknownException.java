package dev.sandgate.sftp;

/**
 * The connection was lost while writes to {@link #getFile()} were sent and not yet acknowledged (or taken by the
 * channel and not yet sent): some of the bytes the caller handed over may be on the server, some may not. The file is
 * not complete as far as anyone can tell; the channel or stream is not re-opened on a new connection, since a blind
 * resend could land bytes out of order. Read the file back, or write it again from the start.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(remote.getPath("model.bin"))) {
 *     in.transferTo(out);
 * } catch (WriteOutcomeUnknownException e) {
 *     Files.deleteIfExists(target);   // on the reconnected file system; or write it again
 *     throw e;
 * }
 * }</pre>
 */
public final class WriteOutcomeUnknownException extends SftpConnectionLostException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param file   the file being written (may be null)
     * @param reason what was lost, and how much was acknowledged before
     */
    public WriteOutcomeUnknownException(String file, String reason) {
        super(file, null, reason);
    }
}
