package dev.sandgate.tunnel;

import java.util.Objects;

/**
 * The gateway refused to open a tunnel, with an HTTP status (CONNECT, or a WebSocket upgrade) or a WebSocket close
 * code. {@link #reason()} says which refusal it was; the message quotes the gateway.
 *
 * <pre>{@code
 * catch (TunnelRefusedException e) {
 *     if (e.reason() == TunnelRefusedException.Reason.SESSION_NOT_RUNNING) { resume and retry }
 * }
 * }</pre>
 */
public class TunnelRefusedException extends TunnelException {
    private static final long serialVersionUID = 1L;

    /** Why the gateway said no. */
    public enum Reason {
        /** 401/407 or close code 4401: the token is missing, wrong or expired. */
        UNAUTHORIZED("the gateway did not accept the bearer token: check that it is valid and not expired"),
        /** 403 or 4403: the token may not reach this session. */
        FORBIDDEN("the token is not allowed to reach this session"),
        /** 404 or 4404: no such session. */
        SESSION_NOT_FOUND("the gateway knows no such session: check the session id"),
        /** 409 or 4409: the session exists but is paused or stopped. */
        SESSION_NOT_RUNNING("the session is not running: resume or recreate it"),
        /** 429: too many requests. */
        RATE_LIMITED("the gateway is rate limiting: retry later"),
        /** 502, 503, 504 or 1011: the gateway could not reach the session's SSH server. */
        GATEWAY_UNAVAILABLE("the gateway could not reach the session: retry later"),
        /** Any other refusal. */
        OTHER("the gateway refused the tunnel");

        private final String advice;

        Reason(String advice) {
            this.advice = advice;
        }

        /** A sentence for the user about what the refusal means. */
        public String advice() {
            return advice;
        }

        /** The reason for an HTTP status. */
        public static Reason ofHttpStatus(int status) {
            switch (status) {
                case 401:
                case 407: return UNAUTHORIZED;
                case 403: return FORBIDDEN;
                case 404: return SESSION_NOT_FOUND;
                case 409: return SESSION_NOT_RUNNING;
                case 429: return RATE_LIMITED;
                case 502:
                case 503:
                case 504: return GATEWAY_UNAVAILABLE;
                default: return OTHER;
            }
        }

        /** The reason for a WebSocket close code. */
        public static Reason ofCloseCode(int code) {
            switch (code) {
                case 4401: return UNAUTHORIZED;
                case 4403: return FORBIDDEN;
                case 4404: return SESSION_NOT_FOUND;
                case 4409: return SESSION_NOT_RUNNING;
                case 4429: return RATE_LIMITED;
                case 1011:
                case 1013:
                case 1014: return GATEWAY_UNAVAILABLE;
                default: return OTHER;
            }
        }
    }

    private final Reason reason;
    private final int status;
    private final String gatewayMessage;

    /**
     * @param status         the HTTP status or WebSocket close code the gateway answered with
     * @param gatewayMessage what the gateway said, or null
     * @param tunnel         the tunnel's description, for the message
     */
    public TunnelRefusedException(Reason reason, int status, String gatewayMessage, String tunnel) {
        super(tunnel + " was refused with " + status + " (" + reason + "): " + reason.advice()
                + (gatewayMessage == null || gatewayMessage.isBlank() ? "" : ". The gateway said: " + gatewayMessage));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
        this.gatewayMessage = gatewayMessage;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status or WebSocket close code. */
    public int status() {
        return status;
    }

    /** What the gateway said, or null. */
    public String gatewayMessage() {
        return gatewayMessage;
    }
}
