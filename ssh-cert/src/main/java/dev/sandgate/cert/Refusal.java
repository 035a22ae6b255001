package dev.sandgate.cert;

import java.util.Optional;

/**
 * Why the sandbox API or the gateway said no, the same whichever of them answered: an unknown session is
 * {@link #SESSION_NOT_FOUND} whether the API refused to mint ({@link SessionNotFoundException}) or the gateway refused
 * the tunnel because a cached certificate let the API call be skipped.
 *
 * <pre>{@code
 * try (SshConnection connection = ssh.connect(sessionId)) {
 *     ...
 * } catch (IOException e) {
 *     if (Refusal.of(e).orElse(null) == Refusal.SESSION_NOT_RUNNING) { resume the session and retry }
 * }
 * }</pre>
 */
public enum Refusal {
    /** 401, 407 or WebSocket close code 4401: the token is missing, wrong or expired. */
    UNAUTHORIZED("the token was not accepted: check that it is valid and not expired"),
    /** 403 or 4403: the token may not reach this session. */
    FORBIDDEN("the token is not allowed to reach this session"),
    /** 404 or 4404: no such session. */
    SESSION_NOT_FOUND("there is no such session: check the session id"),
    /** 409 or 4409: the session exists but is paused or stopped. */
    SESSION_NOT_RUNNING("the session is not running: resume or recreate it"),
    /** 429 or 4429: too many requests. */
    RATE_LIMITED("requests are being rate limited: retry later"),
    /** 5xx, or close codes 1011, 1013, 1014: the service or the session's SSH server is unavailable. */
    UNAVAILABLE("the service could not serve the session: retry later"),
    /**
     * 410 or 4410: the gateway no longer holds the resumable tunnel a re-attachment asked for (its window passed, or
     * it restarted); the connection ends, and a {@code ReconnectPolicy} may open a new one.
     */
    TUNNEL_GONE("the gateway no longer holds the tunnel: connect again"),
    /** Any other refusal. */
    OTHER("the request was refused");

    private final String advice;

    Refusal(String advice) {
        this.advice = advice;
    }

    /**
     * A sentence for the user about what the refusal means and what to do.
     *
     * @return a sentence for the user about what the refusal means and what to do
     */
    public String advice() {
        return advice;
    }

    /**
     * The refusal an HTTP error status stands for.
     *
     * @param status the HTTP status
     * @return the refusal an HTTP error status stands for
     */
    public static Refusal ofHttpStatus(int status) {
        switch (status) {
            case 401:
            case 407: return UNAUTHORIZED;
            case 403: return FORBIDDEN;
            case 404: return SESSION_NOT_FOUND;
            case 409: return SESSION_NOT_RUNNING;
            case 429: return RATE_LIMITED;
            case 410: return TUNNEL_GONE;
            default: return status >= 500 && status <= 599 ? UNAVAILABLE : OTHER;
        }
    }

    /**
     * The refusal a WebSocket close code stands for (gateway contract v1).
     *
     * @param code the WebSocket close code
     * @return the refusal a WebSocket close code stands for (gateway contract v1)
     */
    public static Refusal ofCloseCode(int code) {
        switch (code) {
            case 4401: return UNAUTHORIZED;
            case 4403: return FORBIDDEN;
            case 4404: return SESSION_NOT_FOUND;
            case 4409: return SESSION_NOT_RUNNING;
            case 4429: return RATE_LIMITED;
            case 4410: return TUNNEL_GONE;
            case 1011:
            case 1013:
            case 1014: return UNAVAILABLE;
            default: return OTHER;
        }
    }

    /**
     * The refusal behind a failure: the first exception in its cause chain that is {@link Refused}, or empty when the
     * failure was no refusal (unreachable, timed out, a broken connection, a host that is not the session's).
     *
     * @param failure any exception, such as one thrown by {@code connect}, an API call or a tunnel; null gives empty
     * @return the refusal behind a failure
     */
    public static Optional<Refusal> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Refused) {
                return Optional.of(((Refused) t).refusal());
            }
        }
        return Optional.empty();
    }
}
