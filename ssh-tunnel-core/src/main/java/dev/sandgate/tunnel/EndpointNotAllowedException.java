package dev.sandgate.tunnel;

/**
 * A tunnel was not opened because its endpoint is not one the {@link dev.sandgate.cert.EndpointPolicy} allows: a
 * cleartext URL to a host that is not loopback, or a host outside the allowed tunnel hosts. Nothing was sent to it.
 *
 * <pre>{@code
 * catch (EndpointNotAllowedException e) { log.error("the API named an endpoint we do not trust: {}", e.getMessage()); }
 * }</pre>
 */
public class EndpointNotAllowedException extends TunnelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     */
    public EndpointNotAllowedException(String message) {
        super(message);
    }
}
