package dev.sandgate.tunnel;

import java.util.Objects;

/** Checks on what goes into HTTP headers. */
final class Headers {
    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";

    private Headers() {
    }

    /** A header (or cookie) name: letters, digits and the few symbols HTTP allows in a token. */
    static String name(String name) {
        Objects.requireNonNull(name, "name");
        boolean valid = !name.isEmpty() && name.chars().allMatch(c -> c < 0x80
                && (Character.isLetterOrDigit(c) || TOKEN_CHARS.indexOf(c) >= 0));
        if (!valid) {
            throw new IllegalArgumentException("Not a valid HTTP header or cookie name: '"
                    + name.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return name;
    }

    /**
     * A value free of CR, LF and other control characters, which would end the header and let the value write
     * headers of its own. The message never shows the value: it is usually a secret.
     */
    static String value(String value, String what) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((Character.isISOControl(c) && c != '\t') || c > 0xff) {
                throw new IllegalArgumentException(what + " must not contain line breaks or control characters (found one"
                        + " at index " + i + ")");
            }
        }
        return value;
    }
}
