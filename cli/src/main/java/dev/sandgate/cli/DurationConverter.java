package dev.sandgate.cli;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine;

/** Reads {@code 90s}, {@code 30m}, {@code 8h}, {@code 2d}, or an ISO-8601 duration such as {@code PT1H30M}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.trim());
        if (duration == null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: write e.g. 90s, 30m, 8h, 2d");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        return duration;
    }

    private static Duration parse(String text) {
        try {
            if (text.toLowerCase(Locale.ROOT).startsWith("p")) {
                return Duration.parse(text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            switch (Character.toLowerCase(text.charAt(text.length() - 1))) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    return null;
            }
        } catch (RuntimeException notADuration) {
            return null;
        }
    }
}
