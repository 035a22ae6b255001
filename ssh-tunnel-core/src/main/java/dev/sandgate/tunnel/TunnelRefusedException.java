package dev.sandgate.tunnel;

import java.util.Objects;

import dev.sandgate.cert.Refusal;
import dev.sandgate.cert.Refused;

/**
 * The gateway refused to open a tunnel, with an HTTP status (CONNECT, or a WebSocket upgrade) or a WebSocket close
 * code. {@link #refusal()} says which refusal it was, in the same terms as the sandbox API's own refusals
 * ({@link Refusal#of(Throwable)} asks either); the message quotes the gateway.
 *
 * <pre>{@code
 * catch (TunnelRefusedException e) {
 *     if (e.refusal() == Refusal.SESSION_NOT_RUNNING) { resume and retry }
 * }
 * }</pre>
 */
public class TunnelRefusedException extends TunnelException implements Refused {
    private static final long serialVersionUID = 1L;

    /** The reason, kept in the serialized form. */
    private final Refusal reason;
    /** The status, kept in the serialized form. */
    private final int status;
    /** The gateway message, kept in the serialized form. */
    private final String gatewayMessage;

    /**
     * A tunnel the gateway (or a proxy on the way) refused.
     *
     * @param reason why it was refused
     * @param status         the HTTP status or WebSocket close code the gateway answered with
     * @param gatewayMessage what the gateway said, or null
     * @param tunnel         the tunnel's description, for the message
     */
    public TunnelRefusedException(Refusal reason, int status, String gatewayMessage, String tunnel) {
        super(tunnel + " was refused with " + status + " (" + reason + "): " + reason.advice()
                + (gatewayMessage == null || gatewayMessage.isBlank() ? "" : ". The gateway said: " + gatewayMessage));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
        this.gatewayMessage = gatewayMessage;
    }

    /** {@return why the gateway said no, in the same terms as the API's refusals} */
    @Override
    public Refusal refusal() {
        return reason;
    }

    /**
     * The HTTP status or WebSocket close code.
     *
     * @return the HTTP status or WebSocket close code
     */
    public int status() {
        return status;
    }

    /**
     * What the gateway said, or null.
     *
     * @return what the gateway said, or null
     */
    public String gatewayMessage() {
        return gatewayMessage;
    }
}
