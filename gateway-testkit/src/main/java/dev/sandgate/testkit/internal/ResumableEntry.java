package dev.sandgate.testkit.internal;

import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

/**
 * Opens and re-attaches resumable tunnels (gateway contract v2) over CONNECT and WebSocket, once the tunnel was
 * admitted: a new one connects to the session's server and answers with the grant; a re-attachment whose secret
 * checks out answers with how much the gateway received, then attaches the connection to its {@link ResumableRelay}.
 */
final class ResumableEntry {
    private static final Function<ByteBuf, Object> RAW = bytes -> bytes;
    private static final Function<ByteBuf, Object> MESSAGES = BinaryWebSocketFrame::new;

    private ResumableEntry() {
    }

    /** A CONNECT that asked for resumption; {@code afterAnswer} removes the HTTP handlers once the answer is out. */
    static void connect(GatewayServer gateway, Channel client, FullHttpRequest request, GatewaySession session,
            Runnable afterAnswer) {
        HttpHeaders asked = request.headers();
        if (ResumableRelays.reattaching(asked)) {
            ResumableRelay relay = gateway.relays().reattach(asked, session);
            if (relay == null) {
                HttpEntryHandler.respondGone(client);
                return;
            }
            long clientReceived = ResumableRelays.clientReceived(asked);
            relay.loop().execute(() -> {
                if (!relay.canResumeFrom(clientReceived)) {
                    HttpEntryHandler.respondGone(client);
                    return;
                }
                relay.detach();
                session.tunnelsReattached.incrementAndGet();
                answerConnect(client, grant(gateway, relay, true), relay, clientReceived, afterAnswer);
            });
            return;
        }
        String commit = asked.get(ResumableRelays.COMMIT);
        HttpEntryHandler.connectToSession(client, session, false, upstream -> {
            ResumableRelay relay = gateway.relays().create(session, upstream, commit,
                    ResumableRelays.clientBuffer(asked));
            answerConnect(client, grant(gateway, relay, false), relay, 0, afterAnswer);
        }, () -> HttpEntryHandler.respondUnavailable(client));
    }

    private static void answerConnect(Channel client, HttpHeaders grant, ResumableRelay relay, long clientReceived,
            Runnable afterAnswer) {
        FullHttpResponse established = HttpEntryHandler.established();
        established.headers().add(grant);
        client.writeAndFlush(established).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                client.close();
                return;
            }
            afterAnswer.run();
            client.pipeline().addLast(new FromClient(relay, client, false));
            relay.loop().execute(() -> relay.attach(client, clientReceived, RAW));
        });
    }

    /** A WebSocket upgrade that asked for resumption; {@code handler} is the entry handler to replace. */
    static void webSocket(GatewayServer gateway, Channel client, FullHttpRequest request, GatewaySession session,
            WebSocketServerHandshaker handshaker, ChannelInboundHandlerAdapter handler) {
        HttpHeaders asked = request.headers();
        request.retain();
        if (ResumableRelays.reattaching(asked)) {
            ResumableRelay relay = gateway.relays().reattach(asked, session);
            if (relay == null) {
                request.release();
                HttpEntryHandler.respondGone(client);
                return;
            }
            long clientReceived = ResumableRelays.clientReceived(asked);
            relay.loop().execute(() -> {
                if (!relay.canResumeFrom(clientReceived)) {
                    request.release();
                    HttpEntryHandler.respondGone(client);
                    return;
                }
                relay.detach();
                session.tunnelsReattached.incrementAndGet();
                upgrade(client, request, handshaker, handler, grant(gateway, relay, true), relay, clientReceived);
            });
            return;
        }
        String commit = asked.get(ResumableRelays.COMMIT);
        HttpEntryHandler.connectToSession(client, session, false, upstream -> {
            ResumableRelay relay = gateway.relays().create(session, upstream, commit,
                    ResumableRelays.clientBuffer(asked));
            upgrade(client, request, handshaker, handler, grant(gateway, relay, false), relay, 0);
        }, () -> {
            request.release();
            HttpEntryHandler.respondUnavailable(client);
        });
    }

    private static void upgrade(Channel client, FullHttpRequest request, WebSocketServerHandshaker handshaker,
            ChannelInboundHandlerAdapter handler, HttpHeaders grant, ResumableRelay relay, long clientReceived) {
        try {
            handshaker.handshake(client, request, grant, client.newPromise())
                    .addListener((ChannelFutureListener) shaken -> {
                        if (!shaken.isSuccess()) {
                            client.close();
                            return;
                        }
                        client.pipeline().replace(handler, "resume-frames", new FromClient(relay, client, true));
                        relay.loop().execute(() -> relay.attach(client, clientReceived, MESSAGES));
                    });
        } finally {
            request.release();
        }
    }

    private static HttpHeaders grant(GatewayServer gateway, ResumableRelay relay, boolean reattached) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(ResumableRelays.RESUME, "1")
                .set(ResumableRelays.TUNNEL, relay.id)
                .set(ResumableRelays.WINDOW, Long.toString(gateway.relays().windowSeconds()))
                .set(ResumableRelays.BUFFER, Long.toString(relay.bound()));
        if (reattached) {
            headers.set(ResumableRelays.RECEIVED, Long.toString(relay.received()));
        }
        return headers;
    }

    /** A client connection's bytes (raw, or in binary messages), parsed into frames on the relay's loop. */
    private static final class FromClient extends ChannelInboundHandlerAdapter {
        private final ResumableRelay relay;
        private final Channel client;
        private final boolean webSocket;
        private final ResumeFrameParser parser;

        FromClient(ResumableRelay relay, Channel client, boolean webSocket) {
            this.relay = relay;
            this.client = client;
            this.webSocket = webSocket;
            this.parser = new ResumeFrameParser(relay.framesFrom(client));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes;
            if (!webSocket) {
                bytes = (ByteBuf) msg;
            } else if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                bytes = ((WebSocketFrame) msg).content();
            } else if (msg instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(((WebSocketFrame) msg).content()));
                ctx.read();
                return;
            } else {
                // a pong is nothing; a close or a text message ends this connection (the tunnel may be re-attached)
                boolean pong = msg instanceof PongWebSocketFrame;
                ((WebSocketFrame) msg).release();
                if (pong) {
                    ctx.read();
                } else {
                    WebSocketFrames.close(client, msg instanceof CloseWebSocketFrame ? WebSocketFrames.NORMAL
                            : WebSocketFrames.UNSUPPORTED_DATA, "");
                }
                return;
            }
            if (relay.loop().inEventLoop()) {
                parse(bytes);
            } else {
                relay.loop().execute(() -> parse(bytes));
            }
        }

        private void parse(ByteBuf bytes) {
            parser.feed(bytes);
            relay.flushToServer();
            if (relay.readyForClient(client)) {
                client.read();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
