package dev.sandgate.testkit.internal;

/** Makes control characters visible in a server-chosen string before it reaches a log line or a toString. */
final class Visible {
    private Visible() {
    }

    /** The text with control characters (C0, DEL, C1) as {@code \xNN} escapes and a backslash doubled. */
    static String of(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
