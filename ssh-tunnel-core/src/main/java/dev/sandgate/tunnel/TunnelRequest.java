package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.Endpoints;

/**
 * What a {@link Transport} needs to open a tunnel: the session, its endpoints, how to authenticate, and how long
 * opening may take.
 *
 * <pre>{@code
 * try (Transport transport = Transport.httpConnect(TransportOptions.defaults())) {
 *     Tunnel tunnel = transport.open(new TunnelRequest("sess-1", issued.endpoints(), token));
 * }
 * }</pre>
 *
 * @param sessionId the session's id
 * @param endpoints where the gateway's tunnels are for the session
 * @param auth      how the tunnel authenticates to the gateway
 * @param timeLimit how long opening the tunnel may take at most, or null for the transport's own
 *                  {@link TransportOptions#connectTimeout()}; the shorter of the two applies
 */
public record TunnelRequest(String sessionId, Endpoints endpoints, TunnelAuth auth, Duration timeLimit) {
    /**
     * Checks that no component but the time limit is null, and that a time limit is positive.
     *
     * @param sessionId the session's id
     * @param endpoints where the gateway's tunnels are for the session
     * @param auth how the tunnel authenticates to the gateway
     * @param timeLimit how long opening the tunnel may take at most, or null for the transport's own limit
     */
    public TunnelRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(auth, "auth");
        if (timeLimit != null) {
            Checks.positive(timeLimit, "timeLimit");
        }
    }

    /**
     * A request authenticated with a bearer token, within the transport's own time limit.
     *
     * @param endpoints where the gateway's tunnels are for the session
     * @param bearerToken the token sent as {@code Bearer <token>}; not blank, no control characters
     * @param sessionId the session's id
     */
    public TunnelRequest(String sessionId, Endpoints endpoints, String bearerToken) {
        this(sessionId, endpoints, TunnelAuth.bearer(bearerToken), null);
    }

    /**
     * The shorter of {@link #timeLimit()} and the transport's own limit.
     *
     * @param transportLimit the transport's own time limit
     * @return the shorter of {@link #timeLimit()} and the transport's own limit
     */
    public Duration timeLimit(Duration transportLimit) {
        return timeLimit == null || transportLimit.compareTo(timeLimit) < 0 ? transportLimit : timeLimit;
    }

    @Override
    public String toString() {
        return "TunnelRequest{session=" + sessionId + ", " + endpoints + ", " + auth + "}";
    }
}
