package dev.sandgate.cert.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.ApiForbiddenException;
import dev.sandgate.cert.ApiUnauthorizedException;
import dev.sandgate.cert.RateLimitedException;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.cert.ServerErrorException;
import dev.sandgate.cert.SessionConflictException;
import dev.sandgate.cert.SessionNotFoundException;
import okhttp3.Response;

/** Turns an error answer of the API into the exception for its status, in one place. Not API. */
public final class ApiErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiErrors() {
    }

    /**
     * @param what   the call, e.g. {@code GET /sessions/abc}
     * @param secret the token, blanked out of anything quoted from the answer
     */
    public static SandboxApiException of(String what, Response response, String body, String secret) {
        int status = response.code();
        String code = null;
        String message = null;
        try {
            JsonNode error = MAPPER.readTree(body).path("error");
            code = error.hasNonNull("code") ? error.get("code").asText() : null;
            message = error.hasNonNull("message") ? error.get("message").asText() : null;
        } catch (Exception notJson) {
            // the message below quotes the body instead
        }
        StringBuilder text = new StringBuilder(what).append(" failed: HTTP ").append(status);
        if (code != null) {
            code = Redaction.excerpt(code, secret);
            text.append(' ').append(code);
        }
        String said = message == null ? null : Redaction.excerpt(message, secret);
        if (said != null) {
            text.append(": ").append(said);
        } else if (!body.isBlank()) {
            text.append(": ").append(Redaction.excerpt(body, secret));
        }
        String full = text.toString();
        switch (status) {
            case 401: return new ApiUnauthorizedException(full, status, code, said, null);
            case 403: return new ApiForbiddenException(full, status, code, said, null);
            case 404: return new SessionNotFoundException(full, status, code, said, null);
            case 409:
                // a gateway's "this Idempotency-Key's first call is still working" says nothing of a session's state
                return RetryPolicy.KEY_IN_USE.equals(code) ? new SandboxApiException(full, status, code, said, null)
                        : new SessionConflictException(full, status, code, said, null);
            case 429:
                return new RateLimitedException(full, code, said, retryAfter(response), longHeader(response, "X-RateLimit-Limit"),
                        longHeader(response, "X-RateLimit-Remaining"), reset(response));
            default:
                return status >= 500 ? new ServerErrorException(full, status, code, said, null)
                        : new SandboxApiException(full, status, code, said, null);
        }
    }

    /** {@code Retry-After} as seconds or as an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(Response response) {
        String value = response.header("Retry-After");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    private static Long longHeader(Response response, String name) {
        String value = response.header(name);
        try {
            return value == null ? null : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code X-RateLimit-Reset}: epoch seconds when it looks like a date, otherwise seconds from now. */
    private static Instant reset(Response response) {
        Long value = longHeader(response, "X-RateLimit-Reset");
        if (value == null) {
            return null;
        }
        return value > 1_000_000_000L ? Instant.ofEpochSecond(value) : Instant.now().plusSeconds(value);
    }
}
