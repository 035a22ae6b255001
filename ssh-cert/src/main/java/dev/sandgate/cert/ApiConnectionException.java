package dev.sandgate.cert;

/**
 * No HTTP answer arrived: the API could not be reached, or did not answer within the configured timeouts. status() is 0.
 *
 * <pre>{@code
 * catch (ApiConnectionException e) { check the network and the base URL }
 * }</pre>
 */
public class ApiConnectionException extends SandboxApiException {
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
    public ApiConnectionException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }
}
