package dev.sandgate.cert;

/**
 * The session is not in a state that allows the call (HTTP 409), typically not running (paused or stopped).
 *
 * <pre>{@code
 * catch (SessionConflictException e) { resume the session, then retry }
 * }</pre>
 */
public class SessionConflictException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    public SessionConflictException(String message, int status, String errorCode, Throwable cause) {
        super(message, status, errorCode, cause);
    }
}
