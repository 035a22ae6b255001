package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

import dev.sandgate.tunnel.internal.DirectTransport;
import dev.sandgate.tunnel.internal.HttpConnectTransport;
import dev.sandgate.tunnel.internal.UnboundTransport;
import dev.sandgate.tunnel.internal.WebSocketTransport;

/**
 * Opens {@link Tunnel}s to sandbox sessions. Built in: HTTP CONNECT and WebSocket (gateway contract v1), and plain
 * TCP for users who can reach the SSH server directly.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl("https://api.example.com/v1")
 *         .token(token)
 *         .transport(Transport.webSocket())      // takes the builder's tlsTrust and connectTimeout
 *         .build();
 * }</pre>
 *
 * <p>A transport made without options ({@link #httpConnect()}, {@link #webSocket()}, {@link #direct()}) is a choice,
 * not a resource: the {@link SandboxSsh} it is given to builds its own from it, with the builder's TLS trust and
 * time limit, and closes that when it closes. A transport made with {@link TransportOptions} is used as it is and
 * stays the caller's to close. Implementations are thread-safe.
 */
public interface Transport extends Closeable {
    /**
     * Opens a tunnel; returns once the gateway has accepted it.
     *
     * @param request the request
     * @return the open
     * @throws TunnelRefusedException when the gateway refuses (bad token, unknown session, ...)
     * @throws TunnelException        when the gateway cannot be reached, is too slow, or breaks the protocol
     */
    Tunnel open(TunnelRequest request) throws IOException;

    /** Releases the transport's threads and pooled connections; open tunnels are closed by their connections. */
    @Override
    default void close() {
    }

    /**
     * HTTP CONNECT through the session's {@code endpoints.connect} proxy, with the settings of whoever uses it.
     *
     * @return HTTP CONNECT through the session's {@code endpoints.connect} proxy
     */
    static Transport httpConnect() {
        return new UnboundTransport("httpConnect", HttpConnectTransport::new);
    }

    /**
     * HTTP CONNECT with settings of its own, which the caller closes with the transport.
     *
     * @param options how to run it
     * @return the transport
     */
    static Transport httpConnect(TransportOptions options) {
        return new HttpConnectTransport(Objects.requireNonNull(options, "options"));
    }

    /**
     * A WebSocket to the session's {@code endpoints.websocket} URL, with the settings of whoever uses it.
     *
     * @return a WebSocket to the session's {@code endpoints.websocket} URL, with the settings of whoever uses it
     */
    static Transport webSocket() {
        return new UnboundTransport("webSocket", WebSocketTransport::new);
    }

    /**
     * A WebSocket with settings of its own, which the caller closes with the transport.
     *
     * @param options how to run it
     * @return the transport
     */
    static Transport webSocket(TransportOptions options) {
        return new WebSocketTransport(Objects.requireNonNull(options, "options"));
    }

    /**
     * Plain TCP to the SSH server named by the session's CONNECT target ({@code host:port}), with no gateway in
     * between: for users on the same network as the sandbox, and for measuring the tunnels against.
     *
     * @return the transport
     */
    static Transport direct() {
        return new UnboundTransport("direct", options -> new DirectTransport(options, null));
    }

    /**
     * Plain TCP to this SSH server address, whatever the session's endpoints say.
     *
     * @param options how to run it
     * @param sshServer the ssh server
     * @return the transport
     */
    static Transport direct(InetSocketAddress sshServer, TransportOptions options) {
        return new DirectTransport(Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(sshServer, "sshServer"));
    }
}
