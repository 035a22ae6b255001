package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * The first handler of every connection to the Tenki fake: a Connect call to the API, or a WebSocket upgrade at
 * {@code /v1/ssh/<session id>}. The gateway refuses an upgrade with a plain HTTP status before switching protocols,
 * as Tenki's does (401, 403, 404, 409); once open, binary messages carry SSH bytes both ways and text messages are
 * dropped.
 */
final class TenkiHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String WEBSOCKET_PATH_PREFIX = "/v1/ssh/";

    private final TenkiService service;

    TenkiHttpHandler(TenkiService service) {
        this.service = service;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, false, 400, "text/plain; charset=utf-8", "malformed HTTP request\n", java.util.Map.of());
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean upgrade = HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(
                request.headers().get(HttpHeaderNames.UPGRADE, ""));
        if (upgrade) {
            openWebSocket(ctx, request, path);
        } else if (path.startsWith(TenkiConnectApi.SERVICE)) {
            TenkiConnectApi.Answer answer = service.api().handle(request.method().name(), path, request.headers(),
                    request.content().toString(StandardCharsets.UTF_8));
            respond(ctx, HttpUtil.isKeepAlive(request), answer.status(), answer.contentType(), answer.body(),
                    answer.headers());
        } else {
            respond(ctx, HttpUtil.isKeepAlive(request), 404, "text/plain; charset=utf-8", "404 page not found\n",
                    java.util.Map.of());
        }
    }

    private void openWebSocket(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        TenkiAccounts.Login login = service.accounts().authenticate(request.headers());
        TenkiService.TokenKind kind = login == null ? null : TenkiService.TokenKind.of(login.carrier());
        String sessionId = path.startsWith(WEBSOCKET_PATH_PREFIX) ? path.substring(WEBSOCKET_PATH_PREFIX.length()) : null;
        GatewaySession session = sessionId == null || sessionId.isEmpty() || sessionId.contains("/") ? null
                : service.session(sessionId);
        int status;
        String reason;
        if (sessionId == null) {
            status = 404;
            reason = "no WebSocket endpoint at " + path;
        } else if (login == null) {
            status = 401;
            reason = "unauthorized";
        } else if (session == null) {
            status = 404;
            reason = "session not found";
        } else if (!TenkiService.owner(session).equals(login.account())) {
            status = 403;
            reason = "forbidden";
        } else if (session.status() != GatewaySession.Status.RUNNING) {
            status = 409;
            reason = "session is " + session.status().name().toLowerCase(java.util.Locale.ROOT);
        } else {
            status = 101;
            reason = null;
        }
        service.recordUpgrade(new TenkiService.Upgrade(host, path, kind, status));
        if (status != 101) {
            respond(ctx, false, status, "text/plain; charset=utf-8", reason + "\n", java.util.Map.of());
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + path, null, false,
                HttpEntryHandler.MAX_WEBSOCKET_MESSAGE).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel client = ctx.channel();
        client.config().setAutoRead(false);
        handshaker.handshake(client, request).addListener((ChannelFutureListener) shaken -> {
            if (!shaken.isSuccess()) {
                client.close();
                return;
            }
            HttpEntryHandler.connectToSession(client, session, true, upstream -> {
                client.pipeline().replace(this, "websocket-frames",
                        new WebSocketFrames(upstream, session.bytesToSession, session::touch, RelayGate.OPEN, true));
                upstream.pipeline().addLast(new ByteRelay(client, session.bytesFromSession, BinaryWebSocketFrame::new,
                        session::touch, () -> WebSocketFrames.close(client, WebSocketFrames.NORMAL, "session closed"),
                        RelayGate.OPEN, true));
            }, () -> WebSocketFrames.close(client, WebSocketFrames.GATEWAY_ERROR, "the session's SSH server did not answer"));
        });
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, int status, String contentType,
            String body, java.util.Map<String, String> headers) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (!body.isEmpty()) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        headers.forEach((name, value) -> response.headers().set(name, value));
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
