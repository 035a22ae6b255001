package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.Visible;

/**
 * Argument checks of this module's builders, each naming the bad value. The duration checks repeat ssh-cert's internal
 * ones (no module reaches into another's internal package); both word the value with {@link Visible#duration}.
 */
final class Checks {
    private Checks() {
    }

    /** The duration, if it is more than zero. */
    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + Visible.duration(value));
        }
        return value;
    }

    /** The duration, if it is zero or more. */
    static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + Visible.duration(value));
        }
        return value;
    }

    /** A host name or address to connect to: not empty, no whitespace or control characters. */
    static String host(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("A host must be a name or an address without spaces, got '" + host + "'");
        }
        return host;
    }

    /** A port to connect to: 1 to 65535. */
    static int port(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1 to 65535, got " + port);
        }
        return port;
    }

    /** A port to listen on: 0 (any free port) to 65535. */
    static int localPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("A port to listen on must be 0 (any free one) to 65535, got " + port);
        }
        return port;
    }
}
