package dev.sandgate.tunnel;

/**
 * The session's SSH server refused the login: the certificate is expired, for another principal, or from a CA the
 * server does not trust.
 *
 * <pre>{@code
 * catch (AuthenticationException e) { renew the certificate and retry once }
 * }</pre>
 */
public class AuthenticationException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
