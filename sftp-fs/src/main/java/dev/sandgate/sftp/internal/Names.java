package dev.sandgate.sftp.internal;

import dev.sandgate.cert.Visible;

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
     * The text cut to 200 characters and made {@linkplain Visible visible} ({@code \033}, {@code \r},
     * {@code \u202e}, as {@code ls -b} shows names): safe in a message that may reach a terminal or a log.
     *
     * @param text the text from the server
     * @return the text, printable
     */
    public static String visible(String text) {
        return Visible.excerpt(text, SHOWN_LENGTH);
    }
}
