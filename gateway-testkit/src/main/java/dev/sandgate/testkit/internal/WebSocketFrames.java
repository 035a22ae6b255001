package dev.sandgate.testkit.internal;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The client side of a WebSocket tunnel: binary messages carry raw SSH bytes to the session's SSH server; a text
 * message is a protocol error; pings are answered; a close frame closes the tunnel.
 */
final class WebSocketFrames extends SimpleChannelInboundHandler<WebSocketFrame> {
    static final int NORMAL = 1000;
    static final int UNSUPPORTED_DATA = 1003;
    static final int GATEWAY_ERROR = 1011;

    private final Channel upstream;
    private final AtomicLong counter;
    private final Runnable onActivity;
    private final RelayGate gate;
    private final boolean ignoreText;

    WebSocketFrames(Channel upstream, AtomicLong counter, Runnable onActivity, RelayGate gate) {
        this(upstream, counter, onActivity, gate, false);
    }

    /** @param ignoreText whether a text message is dropped (as some gateways do) rather than a protocol error */
    WebSocketFrames(Channel upstream, AtomicLong counter, Runnable onActivity, RelayGate gate, boolean ignoreText) {
        super(false);
        this.upstream = upstream;
        this.counter = counter;
        this.onActivity = onActivity;
        this.gate = gate;
        this.ignoreText = ignoreText;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            ByteRelay.relay(ctx.channel(), upstream, frame.content(), gate, false, counter, onActivity, bytes -> bytes,
                    client -> close(client, GATEWAY_ERROR, "The session's SSH server went away"));
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
            ctx.read();
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            frame.release();
            ctx.read();
            return;
        }
        if (frame instanceof TextWebSocketFrame && ignoreText) {
            frame.release();
            ctx.read();
            return;
        }
        if (frame instanceof TextWebSocketFrame) {
            frame.release();
            close(ctx.channel(), UNSUPPORTED_DATA, "Text messages are a protocol error: send SSH bytes as binary messages");
            upstream.close();
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            frame.release();
            upstream.close();
            close(ctx.channel(), NORMAL, "");
            return;
        }
        frame.release();
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteRelay.closeAfterFlush(upstream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        upstream.close();
        ctx.close();
    }

    /** Sends a close frame with the code and reason, then closes the connection. */
    static void close(Channel channel, int code, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
