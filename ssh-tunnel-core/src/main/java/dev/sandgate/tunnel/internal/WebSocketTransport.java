package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.tunnel.EndpointNotAllowedException;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;
import dev.sandgate.tunnel.TunnelRequest;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Opens tunnels as WebSockets with OkHttp. Each open WebSocket holds one dispatcher thread (its reader) for its whole
 * life, so the dispatcher has no request limit, and its threads end when this transport closes. Redirects are not
 * followed: the upgrade goes where the API said, or nowhere. Incoming messages are bounded by
 * {@link TransportOptions#maxWebSocketMessage()} ({@link WebSocketMessageGuard}). Not API: see {@link Transport#webSocket()}.
 */
public final class WebSocketTransport implements Transport {
    private final TransportOptions options;
    private final ExecutorService threads;
    private final WriteProgress writeProgress = new WriteProgress();
    private final OkHttpClient http;

    public WebSocketTransport(TransportOptions options) {
        this.options = options;
        // idle threads end after 5 s rather than OkHttp's 60 s; all of them end on close()
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "sandgate-websocket");
                    thread.setDaemon(true);
                    return thread;
                });
        Dispatcher dispatcher = new Dispatcher(threads);
        // the defaults (64 in all, 5 per host) would stall the 65th open tunnel, and the 6th to one gateway host
        dispatcher.setMaxRequests(Integer.MAX_VALUE);
        dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .pingInterval(options.pingInterval().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .followSslRedirects(false)
                .socketFactory(new NoDelaySocketFactory(writeProgress, options.maxWebSocketMessage()))
                .dns(hostname -> options.resolver().resolve(hostname))
                .sslSocketFactory(new GuardedSslSocketFactory(options.tlsTrust().socketFactory(),
                        options.maxWebSocketMessage()), options.tlsTrust().trustManager())
                .retryOnConnectionFailure(false)
                // OkHttp always offers permessage-deflate and inflates a message whole, with no bound: offer nothing
                .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .removeHeader("Sec-WebSocket-Extensions").build()))
                .build();
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        if (threads.isShutdown()) {
            throw new IllegalStateException(this + " is closed");
        }
        Endpoints.WebSocket endpoint = request.endpoints().webSocket().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no WebSocket endpoint; use Transport.httpConnect()"));
        URI url = endpoint.url();
        String refusal = options.endpointPolicy().refusal(url, true, HttpConnectTransport.POLICY_SETTING);
        if (refusal != null) {
            throw new EndpointNotAllowedException("WebSocket tunnel to session " + request.sessionId()
                    + " was not attempted: " + refusal);
        }
        String description = "WebSocket " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + url.getPath();
        String threadName = "sandgate-tunnel " + request.sessionId();
        Duration limit = request.timeLimit(options.connectTimeout());
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> headers = request.auth().headers(TunnelAuth.Kind.WEBSOCKET);
        List<String> secrets = new ArrayList<>(GatewayErrorBody.secrets(headers));
        WebSocketTunnel first = new WebSocketTunnel(description, threadName, secrets, writeProgress);
        try {
            first.connect(http, upgrade(url, headers), limit);
            return first;
        } catch (TunnelRefusedException refused) {
            Optional<Map<String, String>> answer = first.challenges().isEmpty() ? Optional.empty()
                    : request.auth().answerChallenge(TunnelAuth.Kind.WEBSOCKET, first.challenges());
            long left = deadline - System.nanoTime();
            if (answer.isEmpty() || left <= 0) {
                throw refused;
            }
            secrets.addAll(GatewayErrorBody.secrets(answer.get()));
            WebSocketTunnel second = new WebSocketTunnel(description, threadName, secrets, writeProgress);
            second.connect(http, upgrade(url, answer.get()), Duration.ofNanos(left));
            return second;
        }
    }

    private Request upgrade(URI url, Map<String, String> headers) {
        Request.Builder upgrade = new Request.Builder()
                .url(url.toString())
                .header("User-Agent", "sandgate");
        headers.forEach(upgrade::header);
        if (!options.webSocketSubprotocols().isEmpty()) {
            upgrade.header("Sec-WebSocket-Protocol", String.join(", ", options.webSocketSubprotocols()));
        }
        return upgrade.build();
    }

    /** Stops the dispatcher's threads and drops pooled connections; open tunnels end with their connections. */
    @Override
    public void close() {
        threads.shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "WebSocketTransport{connectTimeout=" + options.connectTimeout() + ", ping=" + options.pingInterval() + ", "
                + options.tlsTrust() + "}";
    }
}
