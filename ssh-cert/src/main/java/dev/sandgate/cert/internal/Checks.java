package dev.sandgate.cert.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks that builders share, each naming the bad value. Not API. */
public final class Checks {
    private Checks() {
    }

    /** The duration, if it is more than zero. */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /** The duration, if it is zero or more. */
    public static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
