package dev.sandgate.testkit;

import dev.sandgate.testkit.internal.GatewaySession;

/**
 * The bytes a {@link LocalGateway} has relayed for one session, over all its tunnels.
 *
 * <pre>{@code
 * Traffic traffic = gateway.traffic(sessionId);
 * assertTrue(traffic.bytesToSession() > 0);
 * }</pre>
 *
 * @param bytesToSession   bytes from clients to the session's SSH server
 * @param bytesFromSession bytes from the session's SSH server to clients
 * @param tunnelsOpened    tunnels (CONNECT or WebSocket) opened so far
 * @param tunnelsOpen      tunnel connections open now: two for a tunnel in use (its client side and its side to the
 *                         SSH server), one for a resumable tunnel waiting to be re-attached
 * @param tunnelsReattached how many times a resumable tunnel was re-attached after a drop (gateway contract v2)
 */
public record Traffic(long bytesToSession, long bytesFromSession, long tunnelsOpened, int tunnelsOpen,
        long tunnelsReattached) {
    /** The session's counts as they are now. */
    static Traffic of(GatewaySession session) {
        return new Traffic(session.bytesToSession(), session.bytesFromSession(), session.tunnelsOpened(),
                session.openTunnels(), session.tunnelsReattached());
    }
}
