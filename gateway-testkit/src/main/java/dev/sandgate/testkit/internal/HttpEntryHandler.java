package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * The first handler of every gateway connection: a REST call, a CONNECT tunnel, or a WebSocket upgrade.
 * REST calls run on a separate executor because they start and stop SSH servers and touch the disk.
 */
final class HttpEntryHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final int MAX_WEBSOCKET_MESSAGE = 16 * 1024 * 1024;
    private static final String WEBSOCKET_PATH_PREFIX = "/v1/sessions/";
    private static final String WEBSOCKET_PATH_SUFFIX = "/ssh/websocket";

    private final GatewayServer gateway;
    private final boolean tls;
    private final Executor blocking;

    HttpEntryHandler(GatewayServer gateway, boolean tls, Executor blocking) {
        this.gateway = gateway;
        this.tls = tls;
        this.blocking = blocking;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, false, ApiAnswer.error(400, "invalid_request", "Malformed HTTP request"));
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            openConnectTunnel(ctx, request);
        } else if (HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, ""))) {
            openWebSocketTunnel(ctx, request);
        } else {
            handleRest(ctx, request);
        }
    }

    private void handleRest(ChannelHandlerContext ctx, FullHttpRequest request) {
        String method = request.method().name();
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String idempotencyKey = request.headers().get("Idempotency-Key");
        String body = request.content().toString(StandardCharsets.UTF_8);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        int port = ((java.net.InetSocketAddress) ctx.channel().localAddress()).getPort();
        String httpBase = (tls ? "https" : "http") + "://127.0.0.1:" + port;
        String wsBase = (tls ? "wss" : "ws") + "://127.0.0.1:" + port;
        blocking.execute(() -> respond(ctx, keepAlive,
                gateway.api().handle(method, uri.path(), uri.parameters(), authorization, body, httpBase, wsBase,
                        idempotencyKey)));
    }

    private void openConnectTunnel(ChannelHandlerContext ctx, FullHttpRequest request) {
        String target = request.uri();
        int colon = target.lastIndexOf(':');
        String sessionId = colon > 0 ? target.substring(0, colon) : target;
        String token = Bearer.token(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
        GatewaySession session = gateway.registry().get(sessionId);
        TunnelAdmission.Refusal refusal = gateway.admission().check(token, sessionId, session);
        if (refusal != null) {
            ApiAnswer answer = ApiAnswer.error(refusal.httpStatus(), refusal.code(), refusal.message());
            if (refusal.httpStatus() == 407) {
                answer = answer.withHeader("Proxy-Authenticate", "Bearer realm=\"sandgate\"");
            }
            respond(ctx, false, answer);
            return;
        }
        TunnelFaultRule fault = gateway.tunnelFaults().take(sessionId);
        if (fault != null && fault.kind == TunnelFaultRule.Kind.REFUSE) {
            respond(ctx, false, ApiAnswer.error(fault.httpStatus, "injected_fault", "Refused by an injected fault"));
            return;
        }
        Channel client = ctx.channel();
        client.config().setAutoRead(false);
        if (fault == null && gateway.relays().offered() && ResumableRelays.asked(request.headers())) {
            ResumableEntry.connect(gateway, client, request, session, () -> removeHttpHandlers(client.pipeline()));
            return;
        }
        if (ResumableRelays.reattaching(request.headers())) {
            // a re-attachment this gateway cannot serve (resumption off, a fault, a malformed request) is no new tunnel
            respondGone(client);
            return;
        }
        if (fault != null && replacesSession(fault)) {
            session.track(client);
            client.writeAndFlush(established()).addListener((ChannelFutureListener) written -> {
                removeHttpHandlers(client.pipeline());
                if (fault.kind == TunnelFaultRule.Kind.GARBAGE) {
                    client.writeAndFlush(Unpooled.wrappedBuffer(garbage())).addListener(ChannelFutureListener.CLOSE);
                } else if (fault.kind == TunnelFaultRule.Kind.FLOOD) {
                    Flood.raw(client, fault.bytes);
                }
            });
            return;
        }
        RelayGate gate = fault == null ? RelayGate.OPEN : new RelayGate(fault);
        connectToSession(client, session, true, upstream -> {
            client.writeAndFlush(established()).addListener((ChannelFutureListener) written -> {
                if (!written.isSuccess()) {
                    upstream.close();
                    client.close();
                    return;
                }
                ChannelPipeline pipeline = client.pipeline();
                pipeline.addLast(ByteRelay.raw(upstream, session.bytesToSession, session::touch, gate, false));
                removeHttpHandlers(pipeline);
                upstream.pipeline().addLast(ByteRelay.raw(client, session.bytesFromSession, session::touch, gate, true));
            });
        }, () -> respond(ctx, false, ApiAnswer.error(502, "gateway_error", "The session's SSH server did not answer")));
    }

    static FullHttpResponse established() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established"));
    }

    private void removeHttpHandlers(ChannelPipeline pipeline) {
        pipeline.remove(HttpObjectAggregator.class);
        pipeline.remove(this);
        pipeline.remove(HttpServerCodec.class);
    }

    /** Faults that accept the tunnel and never connect it to the session's server. */
    private static boolean replacesSession(TunnelFaultRule fault) {
        return fault.kind == TunnelFaultRule.Kind.GARBAGE || fault.kind == TunnelFaultRule.Kind.FLOOD
                || isInitialStall(fault);
    }

    /** A stall from the first byte: the tunnel is accepted and never connected to the session's server. */
    private static boolean isInitialStall(TunnelFaultRule fault) {
        return fault.kind == TunnelFaultRule.Kind.STALL && fault.bytes == 0;
    }

    /** Lines that are not an SSH identification, more than a client will read while looking for one. */
    private static byte[] garbage() {
        StringBuilder lines = new StringBuilder();
        while (lines.length() < 40 * 1024) {
            lines.append("this is not an SSH server: garbage line ").append(lines.length()).append("\r\n");
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void openWebSocketTunnel(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.startsWith(WEBSOCKET_PATH_PREFIX) || !path.endsWith(WEBSOCKET_PATH_SUFFIX)) {
            respond(ctx, false, ApiAnswer.error(404, "not_found", "No WebSocket endpoint at " + path));
            return;
        }
        String sessionId = path.substring(WEBSOCKET_PATH_PREFIX.length(), path.length() - WEBSOCKET_PATH_SUFFIX.length());
        String token = Bearer.token(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        GatewaySession session = gateway.registry().get(sessionId);
        TunnelAdmission.Refusal refusal = gateway.admission().check(token, sessionId, session);
        TunnelFaultRule fault = refusal == null ? gateway.tunnelFaults().take(sessionId) : null;

        String url = (tls ? "wss" : "ws") + "://" + request.headers().get(HttpHeaderNames.HOST, "127.0.0.1") + path;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, false, MAX_WEBSOCKET_MESSAGE)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel client = ctx.channel();
        client.config().setAutoRead(false);
        if (refusal == null && fault == null && gateway.relays().offered()
                && ResumableRelays.asked(request.headers())) {
            ResumableEntry.webSocket(gateway, client, request, session, handshaker, this);
            return;
        }
        if (refusal == null && (fault == null || fault.kind != TunnelFaultRule.Kind.REFUSE)
                && ResumableRelays.reattaching(request.headers())) {
            respondGone(client);
            return;
        }
        handshaker.handshake(client, request).addListener((ChannelFutureListener) shaken -> {
            if (!shaken.isSuccess()) {
                client.close();
                return;
            }
            if (refusal != null) {
                WebSocketFrames.close(client, refusal.closeCode(), refusal.message());
                return;
            }
            if (fault != null && fault.kind == TunnelFaultRule.Kind.REFUSE) {
                WebSocketFrames.close(client, fault.closeCode, "Refused by an injected fault");
                return;
            }
            if (fault != null && replacesSession(fault)) {
                session.track(client);
                client.pipeline().remove(this);
                if (fault.kind == TunnelFaultRule.Kind.GARBAGE) {
                    client.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(garbage())))
                            .addListener(f -> WebSocketFrames.close(client, WebSocketFrames.NORMAL, "garbage sent"));
                } else if (fault.kind == TunnelFaultRule.Kind.FLOOD) {
                    Flood.webSocketMessage(client, fault.bytes);
                }
                return;
            }
            RelayGate gate = fault == null ? RelayGate.OPEN : new RelayGate(fault);
            connectToSession(client, session, true, upstream -> {
                client.pipeline().replace(this, "websocket-frames",
                        new WebSocketFrames(upstream, session.bytesToSession, session::touch, gate));
                upstream.pipeline().addLast(new ByteRelay(client, session.bytesFromSession, BinaryWebSocketFrame::new,
                        session::touch, () -> WebSocketFrames.close(client, WebSocketFrames.NORMAL, "session closed"),
                        gate, true));
            }, () -> WebSocketFrames.close(client, WebSocketFrames.GATEWAY_ERROR, "The session's SSH server did not answer"));
        });
    }

    /**
     * Opens a connection to the session's SSH server on the client's own event loop: in-process, into the gateway's
     * one SSH server, as the session this tunnel was opened for (no socket).
     *
     * @param track whether the session tracks both connections, cutting them when it stops (a resumable tunnel's
     *              are its relay's, which the session tracks instead)
     */
    static void connectToSession(Channel client, GatewaySession session, boolean track,
            java.util.function.Consumer<Channel> onConnected, Runnable onFailure) {
        SessionChannel upstream = session.ssh.connection(client);
        client.eventLoop().register(upstream).addListener((ChannelFutureListener) registered -> {
            if (!registered.isSuccess()) {
                onFailure.run();
                return;
            }
            try {
                upstream.start();
            } catch (Exception e) {
                upstream.close();
                onFailure.run();
                return;
            }
            session.tunnelsOpened.incrementAndGet();
            if (track) {
                session.track(client);
                session.track(upstream);
                client.closeFuture().addListener(f -> upstream.close());
            }
            onConnected.accept(upstream);
        });
    }

    /** A re-attachment the gateway cannot serve: unknown tunnel, wrong secret, window passed, bytes no longer kept. */
    static void respondGone(Channel client) {
        respond(client.pipeline().context(HttpEntryHandler.class), false, ApiAnswer.error(410, "tunnel_gone",
                "The gateway no longer holds this tunnel: connect again"));
    }

    static void respondUnavailable(Channel client) {
        respond(client.pipeline().context(HttpEntryHandler.class), false,
                ApiAnswer.error(502, "gateway_error", "The session's SSH server did not answer"));
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, ApiAnswer answer) {
        if (answer.floodBytes() > 0) {
            respondOversized(ctx, answer);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
        if (!answer.body().isEmpty()) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The answer's head and body start, then its flood streamed; the connection closes at the end. */
    private static void respondOversized(ChannelHandlerContext ctx, ApiAnswer answer) {
        byte[] start = answer.body().getBytes(StandardCharsets.UTF_8);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()));
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, start.length + answer.floodBytes());
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.write(head);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(start)))
                .addListener((ChannelFutureListener) written -> {
                    if (written.isSuccess()) {
                        Flood.httpBody(ctx.channel(), answer.floodBytes());
                    } else {
                        ctx.close();
                    }
                });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
