package dev.sandgate.testkit.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies the bytes read on one channel to a peer channel, counting them, reading the next chunk only once the peer
 * has taken the last one (so a slow side slows the other instead of filling memory). Closing either side closes both.
 */
final class ByteRelay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final AtomicLong counter;
    private final Function<ByteBuf, Object> wrap;
    private final Runnable onActivity;
    private final Runnable closePeer;

    /**
     * @param wrap       turns the bytes read into the message the peer's pipeline writes (identity for raw TCP)
     * @param closePeer  what to do to the peer when this side closes
     */
    ByteRelay(Channel peer, AtomicLong counter, Function<ByteBuf, Object> wrap, Runnable onActivity, Runnable closePeer) {
        this.peer = peer;
        this.counter = counter;
        this.wrap = wrap;
        this.onActivity = onActivity;
        this.closePeer = closePeer;
    }

    /** A relay of raw bytes, closing the peer (after what it has been sent) when this side closes. */
    static ByteRelay raw(Channel peer, AtomicLong counter, Runnable onActivity) {
        return new ByteRelay(peer, counter, bytes -> bytes, onActivity, () -> closeAfterFlush(peer));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        counter.addAndGet(bytes.readableBytes());
        onActivity.run();
        peer.writeAndFlush(wrap.apply(bytes)).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                ctx.channel().read();
            } else {
                future.channel().close();
                ctx.channel().close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closePeer.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
