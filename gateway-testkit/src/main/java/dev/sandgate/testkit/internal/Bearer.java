package dev.sandgate.testkit.internal;

/** Reads the token out of an {@code Authorization: Bearer <token>} style header value. */
final class Bearer {
    private Bearer() {
    }

    /** The token, or null when the header is absent or not a bearer credential. */
    static String token(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        String value = headerValue.trim();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
