package dev.sandgate.cert.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks that builders share, each naming the bad value. Not API. */
public final class Checks {
    private Checks() {
    }

    /** The duration, if it is more than zero. */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /** The duration, if it is zero or more. */
    public static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    /**
     * The session id, if it can stand as one path segment of a URL: not empty, not {@code .} or {@code ..} (which
     * a URL resolves as dot-segments, reaching another resource), and free of control characters and whitespace.
     */
    public static String sessionId(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isEmpty() || sessionId.equals(".") || sessionId.equals("..")) {
            throw new IllegalArgumentException("Not a session id: '" + sessionId + "'");
        }
        for (int i = 0; i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("A session id must not contain whitespace or control characters, got '"
                        + printable(sessionId) + "'");
            }
            if (c == '/' || c == '\\' || c == '?' || c == '#' || c == '%') {
                // a gateway may decode an escaped slash and route the request to another resource
                throw new IllegalArgumentException("A session id must not contain '" + c + "', got '"
                        + printable(sessionId) + "'");
            }
        }
        return sessionId;
    }

    /**
     * The value, if it can go into an HTTP header: no CR, LF or other control character, which would end the header
     * and let the value write headers of its own. The message never shows the value (it may be a secret).
     */
    public static String headerValue(String value, String name) {
        Objects.requireNonNull(value, name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((Character.isISOControl(c) && c != '\t') || c > 0xff) {
                throw new IllegalArgumentException(name + " must not contain line breaks or control characters"
                        + " (found one at index " + i + ")");
            }
        }
        return value;
    }

    /** The text with control characters shown as {@code ?}, cut to 80 characters. */
    public static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
