package dev.sandgate.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;

/**
 * Sends a great many bytes to a client, one chunk at a time, each chunk once the last was written: the gateway holds
 * one chunk however much it sends, and stops as soon as the client goes away.
 */
final class Flood {
    private static final int CHUNK = 1024 * 1024;
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[CHUNK]));
    private static final ByteBuf LETTERS = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
            "x".repeat(CHUNK).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

    private enum Framing { RAW, WEBSOCKET, HTTP_BODY }

    private final Channel client;
    private final long total;
    private final Framing framing;
    private long sent;

    private Flood(Channel client, long total, Framing framing) {
        this.client = client;
        this.total = total;
        this.framing = framing;
    }

    /** One binary WebSocket message of {@code total} zero bytes, in fragments of 1 MiB. */
    static void webSocketMessage(Channel client, long total) {
        new Flood(client, total, Framing.WEBSOCKET).next();
    }

    /** {@code total} zero bytes as they are, with no framing. */
    static void raw(Channel client, long total) {
        new Flood(client, total, Framing.RAW).next();
    }

    /** The rest of an HTTP body whose head was sent: {@code total} letters x, then the body's end and a close. */
    static void httpBody(Channel client, long total) {
        new Flood(client, total, Framing.HTTP_BODY).next();
    }

    private void next() {
        int length = (int) Math.min(CHUNK, total - sent);
        boolean first = sent == 0;
        sent += length;
        boolean last = sent == total;
        Object message;
        switch (framing) {
            case WEBSOCKET:
                ByteBuf zeros = ZEROS.duplicate().slice(0, length);
                message = first ? new BinaryWebSocketFrame(last, 0, zeros) : new ContinuationWebSocketFrame(last, 0, zeros);
                break;
            case HTTP_BODY:
                ByteBuf letters = LETTERS.duplicate().slice(0, length);
                message = last ? new DefaultLastHttpContent(letters) : new DefaultHttpContent(letters);
                break;
            default:
                message = ZEROS.duplicate().slice(0, length);
        }
        client.writeAndFlush(message).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                client.close();
            } else if (last && framing == Framing.WEBSOCKET) {
                WebSocketFrames.close(client, WebSocketFrames.NORMAL, "flood sent");
            } else if (last) {
                client.close();
            } else {
                next();
            }
        });
    }
}
