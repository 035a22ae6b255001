package dev.sandgate.testkit.internal;

import java.time.Duration;
import java.util.regex.Pattern;

/** One injected API fault: which calls it hits, how many more times, and what it does. Not API. */
public final class FaultRule {
    /** What the fault does to a call. */
    public enum Kind {
        STATUS,
        MALFORMED_JSON,
        DELAY,
        CERTIFICATE_FOR_ANOTHER_KEY,
        EXPIRED_CERTIFICATE,
        HOST_CERTIFICATE,
        NOT_YET_VALID_CERTIFICATE,
        LONG_LIVED_CERTIFICATE,
        FOREIGN_PRINCIPALS_CERTIFICATE,
        UNKNOWN_CRITICAL_OPTION_CERTIFICATE,
        SHA1_SIGNED_CERTIFICATE,
        BROKEN_SIGNATURE_CERTIFICATE,
        SMALL_RSA_CA_CERTIFICATE,
        MISMATCHED_PRINCIPALS_FIELD,
        REDIRECT,
        OVERSIZED_BODY,
        ERROR_MESSAGE,
        /** Do the call, then hold its answer for {@link #duration}: a client that gave up meanwhile missed a success. */
        LATE_ANSWER,
        /** Answer normally, with the value at {@link #text} (a JSON Pointer) replaced by {@link #value}. */
        ANSWER_FIELD
    }

    final Kind kind;
    final int status;
    final Duration duration;
    /** The redirect's Location, or the error message, for the kinds that need one; else null. */
    final String text;
    /** The size of an oversized body; else 0. */
    final long bytes;
    /** For {@link Kind#ANSWER_FIELD}: the JSON value to put at the pointer; else null. */
    final String value;
    private final String method;
    private final Pattern path;
    private final Uses uses;

    /**
     * @param method   the HTTP method it hits, or null for any
     * @param path     a regular expression the whole path must match, or null for any
     * @param status   the status for {@link Kind#STATUS}
     * @param duration the delay for {@link Kind#DELAY} and {@link Kind#LATE_ANSWER}, or the Retry-After of a 429/503 (may be null)
     */
    public FaultRule(Kind kind, String method, String path, int status, Duration duration, int times) {
        this(kind, method, path, status, duration, null, 0, times);
    }

    /**
     * @param text  the redirect's Location or the error message (may be null)
     * @param bytes the size of an oversized body, else 0
     */
    public FaultRule(Kind kind, String method, String path, int status, Duration duration, String text, long bytes,
            int times) {
        this(kind, method, path, status, duration, text, bytes, null, times);
    }

    /** @param value for {@link Kind#ANSWER_FIELD}: the JSON value to put where {@code text} points, else null */
    public FaultRule(Kind kind, String method, String path, int status, Duration duration, String text, long bytes,
            String value, int times) {
        this.kind = kind;
        this.value = value;
        this.bytes = bytes;
        this.text = text;
        this.method = method;
        this.path = path == null ? null : Pattern.compile(path);
        this.status = status;
        this.duration = duration;
        this.uses = new Uses(times);
    }

    /** Whether the rule hits this call; if so, one use is taken. */
    boolean take(String callMethod, String callPath) {
        if (method != null && !method.equalsIgnoreCase(callMethod)) {
            return false;
        }
        if (path != null && !path.matcher(callPath).matches()) {
            return false;
        }
        return uses.take();
    }

    boolean isUsedUp() {
        return uses.usedUp();
    }
}
