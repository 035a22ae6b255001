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

    /**
     * A Connect-protocol error answer ({@code {"code","message"}}, as Tenki's API sends): the exception is chosen by
     * the Connect {@code code}, never by the message, and by the HTTP status only when the body names no code (a
     * proxy's answer). The codes map onto the exceptions of Sandgate's own contract, so that a {@code Refusal} is the
     * same whichever provider was refused: {@code unauthenticated} as a 401, {@code permission_denied} as a 403,
     * {@code not_found} as a 404 (no such session), {@code failed_precondition} as a 409 (the session is not running;
     * Connect sends it as HTTP 400), {@code resource_exhausted} as a 429, {@code unavailable} and {@code internal}
     * as a 5xx. The exception keeps the HTTP status that came.
     *
     * @param what   the call, e.g. {@code IssueSandboxSSHCert}
     * @param secret the token, blanked out of anything quoted from the answer
     */
    public static SandboxApiException ofConnect(String what, Response response, String body, String secret) {
        int status = response.code();
        String code = null;
        String message = null;
        try {
            JsonNode error = MAPPER.readTree(body);
            if (error != null && error.path("code").isTextual()) {
                code = error.get("code").asText();
            }
            if (error != null && error.path("message").isTextual()) {
                message = error.get("message").asText();
            }
        } catch (Exception notJson) {
            // the status decides below, and the message quotes the body
        }
        if (code == null || !code.matches("[a-z_]{1,40}")) {
            return of(what, response, body, secret);
        }
        StringBuilder text = new StringBuilder(what).append(" failed: HTTP ").append(status).append(' ').append(code);
        String said = message == null ? null : Redaction.excerpt(message, secret);
        if (said != null) {
            text.append(": ").append(said);
        }
        String full = text.toString();
        switch (code) {
            case "unauthenticated": return new ApiUnauthorizedException(full, status, code, said, null);
            case "permission_denied": return new ApiForbiddenException(full, status, code, said, null);
            case "not_found": return new SessionNotFoundException(full, status, code, said, null);
            case "failed_precondition": return new SessionConflictException(full, status, code, said, null);
            case "resource_exhausted":
                return new RateLimitedException(full, code, said, retryAfter(response), null, null, null);
            case "unavailable":
            case "internal":
            case "unknown":
            case "data_loss":
            case "deadline_exceeded":
                return new ServerErrorException(full, status, code, said, null);
            default: return new SandboxApiException(full, status, code, said, null);
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
