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
     * @param apiMessage the api message
     * @param errorCode the error code
     */
    public InvalidResponseException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, status, errorCode, apiMessage, cause);
    }
}
