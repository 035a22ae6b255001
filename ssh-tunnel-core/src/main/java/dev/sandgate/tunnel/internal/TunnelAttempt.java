package dev.sandgate.tunnel.internal;

import java.util.List;

import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelRefusedException;

/**
 * One handshake (CONNECT or WebSocket upgrade) on a new connection: an open tunnel, or a refusal with the
 * authentication challenges that came with it, which the transport may answer once.
 */
final class TunnelAttempt {
    final Tunnel tunnel;
    final TunnelRefusedException refusal;
    final List<String> challenges;

    private TunnelAttempt(Tunnel tunnel, TunnelRefusedException refusal, List<String> challenges) {
        this.tunnel = tunnel;
        this.refusal = refusal;
        this.challenges = challenges;
    }

    static TunnelAttempt opened(Tunnel tunnel) {
        return new TunnelAttempt(tunnel, null, List.of());
    }

    /** A refusal; the challenges count only for a 401 or 407. */
    static TunnelAttempt refused(TunnelRefusedException refusal, int status, List<String> challenges) {
        boolean challenged = status == 401 || status == 407;
        return new TunnelAttempt(null, refusal, challenged ? List.copyOf(challenges) : List.of());
    }
}
