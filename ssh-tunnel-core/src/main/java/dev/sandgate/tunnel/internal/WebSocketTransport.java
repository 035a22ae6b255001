package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 * Opens tunnels as WebSockets (RFC 6455) over a connection of its own to the gateway: the HTTP/1.1 upgrade, then
 * {@link WebSocketTunnel}. A 401 or 407 challenge is answered once, on a new connection, when the request's
 * {@link TunnelAuth} has an answer; redirects are not followed: the upgrade goes where the API said, or nowhere. No
 * extension is offered (a compressed message could not be bounded). Incoming messages are bounded by
 * {@link TransportOptions#maxWebSocketMessage()}. Each tunnel has a reader thread; one timer thread per transport
 * sends the pings. Not API: see {@link Transport#webSocket(TransportOptions)}.
 */
public final class WebSocketTransport implements Transport {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final TransportOptions options;
    private final ScheduledThreadPoolExecutor timers;
    /**
     * Writes control frames, so that no reader or timer waits on a socket: a virtual thread per frame on JDK 21 and
     * later, else pooled threads that end when idle for 5 s.
     */
    private final ExecutorService control;
    private final SecureRandom random = new SecureRandom();

    public WebSocketTransport(TransportOptions options) {
        this.options = options;
        this.timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sandgate-websocket-timer");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.setKeepAliveTime(5, TimeUnit.SECONDS);
        timers.allowCoreThreadTimeOut(true);
        ExecutorService virtual = PeerThreads.perTaskOrNull("sandgate-websocket-control-");
        this.control = virtual != null ? virtual : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "sandgate-websocket-control");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        if (timers.isShutdown()) {
            throw new IllegalStateException(this + " is closed");
        }
        Endpoints.WebSocket endpoint = request.endpoints().webSocket().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no WebSocket endpoint; choose TransportKind.HTTP_CONNECT"));
        URI url = endpoint.url();
        String refusal = options.endpointPolicy().refusal(url, true, HttpConnectTransport.POLICY_SETTING);
        if (refusal != null) {
            throw new EndpointNotAllowedException("WebSocket tunnel to session " + request.sessionId()
                    + " was not attempted: " + refusal);
        }
        String description = "WebSocket " + url.getScheme() + "://" + url.getHost()
                + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
        String threadName = "sandgate-tunnel " + request.sessionId();
        Duration limit = request.timeLimit(options.connectTimeout());
        long deadline = System.nanoTime() + limit.toNanos();
        return Resumption.open(options.resumption(), deadline, options.connectTimeout(), threadName,
                (extra, extraSecrets, until) -> TunnelAttempt.answeringOneChallenge(request.auth(),
                        TunnelAuth.Kind.WEBSOCKET, until, (headers, secrets) -> attempt(url,
                                Resumption.joined(headers, extra), until, limit, description, threadName,
                                Resumption.joined(secrets, extraSecrets))));
    }

    private TunnelAttempt attempt(URI url, Map<String, String> headers, long deadline, Duration limit, String description,
            String threadName, List<String> secrets) throws IOException {
        boolean tls = "wss".equalsIgnoreCase(url.getScheme());
        String host = url.getHost();
        int port = url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80);
        Socket socket = null;
        try {
            socket = PeerSockets.open(options, host, port, tls, deadline);
            String key = newKey();
            OutputStream out = socket.getOutputStream();
            out.write(upgrade(url, headers, key).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new DeadlineInputStream(socket, socket.getInputStream(), deadline);
            HttpResponseHead head = HttpResponseHead.read(in, "gateway", "the WebSocket upgrade");
            if (head.status == 101) {
                checkHandshake(head, key, options.webSocketSubprotocols(), description);
                WebSocketTunnel tunnel = new WebSocketTunnel(socket, head.leftover, description, threadName, secrets,
                        options.maxWebSocketMessage(), timers, control, random);
                tunnel.awaitFirstBytes(deadline, limit, options.pingInterval());
                return TunnelAttempt.opened(tunnel, head);
            }
            if (head.status < 300) {
                throw new TunnelException(description + " is not a WebSocket endpoint: the upgrade was answered with "
                        + head.status);
            }
            String body = PeerSockets.errorBody(socket, head, deadline);
            socket.close();
            String said = GatewayErrorBody.message(body, secrets);
            if (head.status / 100 == 3) {
                List<String> location = head.values("location");
                said = "a redirect to " + GatewayErrorBody.message(location.isEmpty() ? null : location.get(0), secrets)
                        + ", which is not followed" + (said == null ? "" : "; " + said);
            }
            List<String> challenges = new ArrayList<>(head.values("www-authenticate"));
            challenges.addAll(head.values("proxy-authenticate"));
            return TunnelAttempt.refused(new TunnelRefusedException(Refusal.ofHttpStatus(head.status), head.status, said,
                    description), head.status, challenges);
        } catch (IOException e) {
            PeerSockets.closeQuietly(socket);
            throw PeerSockets.failure(e, description, "gateway", host, port, limit);
        }
    }

    private String newKey() {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** A 101 completes the handshake only with the upgrade headers and the accept value for our key. */
    private static void checkHandshake(HttpResponseHead head, String key, List<String> offered, String description)
            throws TunnelException {
        String expected;
        try {
            expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        List<String> accept = head.values("sec-websocket-accept");
        boolean upgraded = head.values("upgrade").stream().anyMatch(value -> value.trim().equalsIgnoreCase("websocket"))
                && head.values("connection").stream()
                        .anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("upgrade"));
        if (!upgraded || accept.size() != 1 || !accept.get(0).trim().equals(expected)) {
            throw new TunnelException(description + " is not a WebSocket endpoint: the upgrade was answered with 101"
                    + " that did not complete the WebSocket handshake");
        }
        List<String> chosen = head.values("sec-websocket-protocol");
        if (!chosen.isEmpty() && (chosen.size() > 1 || !offered.contains(chosen.get(0).trim()))) {
            throw new TunnelException(description + " broke: the gateway chose the WebSocket subprotocol "
                    + GatewayErrorBody.message(String.join(", ", chosen), List.of()) + ", which was not offered "
                    + (offered.isEmpty() ? "(none was)" : offered.toString()));
        }
        if (!head.values("sec-websocket-extensions").isEmpty()) {
            throw new TunnelException(description + " broke: the gateway agreed to a WebSocket extension that was not"
                    + " offered");
        }
    }

    /** The upgrade request; the headers were checked by {@link TunnelAuth}, the subprotocols by the options. */
    private String upgrade(URI url, Map<String, String> headers, String key) {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        boolean defaultPort = url.getPort() < 0;
        // an IPv6 literal comes from URI.getHost() in its brackets, as the Host header wants it
        String hostHeader = url.getHost() + (defaultPort ? "" : ":" + url.getPort());
        StringBuilder request = new StringBuilder()
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (!options.webSocketSubprotocols().isEmpty()) {
            request.append("Sec-WebSocket-Protocol: ").append(String.join(", ", options.webSocketSubprotocols()))
                    .append("\r\n");
        }
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("User-Agent: sandgate\r\n\r\n").toString();
    }

    /** Stops the ping timer; open tunnels end with their connections, closed at once if they close after this. */
    @Override
    public void close() {
        timers.shutdown();
        // a control frame being written finishes; idle control threads end now rather than after 5 s
        control.shutdown();
    }

    @Override
    public String toString() {
        return "WebSocketTransport{connectTimeout=" + options.connectTimeout() + ", ping=" + options.pingInterval() + ", "
                + options.tlsTrust() + "}";
    }
}
