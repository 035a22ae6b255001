package dev.sandgate.cert;

/**
 * The API did not accept the bearer token (HTTP 401): it is missing, wrong or expired.
 *
 * <pre>{@code
 * catch (ApiUnauthorizedException e) { ask for a new token }
 * }</pre>
 */
public class ApiUnauthorizedException extends SandboxApiException implements Refused {
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
    public ApiUnauthorizedException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }

    /** {@link Refusal#UNAUTHORIZED}. */
    @Override
    public Refusal refusal() {
        return Refusal.UNAUTHORIZED;
    }
}
