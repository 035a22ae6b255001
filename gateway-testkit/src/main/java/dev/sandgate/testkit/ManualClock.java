package dev.sandgate.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when the test moves it, for testing what happens at certificate renewal and expiry
 * without waiting. It starts at the real time of its creation.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * CertificateCache cache = CertificateCache.builder(api).clock(clock).build();
 * clock.set(issued.renewAfter().plusSeconds(1));
 * }</pre>
 */
public final class ManualClock extends Clock {
    private volatile Instant now = Instant.now();

    /** A clock standing at the instant it is made, until it is moved. */
    public ManualClock() {
    }

    /**
     * Moves the clock forward.
     *
     * @param by how much to move the clock on
     */
    public void advance(Duration by) {
        now = now.plus(Objects.requireNonNull(by, "by"));
    }

    /**
     * Sets the clock to this instant.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
