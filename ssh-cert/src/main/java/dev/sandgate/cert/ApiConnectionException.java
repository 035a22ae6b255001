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

    /** See {@link SandboxApiException#SandboxApiException(String, int, String, String, Throwable)}. */
    public ApiConnectionException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }
}
