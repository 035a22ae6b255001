package dev.sandgate.testkit.internal;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

/**
 * The gateway's side of one resumable tunnel (gateway contract v2): it owns the connection to the session's SSH
 * server, which outlives the client's transport connections. Bytes from the server are framed, sent to the attached
 * client and kept until acknowledged (the server is read only while fewer than the bound are kept); bytes from the
 * client go to the server and are acknowledged. When the client's connection drops, the tunnel waits for a new one
 * for the window, then ends. Every state change runs on the server connection's event loop.
 */
final class ResumableRelay {
    /** The most bytes received between two acknowledgements, whatever the client's buffer. */
    static final long MAX_ACK_EVERY = 1024 * 1024;

    final String id;
    final GatewaySession session;
    private final Channel upstream;
    private final EventLoop loop;
    private final long windowNanos;
    private final long bound;
    /** Acknowledge after this many bytes from the client: a quarter of its buffer. */
    private final long ackEvery;
    /** How many bytes the client keeps unacknowledged: its frames are read while fewer wait for the server. */
    private final long clientBuffer;
    private final ResumableRelays registry;

    // the state below is touched on the loop only
    private final ArrayDeque<ByteBuf> kept = new ArrayDeque<>();
    private long keptFrom;
    private long sentTotal;
    private long receivedTotal;
    private long acknowledged;
    private Channel client;
    /** Whether a client connection is attached, for counting from any thread. */
    private volatile boolean attachedNow;
    private Function<ByteBuf, Object> wrap;
    /** Bytes from the client handed to the server's connection and not yet written. */
    private long pendingUpstreamBytes;
    private boolean upstreamPaused = true;
    /** The server closed its connection while no client was attached: the next attachment gets the rest, then CLOSE. */
    private boolean serverDone;
    private boolean ended;
    private ScheduledFuture<?> expiry;

    // the owner's proof, checked by the registry
    String commit;
    String lastSecret;
    String lastCommit;
    String lastReceived;
    /** Whether an exact repeat of the last accepted request is still taken: until its connection carries a frame. */
    volatile boolean repeatTaken;

    ResumableRelay(String id, GatewaySession session, Channel upstream, String commit, long windowNanos, long bound,
            long clientBuffer, ResumableRelays registry) {
        this.id = id;
        this.session = session;
        this.upstream = upstream;
        this.loop = upstream.eventLoop();
        this.commit = commit;
        this.windowNanos = windowNanos;
        this.bound = bound;
        this.ackEvery = Math.min(clientBuffer / 4, MAX_ACK_EVERY);
        this.clientBuffer = clientBuffer;
        this.registry = registry;
        upstream.pipeline().addLast(new FromServer());
    }

    boolean attached() {
        return attachedNow;
    }

    EventLoop loop() {
        return loop;
    }

    long bound() {
        return bound;
    }

    /** Bytes received from the client so far: what a re-attaching client needs not send again. On the loop. */
    long received() {
        return receivedTotal;
    }

    /** Whether a client that received {@code offset} bytes can be served from what is kept. On the loop. */
    boolean canResumeFrom(long offset) {
        return !ended && offset >= keptFrom && offset <= sentTotal;
    }

    /**
     * Drops the client's current connection, if any, so that nothing more from it counts: called on the loop before
     * answering a re-attachment, so that the count in the answer stays true.
     */
    void detach() {
        Channel old = client;
        client = null;
        attachedNow = false;
        if (old != null) {
            old.close();
        }
        // the window starts again: an answer that never reaches the client must not leave the tunnel forever
        expireLater();
    }

    private void expireLater() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        expiry = loop.schedule(() -> end(false), windowNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Attaches a client connection that has received {@code clientReceived} bytes: an ACK saying how much came from
     * the client, then what the client has not received, then the stream goes on. On the loop.
     */
    void attach(Channel connection, long clientReceived, Function<ByteBuf, Object> framing) {
        if (ended || !canResumeFrom(clientReceived)) {
            connection.close();
            return;
        }
        detach();
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        client = connection;
        attachedNow = true;
        wrap = framing;
        release(clientReceived);
        connection.write(wrap.apply(Unpooled.wrappedBuffer(ackFrame(receivedTotal))));
        acknowledged = receivedTotal;
        for (ByteBuf payload : kept) {
            connection.write(wrap.apply(dataFrame(payload.retainedSlice())));
        }
        if (serverDone) {
            connection.writeAndFlush(wrap.apply(Unpooled.wrappedBuffer(new byte[] {3})))
                    .addListener(ChannelFutureListener.CLOSE);
            client = null;
            attachedNow = false;
            end(false);
            return;
        }
        connection.flush();
        if (pendingUpstreamBytes < clientBuffer) {
            connection.read();
        }
        connection.closeFuture().addListener(f -> loop.execute(() -> clientGone(connection)));
        readUpstream();
    }

    /** The client connection ended without a CLOSE: wait for a new one, for the window. */
    private void clientGone(Channel connection) {
        if (connection != client || ended) {
            return;
        }
        client = null;
        attachedNow = false;
        expireLater();
    }

    /** A client's frames, checked to come from the attached connection. */
    ResumeFrameParser.Frames framesFrom(Channel connection) {
        return new ResumeFrameParser.Frames() {
            @Override
            public void data(ByteBuf payload) {
                if (connection != client || ended) {
                    payload.release();
                    return;
                }
                repeatTaken = false;
                int n = payload.readableBytes();
                receivedTotal += n;
                session.bytesToSession.addAndGet(n);
                session.touch();
                pendingUpstreamBytes += n;
                // flushed once the whole read is parsed (see flushToServer): one write to the server per read
                upstream.write(payload).addListener((ChannelFutureListener) written -> {
                    pendingUpstreamBytes -= n;
                    if (!written.isSuccess()) {
                        end(false);
                    } else if (crossedBelowBound(n) && client != null) {
                        // whichever connection's write it was, the one attached now may be read again
                        client.read();
                    }
                });
                if (receivedTotal - acknowledged >= ackEvery) {
                    acknowledged = receivedTotal;
                    connection.writeAndFlush(wrap.apply(Unpooled.wrappedBuffer(ackFrame(acknowledged))));
                }
            }

            @Override
            public void ack(long received) {
                if (connection != client || ended) {
                    return;
                }
                repeatTaken = false;
                if (received > sentTotal) {
                    broken("an ACK of " + received + " bytes of the " + sentTotal + " sent");
                    return;
                }
                release(received);
                readUpstream();
            }

            @Override
            public void close() {
                if (connection == client) {
                    end(true);
                }
            }

            @Override
            public void broken(String why) {
                if (connection == client) {
                    end(false);
                }
            }
        };
    }

    /** Sends what the last read from the client carried on to the server, in one write. On the loop. */
    void flushToServer() {
        upstream.flush();
    }

    /**
     * Whether the client connection may be read again now: while fewer than the client's buffer wait to reach the server, so
     * that the client's ACKs get through even when the server is slow. On the loop.
     */
    boolean readyForClient(Channel connection) {
        return connection == client && pendingUpstreamBytes < clientBuffer;
    }

    /** Whether the write of {@code n} bytes that just finished brought the bytes waiting below the bound. */
    private boolean crossedBelowBound(long n) {
        return pendingUpstreamBytes < clientBuffer && pendingUpstreamBytes + n >= clientBuffer;
    }

    private void release(long received) {
        while (!kept.isEmpty() && keptFrom + kept.peekFirst().readableBytes() <= received) {
            ByteBuf done = kept.removeFirst();
            keptFrom += done.readableBytes();
            done.release();
        }
        if (!kept.isEmpty() && received > keptFrom) {
            int skip = (int) (received - keptFrom);
            kept.peekFirst().skipBytes(skip);
            keptFrom += skip;
        }
    }

    private void readUpstream() {
        if (!ended && upstreamPaused && sentTotal - keptFrom < bound) {
            upstreamPaused = false;
            upstream.read();
        }
    }

    /** Bytes from the session's SSH server: kept, and sent when a client is attached. */
    private final class FromServer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            if (ended) {
                bytes.release();
                return;
            }
            session.bytesFromSession.addAndGet(bytes.readableBytes());
            session.touch();
            while (bytes.isReadable()) {
                ByteBuf payload = bytes.readRetainedSlice(Math.min(bytes.readableBytes(), ResumeFrameParser.MAX_DATA));
                kept.addLast(payload);
                sentTotal += payload.readableBytes();
                if (client != null) {
                    client.write(wrap.apply(dataFrame(payload.retainedSlice())));
                }
            }
            bytes.release();
            if (client != null) {
                client.flush();
            }
            upstreamPaused = true;
            readUpstream();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ended) {
                return;
            }
            if (client == null) {
                // the server is done while the client is away: what it sent last waits for the re-attachment
                serverDone = true;
                return;
            }
            // the server ended the stream: the attached client hears the end after the last bytes
            Channel attached = client;
            attached.writeAndFlush(wrap.apply(Unpooled.wrappedBuffer(new byte[] {3})))
                    .addListener(ChannelFutureListener.CLOSE);
            client = null;
            attachedNow = false;
            end(false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Ends the tunnel for good: after the client's CLOSE ({@code flush}: the server gets what was sent first). */
    void end(boolean flush) {
        if (ended) {
            return;
        }
        ended = true;
        if (expiry != null) {
            expiry.cancel(false);
        }
        registry.forget(this);
        Channel attached = client;
        client = null;
        attachedNow = false;
        if (attached != null) {
            attached.close();
        }
        if (flush) {
            ByteRelay.closeAfterFlush(upstream);
        } else {
            upstream.close();
        }
        kept.forEach(ByteBuf::release);
        kept.clear();
    }

    /** Ends the tunnel from any thread, without a word to the client (the session stopped or the gateway closes). */
    void abort() {
        loop.execute(() -> end(false));
    }

    /**
     * Cuts the client's transport connection, from any thread: the tunnel waits for a re-attachment. It counts as
     * detached at once, so that a caller waiting for the re-attachment does not see the connection it just cut.
     */
    void cut() {
        attachedNow = false;
        loop.execute(() -> {
            Channel attached = client;
            if (attached != null) {
                clientGone(attached);
                attached.close();
            }
        });
    }

    /**
     * Stops relaying to and from the client's connection without closing it, from any thread, as a network that drops
     * packets silently would (a NAT that forgot the connection): the client hears nothing until it gives up on it.
     */
    void silence() {
        attachedNow = false;
        loop.execute(() -> {
            if (client != null) {
                client = null;
                expireLater();
            }
        });
    }

    private static ByteBuf dataFrame(ByteBuf payload) {
        ByteBuf header = Unpooled.buffer(5).writeByte(1).writeInt(payload.readableBytes());
        return Unpooled.wrappedBuffer(header, payload);
    }

    private static byte[] ackFrame(long received) {
        return java.nio.ByteBuffer.allocate(9).put((byte) 2).putLong(received).array();
    }
}
