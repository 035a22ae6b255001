package dev.sandgate.cert;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The API is rate limiting (HTTP 429). Carries what the API said about when to come back and how much is left.
 *
 * <pre>{@code
 * catch (RateLimitedException e) {
 *     Thread.sleep(e.retryAfter().orElse(Duration.ofSeconds(5)).toMillis());
 * }
 * }</pre>
 */
public class RateLimitedException extends SandboxApiException implements Refused {
    private static final long serialVersionUID = 1L;

    /** The retry after, kept in the serialized form. */
    private final Duration retryAfter;
    /** The limit, kept in the serialized form. */
    private final Long limit;
    /** The remaining, kept in the serialized form. */
    private final Long remaining;
    /** The reset, kept in the serialized form. */
    private final Instant reset;

    /**
     * An answer of 429 Too Many Requests, with what its headers said.
     *
     * @param message what went wrong, with no secret in it
     * @param errorCode the API's error code, or null
     * @param apiMessage the message the API gave, or null
     * @param retryAfter from {@code Retry-After}, or null
     * @param limit      from {@code X-RateLimit-Limit}, or null
     * @param remaining  from {@code X-RateLimit-Remaining}, or null
     * @param reset      from {@code X-RateLimit-Reset}, or null
     */
    public RateLimitedException(String message, String errorCode, String apiMessage, Duration retryAfter, Long limit,
            Long remaining, Instant reset) {
        super(message, 429, errorCode, apiMessage, null);
        this.retryAfter = retryAfter;
        this.limit = limit;
        this.remaining = remaining;
        this.reset = reset;
    }

    /**
     * How long the API asked to wait ({@code Retry-After}).
     *
     * @return how long the API asked to wait ({@code Retry-After})
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The request budget of the window ({@code X-RateLimit-Limit}).
     *
     * @return the request budget of the window ({@code X-RateLimit-Limit})
     */
    public OptionalLong limit() {
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /**
     * What is left of the budget ({@code X-RateLimit-Remaining}).
     *
     * @return what is left of the budget ({@code X-RateLimit-Remaining})
     */
    public OptionalLong remaining() {
        return remaining == null ? OptionalLong.empty() : OptionalLong.of(remaining);
    }

    /**
     * When the budget refills ({@code X-RateLimit-Reset}).
     *
     * @return when the budget refills ({@code X-RateLimit-Reset})
     */
    public Optional<Instant> reset() {
        return Optional.ofNullable(reset);
    }

    /** {@link Refusal#RATE_LIMITED}. */
    @Override
    public Refusal refusal() {
        return Refusal.RATE_LIMITED;
    }
}
