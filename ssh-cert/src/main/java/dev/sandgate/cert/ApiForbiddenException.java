package dev.sandgate.cert;

/**
 * The token is valid but may not do this (HTTP 403), e.g. the session belongs to another account.
 *
 * <pre>{@code
 * catch (ApiForbiddenException e) { check which account owns the session }
 * }</pre>
 */
public class ApiForbiddenException extends SandboxApiException implements Refused {
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
    public ApiForbiddenException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }

    /** {@link Refusal#FORBIDDEN}. */
    @Override
    public Refusal refusal() {
        return Refusal.FORBIDDEN;
    }
}
