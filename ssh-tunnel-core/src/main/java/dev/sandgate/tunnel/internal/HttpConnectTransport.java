package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;


import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.Refusal;
import dev.sandgate.tunnel.EndpointNotAllowedException;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;
import dev.sandgate.tunnel.TunnelRequest;

/**
 * Opens tunnels with HTTP CONNECT through a {@code http://} or {@code https://} proxy. A 401 or 407 challenge is
 * answered once, on a new connection, when the request's {@link TunnelAuth} has an answer. Not API: see
 * {@link Transport#httpConnect(TransportOptions)}.
 */
public final class HttpConnectTransport implements Transport {
    static final String POLICY_SETTING = "SandboxSsh.Builder.endpointPolicy (or TransportOptions.endpointPolicy)";

    private final TransportOptions options;

    public HttpConnectTransport(TransportOptions options) {
        this.options = options;
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        Endpoints.Connect endpoint = request.endpoints().connect().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no HTTP CONNECT endpoint; choose TransportKind.WEB_SOCKET"));
        String refusal = options.endpointPolicy().refusal(endpoint.proxyUrl(), true, POLICY_SETTING);
        if (refusal != null) {
            throw new EndpointNotAllowedException("HTTP CONNECT " + endpoint.target() + " was not attempted: " + refusal);
        }
        Duration limit = request.timeLimit(options.connectTimeout());
        long deadline = System.nanoTime() + limit.toNanos();
        String readerName = "sandgate-tunnel " + request.sessionId();
        return Resumption.open(options.resumption(), deadline, options.connectTimeout(), readerName,
                (extra, extraSecrets, until) -> TunnelAttempt.answeringOneChallenge(request.auth(),
                        TunnelAuth.Kind.HTTP_CONNECT, until, (headers, secrets) -> attempt(endpoint,
                                Resumption.joined(headers, extra), until, limit, Resumption.joined(secrets, extraSecrets),
                                readerName)));
    }

    /** Holds no threads or connections: each tunnel is its own socket, closed by its connection. */
    @Override
    public void close() {
    }

    private TunnelAttempt attempt(Endpoints.Connect endpoint, Map<String, String> headers, long deadline, Duration limit,
            List<String> secrets, String readerName) throws IOException {
        URI proxy = endpoint.proxyUrl();
        boolean tls = "https".equalsIgnoreCase(proxy.getScheme());
        String host = proxy.getHost();
        int port = proxy.getPort() > 0 ? proxy.getPort() : (tls ? 443 : 80);
        String description = "HTTP CONNECT " + endpoint.target() + " via " + proxy.getScheme() + "://" + host + ":" + port;

        Socket socket = null;
        try {
            socket = PeerSockets.open(options, host, port, tls, deadline);
            OutputStream out = socket.getOutputStream();
            out.write(connectRequest(endpoint.target(), headers).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new DeadlineInputStream(socket, socket.getInputStream(), deadline);
            HttpResponseHead head = HttpResponseHead.read(in);
            if (head.status / 100 == 2) {
                socket.setSoTimeout(0);
                return TunnelAttempt.opened(new SocketTunnel(socket, head.leftover, description, readerName), head);
            }
            String body = PeerSockets.errorBody(socket, head, deadline);
            socket.close();
            List<String> challenges = new ArrayList<>(head.values("proxy-authenticate"));
            challenges.addAll(head.values("www-authenticate"));
            return TunnelAttempt.refused(new TunnelRefusedException(Refusal.ofHttpStatus(head.status), head.status,
                    GatewayErrorBody.message(body, secrets), description), head.status, challenges);
        } catch (IOException e) {
            PeerSockets.closeQuietly(socket);
            throw PeerSockets.failure(e, description, "proxy", host, port, limit);
        }
    }

    /** The request head; the target was checked by {@link Endpoints.Connect} and the headers by {@link TunnelAuth}. */
    private static String connectRequest(String target, Map<String, String> headers) {
        StringBuilder request = new StringBuilder()
                .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("User-Agent: sandgate\r\n\r\n").toString();
    }

    @Override
    public String toString() {
        return "HttpConnectTransport{connectTimeout=" + options.connectTimeout() + ", " + options.tlsTrust() + "}";
    }
}
