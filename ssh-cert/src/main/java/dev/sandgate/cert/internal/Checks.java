package dev.sandgate.cert.internal;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.Visible;

/** Argument checks that builders share, each naming the bad value. Not API. */
public final class Checks {
    private Checks() {
    }

    /** The duration, if it is more than zero. */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + Visible.duration(value));
        }
        return value;
    }

    /** The duration, if it is zero or more. */
    public static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + Visible.duration(value));
        }
        return value;
    }

    /** The longest session id, principal or shown excerpt taken: no real one comes near. */
    static final int MAX_ID = 256;
    private static final int MAX_SHOWN = 80;
    private static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,31}");
    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * The session id, if it can stand as one path segment of a URL and as a directory name: 1 to 256 characters, not
     * {@code .} or {@code ..} (which a URL resolves as dot-segments, reaching another resource), free of whitespace,
     * control characters (C0, DEL, C1), bidirectional overrides, and the URL delimiters {@code / \ ? # %}.
     */
    public static String sessionId(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isEmpty() || sessionId.equals(".") || sessionId.equals("..") || sessionId.length() > MAX_ID) {
            throw new IllegalArgumentException("Not a session id: '" + escaped(sessionId) + "' (" + sessionId.length()
                    + " characters; a session id has 1 to " + MAX_ID + " and is not . or ..)");
        }
        for (int i = 0; i < sessionId.length(); i++) {
            char c = sessionId.charAt(i);
            if (isUnsafe(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new IllegalArgumentException("A session id must not contain whitespace or control characters, got '"
                        + escaped(sessionId) + "'");
            }
            if (c == '/' || c == '\\' || c == '?' || c == '#' || c == '%') {
                // a gateway may decode an escaped slash and route the request to another resource
                throw new IllegalArgumentException("A session id must not contain '" + c + "', got '"
                        + escaped(sessionId) + "'");
            }
        }
        return sessionId;
    }

    /**
     * The user name, if it is a portable POSIX one: 1 to 32 letters, digits, {@code .}, {@code _} and {@code -}, not
     * starting with {@code -}. Nothing else may reach an ssh config's {@code User} line or a login.
     */
    public static String username(String username, String field) {
        Objects.requireNonNull(username, field);
        if (!USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("field '" + field + "' is not a portable user name (1 to 32 letters,"
                    + " digits, '.', '_' or '-', not starting with '-'): '" + escaped(username) + "'");
        }
        return username;
    }

    /**
     * The principal, if it is 1 to 256 characters without whitespace, commas (OpenSSH lists principals with commas)
     * or control characters.
     */
    public static String principal(String principal, String field) {
        Objects.requireNonNull(principal, field);
        boolean bad = principal.isEmpty() || principal.length() > MAX_ID;
        for (int i = 0; i < principal.length() && !bad; i++) {
            char c = principal.charAt(i);
            bad = isUnsafe(c) || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == ',';
        }
        if (bad) {
            throw new IllegalArgumentException("field '" + field + "' holds a principal that is empty, longer than "
                    + MAX_ID + " characters, or has whitespace, a comma or a control character: '" + escaped(principal)
                    + "'");
        }
        return principal;
    }

    /**
     * The host, if it is an IPv4 or IPv6 literal (the latter with or without brackets, without a zone) or a DNS name
     * of labels of letters, digits, {@code -} and {@code _} (1 to 63 each, not starting or ending with {@code -}),
     * at most 253 characters in all, the last not all digits. The underscore is allowed because a CONNECT target names a session for the
     * gateway and is never looked up in DNS.
     */
    public static String host(String host, String field) {
        Objects.requireNonNull(host, field);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        String bare = bracketed ? host.substring(1, host.length() - 1) : host;
        boolean valid;
        if (bare.indexOf(':') >= 0) {
            valid = IPV6.matcher(bare).matches() && bare.length() <= 45;
        } else if (bare.isEmpty() || bare.length() > 253 || bracketed) {
            valid = false;
        } else if (IPV4.matcher(bare).matches()) {
            valid = true;
        } else {
            String[] labels = bare.split("\\.", -1);
            // an all-digit last label is a mistyped address (10.0.0.999), not a name
            valid = !labels[labels.length - 1].matches("[0-9]+");
            for (String label : labels) {
                valid &= LABEL.matcher(label).matches();
            }
        }
        if (!valid) {
            throw new IllegalArgumentException("field '" + field + "' has a host that is neither a DNS name (labels of"
                    + " letters, digits, '-', '_') nor an IP address: '" + escaped(host) + "'");
        }
        return host;
    }

    /** The longest {@code Idempotency-Key} taken, as the gateway contract says. */
    public static final int MAX_IDEMPOTENCY_KEY = 255;

    /**
     * The key, if it can be an {@code Idempotency-Key}: 1 to 255 visible ASCII characters ({@code !} to {@code ~}),
     * so no space, control character or non-ASCII letter. The message shows the key (escaped): it is not a secret.
     */
    public static String idempotencyKey(String key) {
        Objects.requireNonNull(key, "idempotencyKey");
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            throw new IllegalArgumentException("An idempotency key has 1 to " + MAX_IDEMPOTENCY_KEY
                    + " characters, got " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("An idempotency key may hold only visible ASCII characters (no"
                        + " spaces or control characters), got '" + escaped(key) + "' with "
                        + (c == ' ' ? "a space" : String.format("U+%04X", (int) c)) + " at index " + i);
            }
        }
        return key;
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

    /** Whether a terminal could act on the character: see {@link Visible#isUnsafe}. */
    public static boolean isUnsafe(char c) {
        return Visible.isUnsafe(c);
    }

    /** The text, cut to its first 80 characters, made {@linkplain Visible visible}. */
    public static String escaped(String text) {
        return Visible.excerpt(text, MAX_SHOWN);
    }
}
