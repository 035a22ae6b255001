package dev.sandgate.cert.internal;

import java.time.Duration;

/**
 * Durations as a message shows them to a person: {@code 300 ms}, {@code 2 s}, {@code 1.5 s}, {@code 5 min},
 * {@code 2 h 30 min}, {@code -1 s}; never {@code PT2S}. Not API.
 */
public final class Durations {
    private Durations() {
    }

    /**
     * @param duration a duration, or null
     * @return its words, or {@code "none"} for null
     */
    public static String shown(Duration duration) {
        if (duration == null) {
            return "none";
        }
        if (duration.isNegative()) {
            return "-" + shown(duration.negated());
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
