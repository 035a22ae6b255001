package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.HostResolver;
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
 * @param webSocketSubprotocols the subprotocols a WebSocket upgrade offers ({@code Sec-WebSocket-Protocol}), in
 *                       order of preference; empty offers none
 * @param endpointPolicy which tunnel endpoints may receive the tunnel's credentials (TLS beyond loopback by default)
 * @param resolver       how host names are resolved
 * @param maxWebSocketMessage the longest WebSocket message a tunnel accepts, in bytes; a longer one ends the tunnel
 *                       with a {@link TunnelException} before it is read (16 MiB by default; SSH packets are at most
 *                       about 256 KiB, so only a broken or hostile gateway sends more)
 * @param resumption     whether tunnels ask gateways for resumption (gateway contract v2), so that a dropped
 *                       connection is re-attached without the SSH connection noticing; on by default, and only used
 *                       where the gateway grants it
 */
public record TransportOptions(TlsTrust tlsTrust, Duration connectTimeout, Duration pingInterval,
        List<String> webSocketSubprotocols, EndpointPolicy endpointPolicy, HostResolver resolver,
        long maxWebSocketMessage, boolean resumption) {
    /** The default of {@link #maxWebSocketMessage()}: 16 MiB. */
    public static final long DEFAULT_MAX_WEBSOCKET_MESSAGE = 16L * 1024 * 1024;

    /**
     * Checks the components and keeps an unmodifiable copy of the subprotocols.
     *
     * @param tlsTrust              the certificates to trust for {@code https://} and {@code wss://}
     * @param connectTimeout        how long opening a tunnel may take, TCP connect to first bytes
     * @param pingInterval          the time between WebSocket pings; zero for none
     * @param webSocketSubprotocols the subprotocols offered in the WebSocket upgrade, in order of preference; copied
     * @param endpointPolicy        which tunnel endpoints the token may go to
     * @param resolver              how host names are resolved
     * @param maxWebSocketMessage   the longest WebSocket message a tunnel accepts, in bytes
     * @param resumption            whether tunnels ask the gateway to make them resumable
     */
    public TransportOptions {
        if (maxWebSocketMessage < 1) {
            throw new IllegalArgumentException("maxWebSocketMessage must be positive, got " + maxWebSocketMessage);
        }
        Objects.requireNonNull(endpointPolicy, "endpointPolicy");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(tlsTrust, "tlsTrust");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
        webSocketSubprotocols = List.copyOf(webSocketSubprotocols);
        webSocketSubprotocols.forEach(Headers::name);
    }

    /**
     * The JVM's trust store, 15 s to open, a ping every 30 s, WebSocket messages up to 16 MiB.
     *
     * @return the JVM's trust store, 15 s to open, a ping every 30 s, WebSocket messages up to 16 MiB
     */
    public static TransportOptions defaults() {
        return builder().build();
    }

    /** {@return a builder that starts from {@link #defaults()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TransportOptions}; each setter checks its value at once. */
    public static final class Builder {
        private TlsTrust tlsTrust = TlsTrust.system();
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration pingInterval = Duration.ofSeconds(30);
        private List<String> webSocketSubprotocols = List.of();
        private EndpointPolicy endpointPolicy = EndpointPolicy.requireTls();
        private HostResolver resolver = HostResolver.SYSTEM;
        private long maxWebSocketMessage = DEFAULT_MAX_WEBSOCKET_MESSAGE;
        private boolean resumption = true;

        private Builder() {
        }

        /**
         * Which TLS certificates to trust for {@code https://} and {@code wss://} endpoints.
         *
         * @param tlsTrust the certificates to trust
         * @return this builder
         */
        public Builder tlsTrust(TlsTrust tlsTrust) {
            this.tlsTrust = Objects.requireNonNull(tlsTrust, "tlsTrust");
            return this;
        }

        /**
         * The time limit for opening a tunnel.
         *
         * @param timeout how long opening a tunnel may take, from the TCP connect to the gateway's answer; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How often WebSocket tunnels ping; {@link Duration#ZERO} turns pings off.
         *
         * @param interval the time between two pings; a gateway silent that long after one (5 s at least) has gone
         * @return this builder
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = Checks.notNegative(interval, "pingInterval");
            return this;
        }

        /**
         * Subprotocols to offer in a WebSocket upgrade, e.g. {@code "binary"} for some WebSocket-to-TCP bridges.
         *
         * @param subprotocols names for {@code Sec-WebSocket-Protocol}, in order of preference; none offers none
         * @return this builder
         */
        public Builder webSocketSubprotocols(String... subprotocols) {
            List<String> list = List.of(subprotocols);
            list.forEach(Headers::name);
            this.webSocketSubprotocols = list;
            return this;
        }

        /**
         * Which tunnel endpoints may receive credentials; default {@link EndpointPolicy#requireTls()}.
         *
         * @param policy which tunnel endpoints may receive the tunnel's credential; a refused one fails the open
         * @return this builder
         */
        public Builder endpointPolicy(EndpointPolicy policy) {
            this.endpointPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How host names are resolved; default the system's.
         *
         * @param resolver how host names resolve
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * The longest WebSocket message a tunnel accepts, in bytes (default 16 MiB): a gateway that sends a longer one
         * ends the tunnel with a {@link TunnelException} before the message is held in memory.
         *
         * @param bytes the longest message accepted, in bytes; positive
         * @return this builder
         */
        public Builder maxWebSocketMessage(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxWebSocketMessage must be positive, got " + bytes);
            }
            this.maxWebSocketMessage = bytes;
            return this;
        }

        /**
         * Whether tunnels ask the gateway to make them resumable (gateway contract v2): on by default. A gateway that
         * grants it keeps a dropped tunnel for a while and the tunnel re-attaches a new connection, sending again what
         * was lost, so commands, transfers and terminals go on. Plain proxies and v1 gateways ignore the request.
         *
         * @param resumption false to open plain v1 tunnels even where the gateway offers resumption
         * @return this builder
         */
        public Builder resumption(boolean resumption) {
            this.resumption = resumption;
            return this;
        }

        /** {@return a new {@code TransportOptions} with what was given to this builder} */
        public TransportOptions build() {
            return new TransportOptions(tlsTrust, connectTimeout, pingInterval, webSocketSubprotocols, endpointPolicy,
                    resolver, maxWebSocketMessage, resumption);
        }
    }
}
