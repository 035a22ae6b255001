package dev.sandgate.cert;

/**
 * The session is not in a state that allows the call (HTTP 409), typically not running (paused or stopped).
 *
 * <pre>{@code
 * catch (SessionConflictException e) { resume the session, then retry }
 * }</pre>
 */
public class SessionConflictException extends SandboxApiException implements Refused {
    private static final long serialVersionUID = 1L;

    /**
     * See {@link SandboxApiException#SandboxApiException(String, int, String, String, Throwable)}.
     *
     * @param status the HTTP status
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     * @param apiMessage the message the API gave, or null
     * @param errorCode the API's error code, or null
     */
    public SessionConflictException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }

    /** {@link Refusal#SESSION_NOT_RUNNING}. */
    @Override
    public Refusal refusal() {
        return Refusal.SESSION_NOT_RUNNING;
    }
}
