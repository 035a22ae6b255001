package dev.sandgate.tunnel;

import java.io.IOException;

import dev.sandgate.tunnel.internal.HttpConnectTransport;
import dev.sandgate.tunnel.internal.WebSocketTransport;

/**
 * Opens {@link Tunnel}s to sandbox sessions. Built in: HTTP CONNECT and WebSocket, per gateway contract v1.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl("https://api.example.com/v1")
 *         .token(token)
 *         .transport(Transport.webSocket())
 *         .build();
 * }</pre>
 *
 * <p>Implementations are thread-safe and may hold resources (a connection pool); the {@link SandboxSsh} they are
 * given to does not close them.
 */
@FunctionalInterface
public interface Transport {
    /**
     * Opens a tunnel; returns once the gateway has accepted it.
     *
     * @throws TunnelRefusedException when the gateway refuses (bad token, unknown session, ...)
     * @throws TunnelException        when the gateway cannot be reached or breaks the protocol
     */
    Tunnel open(TunnelRequest request) throws IOException;

    /** HTTP CONNECT through the session's {@code endpoints.connect} proxy, with default options. */
    static Transport httpConnect() {
        return httpConnect(TransportOptions.defaults());
    }

    static Transport httpConnect(TransportOptions options) {
        return new HttpConnectTransport(options);
    }

    /** A WebSocket to the session's {@code endpoints.websocket} URL, with default options. */
    static Transport webSocket() {
        return webSocket(TransportOptions.defaults());
    }

    static Transport webSocket(TransportOptions options) {
        return new WebSocketTransport(options);
    }
}
