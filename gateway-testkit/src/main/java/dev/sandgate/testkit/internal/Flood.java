package dev.sandgate.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;

/**
 * Sends a great many bytes to a client, one chunk at a time, each chunk once the last was written: the gateway holds
 * one chunk however much it sends, and stops as soon as the client goes away.
 */
final class Flood {
    private static final int CHUNK = 1024 * 1024;
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[CHUNK]));

    private final Channel client;
    private final long total;
    private final boolean webSocket;
    private long sent;

    private Flood(Channel client, long total, boolean webSocket) {
        this.client = client;
        this.total = total;
        this.webSocket = webSocket;
    }

    /** One binary WebSocket message of {@code total} bytes, in fragments of 1 MiB. */
    static void webSocketMessage(Channel client, long total) {
        new Flood(client, total, true).next();
    }

    /** {@code total} zero bytes as they are, with no framing. */
    static void raw(Channel client, long total) {
        new Flood(client, total, false).next();
    }

    private void next() {
        int length = (int) Math.min(CHUNK, total - sent);
        boolean first = sent == 0;
        sent += length;
        boolean last = sent == total;
        ByteBuf chunk = ZEROS.duplicate().slice(0, length);
        Object message = !webSocket ? chunk
                : first ? new BinaryWebSocketFrame(last, 0, chunk) : new ContinuationWebSocketFrame(last, 0, chunk);
        client.writeAndFlush(message).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                client.close();
            } else if (last && webSocket) {
                WebSocketFrames.close(client, WebSocketFrames.NORMAL, "flood sent");
            } else if (last) {
                client.close();
            } else {
                next();
            }
        });
    }
}
