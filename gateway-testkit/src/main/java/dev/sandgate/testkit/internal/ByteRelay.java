package dev.sandgate.testkit.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * A {@link RelayGate} may hold bytes back, cut the tunnel, or slow it down.
 */
final class ByteRelay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final AtomicLong counter;
    private final Function<ByteBuf, Object> wrap;
    private final Runnable onActivity;
    private final Runnable closePeer;
    private final RelayGate gate;
    private final boolean fromSession;

    /**
     * @param wrap        turns the bytes read into the message the peer's pipeline writes (identity for raw TCP)
     * @param closePeer   what to do to the peer when this side closes
     * @param fromSession whether this relay carries bytes from the session's SSH server
     */
    ByteRelay(Channel peer, AtomicLong counter, Function<ByteBuf, Object> wrap, Runnable onActivity, Runnable closePeer,
            RelayGate gate, boolean fromSession) {
        this.peer = peer;
        this.counter = counter;
        this.wrap = wrap;
        this.onActivity = onActivity;
        this.closePeer = closePeer;
        this.gate = gate;
        this.fromSession = fromSession;
    }

    /** A relay of raw bytes, closing the peer (after what it has been sent) when this side closes. */
    static ByteRelay raw(Channel peer, AtomicLong counter, Runnable onActivity, RelayGate gate, boolean fromSession) {
        return new ByteRelay(peer, counter, bytes -> bytes, onActivity, () -> closeAfterFlush(peer), gate, fromSession);
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
        relay(ctx.channel(), peer, (ByteBuf) msg, gate, fromSession, counter, onActivity, wrap, Channel::close);
    }

    /**
     * Relays one chunk through the gate, and asks for the next once the peer has taken it.
     *
     * @param closeSource how to end the source when the peer cannot take the bytes (a WebSocket says why first)
     */
    static void relay(Channel source, Channel peer, ByteBuf bytes, RelayGate gate, boolean fromSession,
            AtomicLong counter, Runnable onActivity, Function<ByteBuf, Object> wrap, Consumer<Channel> closeSource) {
        int readable = bytes.readableBytes();
        int allowed = gate.allow(fromSession, readable);
        if (allowed < readable) {
            ByteBuf part = bytes.readRetainedSlice(allowed);
            bytes.release();
            bytes = part;
        }
        if (allowed == 0) {
            bytes.release();
            afterTrip(source, peer, gate);
            return;
        }
        counter.addAndGet(allowed);
        onActivity.run();
        peer.writeAndFlush(wrap.apply(bytes)).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                future.channel().close();
                closeSource.accept(source);
            } else if (gate.tripped()) {
                afterTrip(source, peer, gate);
            } else {
                long delay = gate.delayNanos(allowed);
                if (delay > 0) {
                    source.eventLoop().schedule(() -> source.read(), delay, TimeUnit.NANOSECONDS);
                } else {
                    source.read();
                }
            }
        });
    }

    /** A cut closes both sides; a stall reads no more, leaving both connections open and silent. */
    private static void afterTrip(Channel source, Channel peer, RelayGate gate) {
        if (gate.cuts()) {
            source.close();
            peer.close();
        }
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
