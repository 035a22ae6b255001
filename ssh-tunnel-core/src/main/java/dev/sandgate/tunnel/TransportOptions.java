package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.TlsTrust;

/**
 * Settings shared by the built-in transports.
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.builder()
 *         .tlsTrust(TlsTrust.trusting(gatewayCertificate))
 *         .connectTimeout(Duration.ofSeconds(5))
 *         .build();
 * Transport transport = Transport.webSocket(options);
 * }</pre>
 *
 * @param tlsTrust       which certificates to trust for https:// proxies and wss:// URLs
 * @param connectTimeout how long opening a tunnel may take, TCP connect to first bytes
 * @param pingInterval   how often a WebSocket tunnel pings, to keep idle tunnels alive through load balancers
 */
public record TransportOptions(TlsTrust tlsTrust, Duration connectTimeout, Duration pingInterval) {
    public TransportOptions {
        Objects.requireNonNull(tlsTrust, "tlsTrust");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
    }

    /** The JVM's trust store, 15 s to open, a ping every 30 s. */
    public static TransportOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TransportOptions}; each setter checks its value at once. */
    public static final class Builder {
        private TlsTrust tlsTrust = TlsTrust.system();
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration pingInterval = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder tlsTrust(TlsTrust tlsTrust) {
            this.tlsTrust = Objects.requireNonNull(tlsTrust, "tlsTrust");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /** How often WebSocket tunnels ping; {@link Duration#ZERO} turns pings off. */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = Checks.notNegative(interval, "pingInterval");
            return this;
        }

        public TransportOptions build() {
            return new TransportOptions(tlsTrust, connectTimeout, pingInterval);
        }
    }
}
