package dev.sandgate.testkit.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;

import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * One tunnel's connection to the shared SSH server, in-process: a Netty {@link io.netty.channel.Channel} on the
 * tunnel's own event loop whose far end is a MINA server session (its {@link IoSession} is {@link #ioSession()}).
 * The relays treat it as they treated a loopback TCP connection to a per-session server: bytes written to it are
 * what the client sent (handed to MINA as the write is flushed; the write completes when MINA has taken them), bytes
 * read from it are what MINA wrote (delivered one batch per {@code read()}, as an auto-read-off socket would), and
 * closing either end closes the other. It costs no file descriptor.
 *
 * <p>Back-pressure: towards MINA, the relay reads the client's next chunk only once MINA took the last one, and
 * MINA's {@code suspendRead} holds the writes until {@code resumeRead}; from MINA, a write's future completes at once
 * while less than {@link #EARLY_COMPLETION_LIMIT} bytes wait to be read (MINA's SFTP server sends its next reply only
 * after the last one's future completed, so completing on delivery would cost a loop hop per reply), and only once
 * the relay has read it (that is, after the client's socket took the batch before) beyond that.
 */
final class SessionChannel extends AbstractChannel {
    static final int EARLY_COMPLETION_LIMIT = 1 << 20;
    /** The most bytes handed to the relay in one read. */
    static final int MAX_BATCH = 256 * 1024;
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    private static final AtomicLong IDS = new AtomicLong();

    /** What MINA wrote and the relay has not read yet: bytes, or the end of a graceful close. */
    private static final class Pending {
        final ByteBuf bytes;
        final WriteFuture future;
        final DefaultCloseFuture closed;

        Pending(ByteBuf bytes, WriteFuture future, DefaultCloseFuture closed) {
            this.bytes = bytes;
            this.future = future;
            this.closed = closed;
        }
    }

    private static final class WriteFuture extends AbstractIoWriteFuture {
        WriteFuture(Object id) {
            super(id, null);
        }

        void written() {
            setValue(Boolean.TRUE);
        }

        void failed(Throwable cause) {
            setValue(cause);
        }
    }

    private final ChannelConfig config = new DefaultChannelConfig(this);
    private final IoHandler handler;
    private final IoService service;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final Link link;
    private final Queue<Pending> fromServer = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile boolean serverReadSuspended;
    /** Whether the relay asked for bytes and got none yet. On the loop. */
    private boolean readPending;

    /**
     * @param binding what the MINA session serves (kept as an attribute of its IoSession before MINA sees it)
     * @param client  the tunnel's client connection, whose addresses the MINA session reports as its own
     */
    SessionChannel(IoHandler handler, IoService service, Object bindingKey, Object binding,
            io.netty.channel.Channel client) {
        super(null);
        this.handler = handler;
        this.service = service;
        this.remote = client.remoteAddress() != null ? client.remoteAddress() : new InetSocketAddress("127.0.0.1", 0);
        this.local = client.localAddress() != null ? client.localAddress() : new InetSocketAddress("127.0.0.1", 0);
        config.setAutoRead(false);
        this.link = new Link();
        link.setAttribute(bindingKey, binding);
    }

    /** The MINA side of this channel. */
    IoSession ioSession() {
        return link;
    }

    /** Starts the MINA server session (it sends its identification): once registered, on the loop. */
    void start() throws Exception {
        handler.sessionCreated(link);
    }

    // ---- Netty's side

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && isRegistered();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AbstractUnsafe() {
            @Override
            public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
                promise.setFailure(new UnsupportedOperationException("An in-process session channel is connected already"));
            }
        };
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("An in-process session channel binds nothing");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        open = false;
        releaseLeftovers();
        if (closeReported.compareAndSet(false, true)) {
            try {
                handler.sessionClosed(link);
            } catch (Exception e) {
                // the MINA session is closing anyway
            }
        }
        link.close(true);
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        deliver();
    }

    /** Bytes from the client: handed to MINA, which decodes them before the write completes. */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        for (;;) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            if (serverReadSuspended) {
                // resumeRead flushes again
                return;
            }
            ByteBuf bytes = (ByteBuf) msg;
            if (bytes.isReadable()) {
                try {
                    handler.messageReceived(link, Readable.readable(bytes.nioBuffer()));
                } catch (Exception e) {
                    try {
                        handler.exceptionCaught(link, e);
                    } catch (Exception ignored) {
                        // the session closes either way
                    }
                    in.remove(e);
                    continue;
                }
            }
            in.remove();
        }
    }

    /** Hands the relay what MINA wrote, once it asked for bytes. On the loop. */
    private void deliver() {
        if (!readPending || !open) {
            return;
        }
        List<ByteBuf> batch = null;
        int size = 0;
        DefaultCloseFuture closeAfter = null;
        Pending next;
        while ((next = fromServer.peek()) != null) {
            if (next.closed != null) {
                fromServer.poll();
                closeAfter = next.closed;
                break;
            }
            if (batch != null && size + next.bytes.readableBytes() > MAX_BATCH) {
                break;
            }
            fromServer.poll();
            if (batch == null) {
                batch = new ArrayList<>();
            }
            batch.add(next.bytes);
            size += next.bytes.readableBytes();
            queuedBytes.addAndGet(-next.bytes.readableBytes());
            if (next.future != null) {
                next.future.written();
            }
        }
        if (batch != null) {
            readPending = false;
            ByteBuf bytes = batch.size() == 1 ? batch.get(0) : Unpooled.wrappedBuffer(batch.toArray(new ByteBuf[0]));
            pipeline().fireChannelRead(bytes);
            pipeline().fireChannelReadComplete();
        }
        if (closeAfter != null) {
            closeAfter.setClosed();
            close();
        }
    }

    private void scheduleDelivery() {
        if (deliveryScheduled.compareAndSet(false, true)) {
            onLoop(() -> {
                deliveryScheduled.set(false);
                deliver();
            });
        }
    }

    /**
     * Runs a task on the channel's loop, later; once the loop has stopped (the gateway closing), the channel is done
     * for and the task runs here.
     */
    private void onLoop(Runnable task) {
        try {
            eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            open = false;
            task.run();
            releaseLeftovers();
        }
    }

    private void closeNow() {
        if (eventLoop().inEventLoop()) {
            close();
        } else {
            // the loop is gone: what its close would have done
            open = false;
            releaseLeftovers();
            if (closeReported.compareAndSet(false, true)) {
                try {
                    handler.sessionClosed(link);
                } catch (Exception e) {
                    // the MINA session is closing anyway
                }
            }
        }
    }

    /** MINA's view of this channel: its writes become the relay's reads, its closes close the channel. */
    private final class Link extends AbstractCloseable implements IoSession {
        private final long id = IDS.incrementAndGet();
        private final Map<Object, Object> attributes = new ConcurrentHashMap<>();

        Link() {
            super("in-process tunnel");
        }

        @Override
        public IoWriteFuture writeBuffer(Buffer buffer) {
            WriteFuture future = new WriteFuture(this);
            int n = buffer.available();
            if (!open || isClosing() || isClosed()) {
                // never failed inline: MINA may hold its own locks here
                onLoop(() -> future.failed(new EOFException("The tunnel to the SSH session closed")));
                return future;
            }
            // copied once, straight into the direct memory the client's socket is written from
            ByteBuf bytes = alloc().directBuffer(n).writeBytes(buffer.array(), buffer.rpos(), n);
            boolean early = queuedBytes.addAndGet(n) <= EARLY_COMPLETION_LIMIT;
            // queued before completing: a listener that writes again (MINA's next packet) must come after these bytes
            fromServer.add(new Pending(bytes, early ? null : future, null));
            if (early) {
                future.written();
            }
            scheduleDelivery();
            if (!open) {
                // closed while queueing: doClose may have drained the queue before this write was added
                onLoop(SessionChannel.this::releaseLeftovers);
            }
            return future;
        }

        @Override
        protected CloseFuture doCloseGracefully() {
            DefaultCloseFuture drained = new DefaultCloseFuture(toString(), futureLock);
            fromServer.add(new Pending(null, null, drained));
            scheduleDelivery();
            if (!open) {
                drained.setClosed();
            }
            return drained;
        }

        @Override
        protected void doCloseImmediately() {
            serverReadSuspended = false;
            // never inline: MINA may close from inside messageReceived, that is from inside the channel's flush
            onLoop(SessionChannel.this::closeNow);
            super.doCloseImmediately();
        }

        @Override
        public void shutdownOutputStream() {
            // MINA half-closes only forwarded connections, never a session's transport
        }

        @Override
        public void suspendRead() {
            serverReadSuspended = true;
        }

        @Override
        public void resumeRead() {
            if (serverReadSuspended) {
                serverReadSuspended = false;
                SessionChannel.this.flush();
            }
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public SocketAddress getAcceptanceAddress() {
            return local;
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return remote;
        }

        @Override
        public SocketAddress getLocalAddress() {
            return local;
        }

        @Override
        public Object getAttribute(Object key) {
            return attributes.get(key);
        }

        @Override
        public Object setAttribute(Object key, Object value) {
            return attributes.put(key, value);
        }

        @Override
        public Object setAttributeIfAbsent(Object key, Object value) {
            return attributes.putIfAbsent(key, value);
        }

        @Override
        public Object removeAttribute(Object key) {
            return attributes.remove(key);
        }

        @Override
        public IoService getService() {
            return service;
        }

        @Override
        public String toString() {
            return "SessionChannel[" + id + ", " + remote + "]";
        }
    }

    /** Once closed: drops what MINA wrote and nobody will read, failing the writes not yet reported done. */
    private void releaseLeftovers() {
        if (open) {
            return;
        }
        IOException closed = new EOFException("The tunnel to the SSH session closed");
        for (Pending pending; (pending = fromServer.poll()) != null; ) {
            if (pending.bytes != null) {
                pending.bytes.release();
            }
            if (pending.future != null) {
                pending.future.failed(closed);
            }
            if (pending.closed != null) {
                pending.closed.setClosed();
            }
        }
    }
}
