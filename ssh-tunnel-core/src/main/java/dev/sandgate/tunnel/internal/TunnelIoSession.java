package dev.sandgate.tunnel.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

import dev.sandgate.tunnel.Tunnel;

/**
 * MINA's view of one {@link Tunnel}: received bytes go to the SSH session's {@link IoHandler}; writes are copied,
 * queued, and sent in order by one drain task at a time on the shared executor, so that the thread that reads the
 * tunnel never blocks on a write (that would deadlock two full TCP buffers).
 *
 * <p>A write's future completes as soon as it is queued while less than {@link #EARLY_COMPLETION_LIMIT} bytes wait,
 * and only once sent beyond that. MINA's SFTP client lets one message out only after the previous one's future
 * completed, so completing on send would cost every request two thread hand-offs in a row; the limit keeps the
 * back-pressure. The drain sends everything queued at once, in pieces of up to {@link #MAX_SEND} bytes, so that many
 * small packets cost one tunnel write. A failed send of a write already reported done still fails the session.
 *
 * <p>Replies leave together: what the thread handing MINA a batch of received bytes writes while MINA handles it is
 * sent when the batch is done (or once {@link #MAX_SEND} bytes wait), in one tunnel write. A proxy that relays without
 * {@code TCP_NODELAY} (tinyproxy) holds a second small write until the first is acknowledged, and the server delays
 * that acknowledgement by up to 40 ms, so two replies sent apart cost a command that much.
 */
final class TunnelIoSession extends AbstractCloseable implements IoSession, Tunnel.Receiver {
    private static final AtomicLong IDS = new AtomicLong();
    static final int EARLY_COMPLETION_LIMIT = 1 << 20;
    static final int MAX_SEND = 64 * 1024;

    /**
     * A queued write, or an action (graceful close, half-close) that must run after the writes before it. The future
     * of a write is null when it was completed on queueing.
     */
    private static final class Pending {
        final byte[] data;
        final TunnelWriteFuture future;
        final Runnable action;

        Pending(byte[] data, TunnelWriteFuture future, Runnable action) {
            this.data = data;
            this.future = future;
            this.action = action;
        }
    }

    private final long id = IDS.incrementAndGet();
    private final TunnelIoConnector connector;
    private final IoHandler handler;
    private final Tunnel tunnel;
    /** This tunnel's life, recorded when a Flight Recorder recording wants it. */
    private final SandgateEvents.TunnelLife life = new SandgateEvents.TunnelLife();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;
    private final Executor executor;
    private final ConnectionRecord record;
    private final TunnelCounters counters;
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final Object readGate = new Object();
    private boolean readSuspended;
    private volatile IOException writeFailure;
    /** The thread inside {@link #onBytes} while it is, else null: its writes wait for the end of the batch. */
    private volatile Thread receiving;

    /**
     * @param record   where to record that the tunnel ended, or null
     * @param counters the client's totals, which this tunnel adds to
     */
    TunnelIoSession(TunnelIoConnector connector, IoHandler handler, Tunnel tunnel, SocketAddress remoteAddress,
            Executor executor, ConnectionRecord record, TunnelCounters counters) {
        super(tunnel.description());
        this.connector = connector;
        this.handler = handler;
        this.tunnel = tunnel;
        this.remoteAddress = remoteAddress;
        this.localAddress = new TunnelAddress(tunnel.description());
        this.executor = executor;
        this.record = record;
        this.counters = counters;
        life.begin();
        counters.tunnelOpened();
        if (record != null) {
            record.dropConnectionWith(tunnel::dropConnection);
        }
    }

    // ---- receiving

    @Override
    public void onBytes(ByteBuffer bytes) throws IOException {
        awaitReadAllowed();
        receiving = Thread.currentThread();
        try {
            int count = bytes.remaining();
            bytesReceived.addAndGet(count);
            counters.received(count);
            handler.messageReceived(this, Readable.readable(bytes));
        } catch (Exception e) {
            reportException(e);
        } finally {
            receiving = null;
            if (!queue.isEmpty()) {
                scheduleDrain();
            }
        }
    }

    @Override
    public void onClosed(IOException cause) {
        if (record != null && !isClosing() && !isClosed()) {
            // an end this side did not ask for, clean or not: a handshake cut short by it is no refused login
            record.tunnelEnded(cause);
        }
        if (cause != null) {
            reportException(cause);
        }
        close(true);
    }

    @Override
    public void onInterrupted(IOException cause) {
        if (record != null) {
            record.resuming(true);
        }
    }

    @Override
    public void onResumed(java.time.Duration took, long bytesReplayed) {
        counters.tunnelResumed();
        if (record != null) {
            record.resuming(false);
        }
    }

    private void awaitReadAllowed() throws InterruptedIOException {
        synchronized (readGate) {
            while (readSuspended && !isClosing() && !isClosed()) {
                try {
                    readGate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while reads were suspended");
                }
            }
        }
    }

    @Override
    public void suspendRead() {
        synchronized (readGate) {
            readSuspended = true;
        }
    }

    @Override
    public void resumeRead() {
        synchronized (readGate) {
            readSuspended = false;
            readGate.notifyAll();
        }
    }

    // ---- writing

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) {
        TunnelWriteFuture future = new TunnelWriteFuture(this);
        byte[] data = new byte[buffer.available()];
        System.arraycopy(buffer.array(), buffer.rpos(), data, 0, data.length);
        if (isClosing() || isClosed() || writeFailure != null) {
            IOException failure = writeFailure != null ? writeFailure : new EOFException("SSH session over " + tunnel.description()
                    + " is closing");
            runLater(() -> future.failed(failure));
            return future;
        }
        boolean early = queuedBytes.addAndGet(data.length) <= EARLY_COMPLETION_LIMIT;
        // queued before completing: a listener that writes again (MINA's next chunk) must come after these bytes
        queue.add(new Pending(data, early ? null : future, null));
        if (early) {
            future.written();
        }
        if (Thread.currentThread() != receiving || queuedBytes.get() >= MAX_SEND) {
            scheduleDrain();
        }
        return future;
    }

    @Override
    public void shutdownOutputStream() {
        queue.add(new Pending(null, null, () -> {
            try {
                tunnel.shutdownOutput();
            } catch (IOException e) {
                log.debug("shutdownOutput on {} failed: {}", tunnel.description(), e.toString());
            }
        }));
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            runLater(this::drain);
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>();
        do {
            Pending next;
            while ((next = queue.poll()) != null) {
                if (next.action != null) {
                    next.action.run();
                    continue;
                }
                batch.add(next);
                int size = next.data.length;
                Pending more;
                while (size < MAX_SEND && (more = queue.peek()) != null && more.action == null
                        && size + more.data.length <= MAX_SEND) {
                    batch.add(queue.poll());
                    size += more.data.length;
                }
                send(batch, size);
                batch.clear();
            }
            draining.set(false);
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Sends queued writes as one piece of {@code size} bytes and completes their futures. */
    private void send(List<Pending> writes, int size) {
        queuedBytes.addAndGet(-size);
        if (writeFailure != null) {
            writes.forEach(write -> fail(write, writeFailure));
            return;
        }
        try {
            if (writes.size() == 1) {
                tunnel.send(ByteBuffer.wrap(writes.get(0).data));
                bytesSent.addAndGet(size);
                counters.sent(size);
            } else {
                ByteBuffer joined = ByteBuffer.allocate(size);
                writes.forEach(write -> joined.put(write.data));
                tunnel.send(joined.flip());
                bytesSent.addAndGet(size);
                counters.sent(size);
            }
            for (Pending write : writes) {
                if (write.future != null) {
                    write.future.written();
                }
            }
        } catch (IOException e) {
            writeFailure = e;
            if (record != null && !isClosing() && !isClosed()) {
                record.tunnelEnded(e);
            }
            writes.forEach(write -> fail(write, e));
            reportException(e);
            close(true);
        }
    }

    private static void fail(Pending write, IOException cause) {
        if (write.future != null) {
            write.future.failed(cause);
        }
    }

    private void runLater(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // the client is shutting down: running here is the only way left to complete the futures
            task.run();
        }
    }

    private void reportException(Throwable cause) {
        try {
            handler.exceptionCaught(this, cause);
        } catch (Exception e) {
            log.debug("exceptionCaught on {} failed: {}", tunnel.description(), e.toString());
        }
    }

    // ---- closing

    @Override
    protected CloseFuture doCloseGracefully() {
        DefaultCloseFuture drained = new DefaultCloseFuture(toString(), futureLock);
        queue.add(new Pending(null, null, drained::setClosed));
        scheduleDrain();
        return drained;
    }

    @Override
    protected void doCloseImmediately() {
        if (life.shouldCommit()) {
            life.tunnel = tunnel.description();
            life.bytesSent = bytesSent.get();
            life.bytesReceived = bytesReceived.get();
            life.end = record == null ? "" : SandgateEvents.kind(record.endCause());
            life.commit();
        }
        tunnel.close();
        resumeRead();
        IOException closed = new EOFException("SSH session over " + tunnel.description() + " closed");
        if (writeFailure == null) {
            writeFailure = closed;
        }
        scheduleDrain();
        connector.sessionClosed(this);
        if (closeReported.compareAndSet(false, true)) {
            counters.tunnelClosed();
            try {
                handler.sessionClosed(this);
            } catch (Exception e) {
                log.debug("sessionClosed on {} failed: {}", tunnel.description(), e.toString());
            }
        }
        super.doCloseImmediately();
    }

    // ---- the rest of IoSession

    @Override
    public long getId() {
        return id;
    }

    @Override
    public SocketAddress getAcceptanceAddress() {
        return null;
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return remoteAddress;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return localAddress;
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
        return connector;
    }

    @Override
    public String toString() {
        return "TunnelIoSession[" + id + ", " + tunnel.description() + "]";
    }
}
