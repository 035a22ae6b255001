package dev.sandgate.tunnel;

/**
 * A process, terminal or stream lost its connection: the SSH connection under it ended before the far side said it
 * was done (no end of file, no exit status), so what was read is not all there was. Its cause says how the connection
 * ended (a {@link TunnelException} when the tunnel broke). Thrown by reads of {@link RemoteProcess} and
 * {@link RemoteStream} once the bytes that did arrive are consumed, never in their place.
 *
 * <pre>{@code
 * try (BufferedReader lines = process.inputReader()) {
 *     for (String line; (line = lines.readLine()) != null; ) {
 *         handle(line);
 *     }
 * } catch (ConnectionLostException e) {
 *     // the output was cut short; process.connectionLost() is true
 * }
 * }</pre>
 */
public class ConnectionLostException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was cut short, with no secret in it
     * @param cause how the connection ended, or null
     */
    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
