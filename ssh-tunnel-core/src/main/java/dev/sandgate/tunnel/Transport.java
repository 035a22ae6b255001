package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

import dev.sandgate.tunnel.internal.DirectTransport;
import dev.sandgate.tunnel.internal.HttpConnectTransport;
import dev.sandgate.tunnel.internal.WebSocketTransport;

/**
 * Opens {@link Tunnel}s to sandbox sessions: HTTP CONNECT and WebSocket (gateway contract v1), and plain TCP for
 * users who can reach the SSH server directly. A transport is a resource: it holds threads (a WebSocket's pings) and
 * settings, and whoever makes one closes it. Implementations are thread-safe.
 *
 * <p>Most users never make one: a {@link SandboxSsh} makes its own, of the {@link TransportKind} chosen or the kind
 * each session's endpoints call for, with its builder's settings, and closes them with itself. Make one to share it
 * between several {@link SandboxSsh}s, to relay raw tunnels, or to give it settings of its own:
 *
 * <pre>{@code
 * try (Transport transport = Transport.webSocket(TransportOptions.builder().tlsTrust(trust).build())) {
 *     SandboxSsh a = SandboxSsh.builder().apiUrl(url).token(token).transport(transport).build();
 *     ...
 * }
 * }</pre>
 */
public interface Transport extends Closeable {
    /**
     * Opens a tunnel; returns once the gateway has accepted it.
     *
     * @param request the session, its endpoints, the tunnel's auth and time limit
     * @return the open tunnel, its bytes flowing
     * @throws TunnelRefusedException when the gateway refuses (bad token, unknown session, ...)
     * @throws TunnelException        when the gateway cannot be reached, is too slow, or breaks the protocol
     */
    Tunnel open(TunnelRequest request) throws IOException;

    /** Releases the transport's threads; open tunnels are closed by their connections. */
    @Override
    void close();

    /**
     * HTTP CONNECT through the session's {@code endpoints.connect} proxy.
     *
     * @param options its TLS trust, time limit, endpoint policy and resolver
     * @return the transport, which the caller closes
     */
    static Transport httpConnect(TransportOptions options) {
        return new HttpConnectTransport(Objects.requireNonNull(options, "options"));
    }

    /**
     * A WebSocket to the session's {@code endpoints.websocket} URL.
     *
     * @param options its TLS trust, time limit, endpoint policy, resolver, pings and message bound
     * @return the transport, which the caller closes
     */
    static Transport webSocket(TransportOptions options) {
        return new WebSocketTransport(Objects.requireNonNull(options, "options"));
    }

    /**
     * Plain TCP to this SSH server address, whatever the session's endpoints say.
     *
     * @param sshServer the SSH server's address
     * @param options   its time limit, endpoint policy (the tunnel host allowlist) and resolver
     * @return the transport, which the caller closes
     */
    static Transport direct(InetSocketAddress sshServer, TransportOptions options) {
        return new DirectTransport(Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(sshServer, "sshServer"));
    }
}
