package dev.sandgate.cert;

/**
 * The API failed (HTTP 5xx). GETs were already retried; whatever is thrown has used up the retries.
 *
 * <pre>{@code
 * catch (ServerErrorException e) { retry later }
 * }</pre>
 */
public class ServerErrorException extends SandboxApiException implements Refused {
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
    public ServerErrorException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }

    /** {@link Refusal#UNAVAILABLE}. */
    @Override
    public Refusal refusal() {
        return Refusal.UNAVAILABLE;
    }
}
