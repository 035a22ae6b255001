package dev.sandgate.cert.internal;

/** Keeps secrets out of text that may end up in messages. Not API. */
public final class Redaction {
    private static final int MAX_EXCERPT = 200;

    private Redaction() {
    }

    /** The text with every occurrence of the secret replaced by {@code ***}. */
    public static String redact(String text, String secret) {
        return secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
    }

    /**
     * At most 200 characters of a body on one line, with the secret blanked out and control characters shown as
     * {@code ?}: what a peer says must not write lines of its own into a message or a log.
     */
    public static String excerpt(String body, String secret) {
        String flat = redact(body.strip().replaceAll("\\s+", " "), secret).replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= MAX_EXCERPT ? flat : flat.substring(0, MAX_EXCERPT) + "...";
    }
}
