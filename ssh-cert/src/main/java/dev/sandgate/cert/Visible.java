package dev.sandgate.cert;

import java.time.Duration;

/**
 * How Sandgate shows a string a peer chose (a file name from the sandbox, a session id, metadata, a user name, an
 * error's words) in a message, a log line or a terminal: every character a terminal could take for a command or a
 * reordering is made visible, as {@code ls -b} and OpenSSH's {@code sftp} do. C0 controls become {@code \n},
 * {@code \r}, {@code \t} or octal ({@code \033} for ESC), DEL becomes {@code \177}, and C1 controls (U+0080-U+009F),
 * the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069)
 * and the line and paragraph separators (U+2028, U+2029) become {@code \}{@code u202e} and the like. A backslash stays
 * as it is (as in OpenSSH), so text escaped once, for instance in an exception's message, is not escaped twice.
 *
 * <pre>{@code
 * System.err.println("not copied: " + Visible.of(path));          // a name cannot retitle or clear the terminal
 * log.warn("refused: {}", Visible.excerpt(answer, 80));           // and a long one is cut
 * }</pre>
 */
public final class Visible {
    private Visible() {
    }

    /**
     * Whether a terminal could act on the character instead of showing it.
     *
     * @param c the character
     * @return true for C0 and C1 controls, DEL, bidirectional formatting characters and line or paragraph separators
     */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /**
     * The text with each {@linkplain #isUnsafe unsafe} character escaped; the text itself when it has none.
     *
     * @param text the text a peer chose, or null
     * @return the text, safe to print; null for null
     */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !isUnsafe(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUnsafe(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x80) {
                out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                        .append((char) ('0' + (c & 7)));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /**
     * As {@link #of(String)}, for any object's {@code toString()} (a path, a session).
     *
     * @param value the value, or null
     * @return its text, safe to print; null for null
     */
    public static String of(Object value) {
        return value == null ? null : of(value.toString());
    }

    /**
     * The text cut to its first {@code maxChars} characters (saying how long it was) and then made visible.
     *
     * @param text     the text a peer chose
     * @param maxChars how much of it to show, at least 1
     * @return the excerpt, safe to print
     */
    public static String excerpt(String text, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, not " + maxChars);
        }
        if (text.length() <= maxChars) {
            return of(text);
        }
        return of(text.substring(0, maxChars)) + "...(" + text.length() + " characters)";
    }

    /**
     * A duration as a message shows it to a person, never as ISO-8601's {@code PT2S}.
     *
     * <pre>{@code
     * Visible.duration(Duration.ofMillis(1500));   // "1.5 s"; also "300 ms", "5 min", "2 h 30 min"
     * }</pre>
     *
     * @param duration a duration, or null
     * @return its words ({@code 300 ms}, {@code 2 s}, {@code 1.5 s}, {@code 1 min 30 s}, {@code -1 s}), or
     *         {@code "none"} for null
     */
        public static String duration(Duration duration) {
        if (duration == null) {
            return "none";
        }
        if (duration.isNegative()) {
            return "-" + duration(duration.negated());
        }
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis == 0 && !duration.isZero() ? duration.toNanos() / 1000 + " µs" : millis + " ms";
        }
        if (millis < 60_000) {
            return millis % 1000 == 0 ? millis / 1000 + " s" : stripped(millis / 1000.0) + " s";
        }
        long seconds = duration.getSeconds();
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder words = new StringBuilder();
        if (hours > 0) {
            words.append(hours).append(" h");
        }
        if (minutes > 0) {
            words.append(words.length() > 0 ? " " : "").append(minutes).append(" min");
        }
        if (rest > 0) {
            words.append(words.length() > 0 ? " " : "").append(rest).append(" s");
        }
        return words.toString();
    }

    /** A number of seconds with up to three decimals and no trailing zeros. */
    private static String stripped(double seconds) {
        return java.math.BigDecimal.valueOf(seconds).setScale(3, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }
}
