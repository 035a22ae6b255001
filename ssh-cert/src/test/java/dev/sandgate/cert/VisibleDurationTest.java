package dev.sandgate.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Durations in messages read as a person writes them, never as ISO-8601's {@code PT2S}. */
class VisibleDurationTest {
    @Test
    void eachScaleReadsAsWords() {
        assertEquals("0 ms", Visible.duration(Duration.ZERO));
        assertEquals("250 µs", Visible.duration(Duration.ofNanos(250_000)));
        assertEquals("300 ms", Visible.duration(Duration.ofMillis(300)));
        assertEquals("2 s", Visible.duration(Duration.ofSeconds(2)));
        assertEquals("1.5 s", Visible.duration(Duration.ofMillis(1500)));
        assertEquals("5 min", Visible.duration(Duration.ofMinutes(5)));
        assertEquals("1 min 30 s", Visible.duration(Duration.ofSeconds(90)));
        assertEquals("2 h 30 min", Visible.duration(Duration.ofMinutes(150)));
        assertEquals("-1 s", Visible.duration(Duration.ofSeconds(-1)));
        assertEquals("none", Visible.duration(null));
    }

    @Test
    void aBadDurationIsNamedInWords() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.sandgate.cert.internal.Checks.positive(Duration.ofSeconds(-2), "connectTimeout"));
        assertEquals("connectTimeout must be positive, got -2 s", e.getMessage());
    }
}
