package dev.sandgate.tunnel;

/**
 * The SSH server refused a port forwarding or a stream: the certificate does not permit port forwarding, the server
 * forbids it, or nothing accepts connections at the target.
 *
 * <pre>{@code
 * try (RemoteStream stream = connection.openStream("127.0.0.1", 8000)) { ... }
 * catch (ForwardingRefusedException e) {
 *     if (e.reason() == ForwardingRefusedException.Reason.CONNECT_FAILED) { ... start the server first ... }
 * }
 * }</pre>
 */
public class ForwardingRefusedException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /** Why, as far as the server said. */
    public enum Reason {
        /** Not allowed: the certificate lacks {@code permit-port-forwarding}, or the server forbids it. */
        PROHIBITED,
        /** Nothing accepted the connection at the target (or the name did not resolve there). */
        CONNECT_FAILED,
        /** Any other refusal. */
        OTHER
    }

    /** The reason, kept in the serialized form. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why it was refused
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public ForwardingRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@return why the server refused, as far as its answer tells: prohibited, nothing at the target, or other} */
    public Reason reason() {
        return reason;
    }
}
