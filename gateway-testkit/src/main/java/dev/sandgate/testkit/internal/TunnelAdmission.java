package dev.sandgate.testkit.internal;

/**
 * Decides whether a tunnel (CONNECT or WebSocket) may open to a session, and if not, why, in the contract's terms.
 */
final class TunnelAdmission {
    /** A refusal: the HTTP status (CONNECT), the WebSocket close code, and a message for the client. */
    record Refusal(int httpStatus, int closeCode, String code, String message) {
    }

    private final SessionRegistry registry;

    TunnelAdmission(SessionRegistry registry) {
        this.registry = registry;
    }

    /** Returns the refusal, or null when the tunnel may open to {@code session}. */
    Refusal check(String token, String sessionId, GatewaySession session) {
        if (token == null) {
            return new Refusal(407, 4401, "unauthorized", "A bearer token is required to open a tunnel");
        }
        if (registry.issuesTunnelCredentials()) {
            if (session == null) {
                return new Refusal(404, 4404, "session_not_found", "No session " + sessionId);
            }
            if (!session.acceptsTunnelCredential(token)) {
                return new Refusal(407, 4401, "unauthorized", "Tunnels to session " + session.id + " take the session's"
                        + " tunnel credential from its mint answer, not an account token");
            }
            return session.isRunning() ? null : new Refusal(409, 4409, "session_not_running", "Session " + session.id
                    + " is " + session.status().name().toLowerCase());
        }
        if (!registry.isValidToken(token)) {
            return new Refusal(407, 4401, "unauthorized", "The bearer token is not valid");
        }
        if (session == null) {
            return new Refusal(404, 4404, "session_not_found", "No session " + sessionId);
        }
        if (!session.ownerToken.equals(token)) {
            return new Refusal(403, 4403, "forbidden", "Session " + session.id + " belongs to another account");
        }
        if (!session.isRunning()) {
            return new Refusal(409, 4409, "session_not_running", "Session " + session.id + " is "
                    + session.status().name().toLowerCase());
        }
        return null;
    }
}
