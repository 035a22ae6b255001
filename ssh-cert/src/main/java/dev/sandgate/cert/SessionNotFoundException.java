package dev.sandgate.cert;

/**
 * The API knows no such session (HTTP 404): it never existed, or was deleted.
 *
 * <pre>{@code
 * catch (SessionNotFoundException e) { create a new session }
 * }</pre>
 */
public class SessionNotFoundException extends SandboxApiException implements Refused {
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
    public SessionNotFoundException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }

    /** {@link Refusal#SESSION_NOT_FOUND}. */
    @Override
    public Refusal refusal() {
        return Refusal.SESSION_NOT_FOUND;
    }
}
