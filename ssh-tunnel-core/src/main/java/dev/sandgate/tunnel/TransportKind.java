package dev.sandgate.tunnel;

/**
 * Which built-in transport a {@link SandboxSsh} opens its tunnels with: a choice, which the {@link SandboxSsh} turns
 * into a {@link Transport} with its builder's TLS trust, time limit, endpoint policy and resolver, and closes with
 * itself. Without a choice (from the builder or the provider) each tunnel follows its session's endpoints: HTTP
 * CONNECT when they name a CONNECT proxy, else WebSocket.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl("https://api.example.com/v1")
 *         .token(token)
 *         .transport(TransportKind.WEB_SOCKET)   // the mint answer names both; take the WebSocket
 *         .build();
 * }</pre>
 *
 * <p>For a transport with settings of its own, which you share between several {@link SandboxSsh}s and close
 * yourself, make one with {@link Transport#httpConnect(TransportOptions)} or
 * {@link Transport#webSocket(TransportOptions)} and give that to {@link SandboxSsh.Builder#transport(Transport)}.
 */
public enum TransportKind {
    /** HTTP CONNECT through the session's {@code endpoints.connect} proxy. */
    HTTP_CONNECT,
    /** A WebSocket to the session's {@code endpoints.websocket} URL. */
    WEB_SOCKET,
    /**
     * Plain TCP to the SSH server the session's CONNECT target names, with no gateway in between: for users on the
     * sandbox's own network, and for measuring the tunnels against. Never chosen by the endpoints.
     */
    DIRECT
}
