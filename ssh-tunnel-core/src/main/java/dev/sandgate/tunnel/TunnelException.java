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

    public TunnelException(String message) {
        super(message);
    }

    public TunnelException(String message, Throwable cause) {
        super(message, cause);
    }
}
