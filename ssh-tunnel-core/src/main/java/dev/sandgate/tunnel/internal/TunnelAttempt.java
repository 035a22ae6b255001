package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelRefusedException;

/**
 * One handshake (CONNECT or WebSocket upgrade) on a new connection: an open tunnel, or a refusal with the
 * authentication challenges that came with it, which the transport may answer once.
 */
final class TunnelAttempt {
    final Tunnel tunnel;
    final TunnelRefusedException refusal;
    final List<String> challenges;
    /** The answer that opened the tunnel; null for a refusal. */
    final HttpResponseHead head;

    private TunnelAttempt(Tunnel tunnel, HttpResponseHead head, TunnelRefusedException refusal, List<String> challenges) {
        this.tunnel = tunnel;
        this.head = head;
        this.refusal = refusal;
        this.challenges = challenges;
    }

    /** One handshake on a new connection with these headers; a refusal's body is cleaned of {@code secrets}. */
    @FunctionalInterface
    interface Handshake {
        TunnelAttempt attempt(Map<String, String> headers, List<String> secrets) throws IOException;
    }

    /**
     * The tunnel of a first handshake with the auth's headers, or, when that one was refused with a 401 or 407
     * challenge the auth can answer and time is left, of a second handshake with the answer; else the last refusal.
     * Both transports open their tunnels this way.
     */
    static TunnelAttempt answeringOneChallenge(TunnelAuth auth, TunnelAuth.Kind kind, long deadline, Handshake handshake)
            throws IOException {
        Map<String, String> headers = auth.headers(kind);
        List<String> secrets = new ArrayList<>(GatewayErrorBody.secrets(headers));
        TunnelAttempt first = handshake.attempt(headers, secrets);
        if (first.tunnel != null) {
            return first;
        }
        Optional<Map<String, String>> answer = first.challenges.isEmpty() ? Optional.empty()
                : auth.answerChallenge(kind, first.challenges);
        if (answer.isEmpty() || deadline - System.nanoTime() <= 0) {
            throw first.refusal;
        }
        secrets.addAll(GatewayErrorBody.secrets(answer.get()));
        TunnelAttempt second = handshake.attempt(answer.get(), secrets);
        if (second.tunnel != null) {
            return second;
        }
        throw second.refusal;
    }

    static TunnelAttempt opened(Tunnel tunnel, HttpResponseHead head) {
        return new TunnelAttempt(tunnel, head, null, List.of());
    }

    /** A refusal; the challenges count only for a 401 or 407. */
    static TunnelAttempt refused(TunnelRefusedException refusal, int status, List<String> challenges) {
        boolean challenged = status == 401 || status == 407;
        return new TunnelAttempt(null, null, refusal, challenged ? List.copyOf(challenges) : List.of());
    }
}
