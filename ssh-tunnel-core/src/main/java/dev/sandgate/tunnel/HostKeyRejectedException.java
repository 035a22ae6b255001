package dev.sandgate.tunnel;

/**
 * The SSH server did not prove to be the session's host: it presented a plain key, or a host certificate that no
 * trusted host CA signed. The connection was dropped before any credentials were sent.
 *
 * <pre>{@code
 * catch (HostKeyRejectedException e) { alert("possible impostor: " + e.getMessage()); }
 * }</pre>
 */
public class HostKeyRejectedException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public HostKeyRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
