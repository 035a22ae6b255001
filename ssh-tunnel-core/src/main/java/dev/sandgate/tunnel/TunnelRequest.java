package dev.sandgate.tunnel;

import java.util.Objects;

import dev.sandgate.cert.Endpoints;

/**
 * What a {@link Transport} needs to open a tunnel: the session, its endpoints, and the bearer token for the gateway.
 *
 * <pre>{@code
 * Tunnel tunnel = Transport.httpConnect().open(new TunnelRequest("sess-1", issued.endpoints(), token));
 * }</pre>
 *
 * <p>{@link #toString()} leaves the token out.
 */
public record TunnelRequest(String sessionId, Endpoints endpoints, String bearerToken) {
    public TunnelRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(bearerToken, "bearerToken");
    }

    @Override
    public String toString() {
        return "TunnelRequest{session=" + sessionId + ", " + endpoints + "}";
    }
}
