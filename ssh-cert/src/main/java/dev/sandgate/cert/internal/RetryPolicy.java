package dev.sandgate.cert.internal;

import java.time.Duration;

import dev.sandgate.cert.ApiConnectionException;
import dev.sandgate.cert.RateLimitedException;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.ServerErrorException;

/**
 * Which failures a call may retry, and after how long. GETs are safe to repeat: they retry on 5xx and 429. A mint
 * retries only when the API said when to come back (429 or 503 with {@code Retry-After}), since a retried mint that
 * had in fact succeeded costs a certificate. A session creation carries an {@code Idempotency-Key}, so a retry that
 * repeats a creation which had in fact succeeded gets that session back (from a gateway that honours the key): it
 * retries on 5xx, 429, a 409 saying the key's first call is still working, and when no answer came (a timeout, a
 * connection that broke). Other calls do not retry. Not API.
 */
public enum RetryPolicy {
    IDEMPOTENT,
    MINT,
    /** {@code POST /sessions} with an {@code Idempotency-Key}, the same on every try. */
    KEYED_CREATE,
    NONE;

    /** The contract's error code for a 409 answered while the first call with the same key is still working. */
    public static final String KEY_IN_USE = "idempotency_key_in_use";

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    /**
     * How long to wait before trying again after {@code failure} on attempt {@code attempt} (1-based), or null when
     * this failure is not retried.
     */
    public Duration delayBeforeRetry(SandboxApiException failure, Duration retryAfter, int attempt) {
        switch (this) {
            case IDEMPOTENT:
                if (failure instanceof RateLimitedException || failure instanceof ServerErrorException) {
                    return retryAfter != null ? retryAfter : FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 6));
                }
                return null;
            case KEYED_CREATE:
                // an ApiConnectionException reaches a policy only when no answer came and a retry may get one
                boolean again = failure instanceof RateLimitedException || failure instanceof ServerErrorException
                        || failure instanceof ApiConnectionException
                        || (failure.status() == 409 && KEY_IN_USE.equals(failure.errorCode()));
                if (!again) {
                    return null;
                }
                return retryAfter != null ? retryAfter : FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 6));
            case MINT:
                boolean retriable = failure instanceof RateLimitedException || failure.status() == 503;
                return retriable && retryAfter != null ? retryAfter : null;
            default:
                return null;
        }
    }
}
