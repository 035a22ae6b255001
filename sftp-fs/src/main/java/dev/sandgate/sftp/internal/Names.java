package dev.sandgate.sftp.internal;

/**
 * The checks a name from the server passes before it becomes part of a path, and its printable form for messages.
 * Public only inside this module (the package is not exported): {@code TreeTransfer} checks its targets with it too.
 */
public final class Names {
    /** The longest name shown whole in a message; longer ones are cut. */
    private static final int SHOWN_LENGTH = 200;

    private Names() {
    }

    /**
     * Whether {@code name} is one file name: not empty, not {@code .} or {@code ..}, and holding neither {@code /} nor
     * NUL (what no POSIX file system can have in a name) nor the file system's own {@code separator}.
     *
     * @param name      the name
     * @param separator the separator of the file system the name is to be used in
     * @return whether it names exactly one entry of a directory
     */
    public static boolean isSingleName(String name, String separator) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0 && (separator.isEmpty() || !name.contains(separator));
    }

    /**
     * The text with every control character (C0, DEL, C1) and every bidirectional override or isolate shown as an
     * escape ({@code \033}, {@code \r}, {@code \u202e}), as {@code ls -b} shows names, and cut to 200 characters: safe
     * in a message that may reach a terminal or a log.
     *
     * @param text the text from the server
     * @return the text, printable
     */
    public static String visible(String text) {
        StringBuilder shown = new StringBuilder(Math.min(text.length(), SHOWN_LENGTH) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (shown.length() >= SHOWN_LENGTH) {
                return shown.append("...").toString();
            }
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                case '\\' -> shown.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        shown.append(String.format("\\%03o", (int) c));
                    } else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
                            || (c >= 0x2066 && c <= 0x2069)) {
                        shown.append(String.format("\\u%04x", (int) c));
                    } else {
                        shown.append(c);
                    }
                }
            }
        }
        return shown.toString();
    }
}
