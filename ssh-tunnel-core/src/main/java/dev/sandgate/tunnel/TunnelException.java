package dev.sandgate.tunnel;

/**
 * A tunnel could not be opened or broke: the gateway was unreachable, timed out, or broke the protocol.
 * Refusals with a status or close code are the subclass {@link TunnelRefusedException}.
 *
 * <pre>{@code
 * catch (TunnelException e) { log.warn("tunnel failed: {}", e.getMessage()); }
 * }</pre>
 */
public class TunnelException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     */
    public TunnelException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public TunnelException(String message, Throwable cause) {
        super(message, cause);
    }
}
