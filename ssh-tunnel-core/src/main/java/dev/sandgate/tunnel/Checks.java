package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Objects;

/** Argument checks of this module's builders, each naming the bad value; the duration checks are ssh-cert's. */
final class Checks {
    private Checks() {
    }

    /** The duration, if it is more than zero: the one check every module shares. */
    static Duration positive(Duration value, String name) {
        return dev.sandgate.cert.internal.Checks.positive(value, name);
    }

    /** The duration, if it is zero or more. */
    static Duration notNegative(Duration value, String name) {
        return dev.sandgate.cert.internal.Checks.notNegative(value, name);
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
