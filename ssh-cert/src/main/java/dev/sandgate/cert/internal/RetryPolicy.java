package dev.sandgate.cert.internal;

import java.time.Duration;

import dev.sandgate.cert.RateLimitedException;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.ServerErrorException;

/**
 * Which failures a call may retry, and after how long. GETs are safe to repeat: they retry on 5xx and 429. A mint
 * retries only when the API said when to come back (429 or 503 with {@code Retry-After}), since a retried mint that
 * had in fact succeeded costs a certificate. Other calls do not retry. Not API.
 */
public enum RetryPolicy {
    IDEMPOTENT,
    MINT,
    NONE;

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
            case MINT:
                boolean retriable = failure instanceof RateLimitedException || failure.status() == 503;
                return retriable && retryAfter != null ? retryAfter : null;
            default:
                return null;
        }
    }
}
