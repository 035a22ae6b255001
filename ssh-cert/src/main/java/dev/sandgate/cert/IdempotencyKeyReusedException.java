package dev.sandgate.cert;

import java.util.Objects;

/**
 * {@code POST /sessions} was refused because its {@code Idempotency-Key} was already used, within the gateway's
 * window, with a different request (HTTP 422, error code {@value #ERROR_CODE}). Nothing was created. It comes from a
 * key set with {@link NewSession.Builder#idempotencyKey(String)} and reused for another request: use a new key for a
 * new session, or the same request to get the session the key made.
 *
 * <pre>{@code
 * try {
 *     api.createSession(NewSession.builder().idempotencyKey(jobId).image("python:3.12").build());
 * } catch (IdempotencyKeyReusedException e) {
 *     log.warn("job {} already made a session with other settings", e.idempotencyKey());
 * }
 * }</pre>
 */
public class IdempotencyKeyReusedException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /** The error code of the gateway contract for this refusal. */
    public static final String ERROR_CODE = "idempotency_key_reused";

    /** The key, kept in the serialized form. */
    private final String idempotencyKey;

    /**
     * See {@link SandboxApiException#SandboxApiException(String, int, String, String, Throwable)}.
     *
     * @param message        what went wrong, with no secret in it
     * @param status         the HTTP status (422 by the contract; 409 from some gateways)
     * @param apiMessage     the message the API gave, or null
     * @param idempotencyKey the key that was reused
     * @param cause          the failure underneath, or null
     */
    public IdempotencyKeyReusedException(String message, int status, String apiMessage, String idempotencyKey,
            Throwable cause) {
        super(message, status, ERROR_CODE, apiMessage, cause);
        this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /**
     * The {@code Idempotency-Key} that was already used with another request.
     *
     * @return the key that was reused
     */
    public String idempotencyKey() {
        return idempotencyKey;
    }
}
