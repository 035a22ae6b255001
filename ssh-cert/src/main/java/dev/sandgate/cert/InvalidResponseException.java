package dev.sandgate.cert;

/**
 * The API answered, but with something unusable: not JSON, a missing field, or a certificate that is for another key, already expired, or of the wrong type.
 *
 * <pre>{@code
 * catch (InvalidResponseException e) { report it to the gateway's operators }
 * }</pre>
 */
public class InvalidResponseException extends SandboxApiException {
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
    public InvalidResponseException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }
}
