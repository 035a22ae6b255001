package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRequest;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/** Opens tunnels as WebSockets with OkHttp. Not API: see {@link Transport#webSocket()}. */
public final class WebSocketTransport implements Transport {
    private final TransportOptions options;
    private final OkHttpClient http;

    public WebSocketTransport(TransportOptions options) {
        this.options = options;
        this.http = new OkHttpClient.Builder()
                // OkHttp's own dispatcher threads are not daemons and idle for a minute: they would hold the JVM open
                .dispatcher(new Dispatcher(Executors.newCachedThreadPool(runnable -> {
                    Thread thread = new Thread(runnable, "sandgate-websocket");
                    thread.setDaemon(true);
                    return thread;
                })))
                .connectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .pingInterval(options.pingInterval().toMillis(), TimeUnit.MILLISECONDS)
                .socketFactory(new NoDelaySocketFactory())
                .sslSocketFactory(options.tlsTrust().socketFactory(), options.tlsTrust().trustManager())
                .retryOnConnectionFailure(false)
                .build();
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        Endpoints.WebSocket endpoint = request.endpoints().webSocket().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no WebSocket endpoint; use Transport.httpConnect()"));
        URI url = endpoint.url();
        String description = "WebSocket " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + url.getPath();
        Request upgrade = new Request.Builder()
                .url(url.toString())
                .header("Authorization", "Bearer " + request.bearerToken())
                .header("User-Agent", "sandgate")
                .build();
        return WebSocketTunnel.open(http, upgrade, description, request.bearerToken(), options.connectTimeout());
    }

    @Override
    public String toString() {
        return "WebSocketTransport{connectTimeout=" + options.connectTimeout() + ", ping=" + options.pingInterval() + ", "
                + options.tlsTrust() + "}";
    }
}
