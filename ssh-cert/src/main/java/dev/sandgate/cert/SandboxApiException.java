package dev.sandgate.cert;

import java.io.IOException;

/**
 * A call to the sandbox API failed: the API answered with an error, sent something unusable, or could not be reached.
 *
 * <p>The message names the call, the HTTP status and the API's own error code and message. It never
 * contains the bearer token.
 *
 * <pre>{@code
 * try {
 *     api.getSession("sess-123");
 * } catch (SandboxApiException e) {
 *     if (e.status() == 404) { ... }
 * }
 * }</pre>
 */
public class SandboxApiException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The status, kept in the serialized form. */
    private final int status;
    /** The error code, kept in the serialized form. */
    private final String errorCode;
    /** The api message, kept in the serialized form. */
    private final String apiMessage;

    /**
     * A call to the API that failed: an error answer, or none.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     * @param status     the HTTP status, or 0 when no HTTP answer arrived
     * @param errorCode  the API's {@code error.code}, or null
     * @param apiMessage the API's {@code error.message}, or null
     */
    public SandboxApiException(String message, int status, String errorCode, String apiMessage, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.apiMessage = apiMessage;
    }

    /**
     * An exception with no error body from the API.
     *
     * @param status the HTTP status
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public SandboxApiException(String message, int status, Throwable cause) {
        this(message, status, null, null, cause);
    }

    /**
     * The HTTP status the API answered with, or 0 when no answer arrived.
     *
     * @return the HTTP status the API answered with, or 0 when no answer arrived
     */
    public int status() {
        return status;
    }

    /**
     * The API's machine-readable error code ({@code error.code}), or null if it sent none.
     *
     * @return the API's machine-readable error code ({@code error.code}), or null if it sent none
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The API's human-readable error message ({@code error.message}), or null if it sent none.
     *
     * @return the API's human-readable error message ({@code error.message}), or null if it sent none
     */
    public String apiMessage() {
        return apiMessage;
    }
}
