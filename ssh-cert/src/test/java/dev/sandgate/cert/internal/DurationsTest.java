package dev.sandgate.cert.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Durations in messages read as a person writes them, never as ISO-8601's {@code PT2S}. */
class DurationsTest {
    @Test
    void eachScaleReadsAsWords() {
        assertEquals("0 ms", Durations.shown(Duration.ZERO));
        assertEquals("250 µs", Durations.shown(Duration.ofNanos(250_000)));
        assertEquals("300 ms", Durations.shown(Duration.ofMillis(300)));
        assertEquals("2 s", Durations.shown(Duration.ofSeconds(2)));
        assertEquals("1.5 s", Durations.shown(Duration.ofMillis(1500)));
        assertEquals("5 min", Durations.shown(Duration.ofMinutes(5)));
        assertEquals("1 min 30 s", Durations.shown(Duration.ofSeconds(90)));
        assertEquals("2 h 30 min", Durations.shown(Duration.ofMinutes(150)));
        assertEquals("-1 s", Durations.shown(Duration.ofSeconds(-1)));
        assertEquals("none", Durations.shown(null));
    }

    @Test
    void aBadDurationIsNamedInWords() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Checks.positive(Duration.ofSeconds(-2), "connectTimeout"));
        assertEquals("connectTimeout must be positive, got -2 s", e.getMessage());
    }
}
