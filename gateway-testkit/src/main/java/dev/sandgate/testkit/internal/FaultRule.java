package dev.sandgate.testkit.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One API fault as it was asked for: what it does, which calls it hits and how many. Immutable, so one fault may be
 * injected again and again; {@link ApiFaults} counts each injection's uses. Not API.
 */
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
    /** The status answered, for the kinds that answer one; else 0. */
    final int status;
    /** The delay of {@link Kind#DELAY} and {@link Kind#LATE_ANSWER}, or the Retry-After of a 429/503; else null. */
    final Duration duration;
    /** The redirect's Location, the error message, or the {@link Kind#ANSWER_FIELD}'s JSON Pointer; else null. */
    final String text;
    /** The size of an oversized body; else 0. */
    final long bytes;
    /** For {@link Kind#ANSWER_FIELD}: the JSON value to put at the pointer; else null. */
    final String value;
    /** How many matching calls each injection hits. */
    final int times;
    /** The HTTP method it hits, or null for any. */
    private final String method;
    /** What the whole path must match, or null for any. */
    private final Pattern path;

    private FaultRule(Builder builder) {
        this.kind = builder.kind;
        this.status = builder.status;
        this.duration = builder.duration;
        this.text = builder.text;
        this.bytes = builder.bytes;
        this.value = builder.value;
        this.times = builder.times;
        this.method = builder.method;
        this.path = builder.path == null ? null : Pattern.compile(builder.path);
    }

    /** {@return a builder of a fault of this kind that hits the next single call of any kind} */
    public static Builder builder(Kind kind) {
        return new Builder(Objects.requireNonNull(kind, "kind"));
    }

    /** {@return a builder holding this rule's settings, to make a changed copy} */
    public Builder toBuilder() {
        Builder copy = new Builder(kind).on(method, path == null ? null : path.pattern()).times(times);
        copy.status = status;
        copy.duration = duration;
        copy.text = text;
        copy.bytes = bytes;
        copy.value = value;
        return copy;
    }

    /** Whether the rule is for this call, uses aside. */
    boolean matches(String callMethod, String callPath) {
        return (method == null || method.equalsIgnoreCase(callMethod))
                && (path == null || path.matcher(callPath).matches());
    }

    @Override
    public String toString() {
        return kind + (status > 0 ? " " + status : "") + (duration != null ? " " + duration : "")
                + (method != null ? " on " + method : "") + (path != null ? " " + path.pattern() : "") + " x" + times;
    }

    /** Collects a {@link FaultRule}'s settings; the public {@code ApiFault} factories check them before they get here. */
    public static final class Builder {
        private final Kind kind;
        private int status;
        private Duration duration;
        private String text;
        private long bytes;
        private String value;
        private int times = 1;
        private String method;
        private String path;

        private Builder(Kind kind) {
            this.kind = kind;
        }

        /** @param status the HTTP status it answers */
        public Builder status(int status) {
            this.status = status;
            return this;
        }

        /** @param duration the delay, or the Retry-After of a 429/503 */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** @param text the redirect's Location, the error message, or the JSON Pointer of an answer field */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** @param bytes the size of an oversized body */
        public Builder bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        /** @param json the JSON value an answer field gets */
        public Builder value(String json) {
            this.value = json;
            return this;
        }

        /**
         * @param method the HTTP method it hits, or null for any
         * @param path   a regular expression the whole path must match, or null for any
         */
        public Builder on(String method, String path) {
            this.method = method;
            this.path = path;
            return this;
        }

        /** @param times how many matching calls each injection hits */
        public Builder times(int times) {
            this.times = times;
            return this;
        }

        /** {@return the rule, immutable} */
        public FaultRule build() {
            return new FaultRule(this);
        }
    }
}
