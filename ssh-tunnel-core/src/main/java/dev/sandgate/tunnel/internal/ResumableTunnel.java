package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandgate.cert.Refusal;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;

/**
 * A tunnel that outlives its transport connections (gateway contract v2, "Resumption"). Bytes travel in
 * {@link ResumeFrames}; each side keeps what it sent until the other acknowledges it. When a connection drops, a
 * thread re-attaches a new one within the gateway's window, tells the gateway how much arrived, and sends again what
 * the gateway did not get, so the SSH stream above never sees the drop. Sends wait (back-pressure) while the bytes
 * kept reach the bound. When the window passes or the gateway no longer holds the tunnel, the tunnel ends with a
 * {@link TunnelException} saying so, and the SSH connection above fails as it would without resumption.
 */
final class ResumableTunnel implements Tunnel {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableTunnel.class);
    /** The most bytes received between two acknowledgements, whatever the gateway's buffer. */
    static final long MAX_ACK_EVERY = 1024 * 1024;
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;
    /** How long a closed tunnel's connection may stay open for the gateway to read the CLOSE and hang up. */
    private static final long CLOSE_GRACE_MILLIS = 2000;
    /** Closes connections whose gateway did not hang up after CLOSE; its one thread ends when idle. */
    private static final ScheduledThreadPoolExecutor CLOSER = closer();

    /** Opens a new transport connection carrying these extra headers, for at most the time left. */
    @FunctionalInterface
    interface Reattacher {
        Reattached reattach(Map<String, String> headers, long deadlineNanos) throws IOException;
    }

    /** A new transport connection to the same tunnel, and how many bytes the gateway says it has received. */
    record Reattached(Tunnel tunnel, long receivedByGateway) {
    }

    private final ResumeHandshake handshake;
    private final ResumeHandshake.Grant grant;
    private final long bound;
    /** Acknowledge after this many bytes: a quarter of the gateway's buffer, so that it never waits for one. */
    private final long ackEvery;
    private final Reattacher reattacher;
    private final String description;
    private final String threadName;
    private final Object lock = new Object();
    /** Held while DATA goes out, so that a re-attachment's replay never interleaves with a send. */
    private final ReentrantLock sending = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean endReported = new AtomicBoolean();

    // guarded by lock
    private Tunnel current;
    /** DATA frames sent and not yet acknowledged, oldest first; {@link #keptFrom} is the stream offset of the first. */
    private final ArrayDeque<byte[]> kept = new ArrayDeque<>();
    private long keptFrom;
    private long sentTotal;
    private volatile boolean ended;
    private IOException failure;

    // the reading thread's (one at a time: a connection's reader ends before the next connection starts)
    private volatile long receivedTotal;
    private long acknowledged;
    private volatile Receiver receiver;

    private static ScheduledThreadPoolExecutor closer() {
        ScheduledThreadPoolExecutor closer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sandgate-resumable-closer");
            thread.setDaemon(true);
            return thread;
        });
        closer.setKeepAliveTime(1, TimeUnit.SECONDS);
        closer.allowCoreThreadTimeOut(true);
        closer.setRemoveOnCancelPolicy(true);
        return closer;
    }

    ResumableTunnel(Tunnel first, ResumeHandshake handshake, ResumeHandshake.Grant grant, long bound,
            Reattacher reattacher, String threadName) {
        this.current = first;
        this.handshake = handshake;
        this.grant = grant;
        this.bound = bound;
        this.ackEvery = Math.min(grant.buffer() / 4, MAX_ACK_EVERY);
        this.reattacher = reattacher;
        this.description = first.description() + " (resumable)";
        this.threadName = threadName;
    }

    @Override
    public void start(Receiver receiver) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Tunnel already started: " + description);
        }
        this.receiver = receiver;
        Tunnel first;
        synchronized (lock) {
            first = current;
        }
        first.start(new Connection(first));
    }

    // ---- sending

    @Override
    public void send(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            int length = Math.min(bytes.remaining(), ResumeFrames.MAX_DATA);
            byte[] frame;
            if (bytes.hasArray()) {
                frame = ResumeFrames.data(bytes.array(), bytes.arrayOffset() + bytes.position(), length);
            } else {
                byte[] copy = new byte[length];
                bytes.duplicate().get(copy);
                frame = ResumeFrames.data(copy, 0, length);
            }
            awaitRoom(length);
            sending.lock();
            try {
                Tunnel target;
                synchronized (lock) {
                    checkOpen();
                    kept.addLast(frame);
                    sentTotal += length;
                    target = current;
                }
                bytes.position(bytes.position() + length);
                if (target != null) {
                    sendOrDrop(target, frame);
                }
            } finally {
                sending.unlock();
            }
        }
    }

    /** Waits while the bytes kept for a resend would pass the bound (the gateway has not acknowledged enough). */
    private void awaitRoom(int length) throws IOException {
        synchronized (lock) {
            while (!ended && sentTotal - keptFrom + length > bound && sentTotal > keptFrom) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while waiting for " + description
                            + " to acknowledge what was sent");
                }
            }
            checkOpen();
        }
    }

    private void checkOpen() throws IOException {
        if (ended) {
            throw failure != null ? new TunnelException(failure.getMessage(), failure)
                    : new TunnelException(description + " is closed");
        }
    }

    /** A connection that fails a send is closed: its reader then reports the drop, and the frame is resent later. */
    private static void sendOrDrop(Tunnel target, byte[] frame) {
        try {
            target.send(ByteBuffer.wrap(frame));
        } catch (IOException e) {
            target.close();
        }
    }

    @Override
    public void shutdownOutput() {
        // SSH carries its own EOF; a half-closed connection could not be resumed
    }

    // ---- receiving

    /** One transport connection's frames; the end of one that is no longer current changes nothing. */
    private final class Connection implements Tunnel.Receiver, ResumeFrames.Handler {
        private final Tunnel tunnel;
        private final ResumeFrames.Decoder decoder;

        Connection(Tunnel tunnel) {
            this.tunnel = tunnel;
            this.decoder = new ResumeFrames.Decoder(this, description);
        }

        @Override
        public void onBytes(ByteBuffer bytes) throws IOException {
            decoder.feed(bytes);
        }

        @Override
        public void onData(ByteBuffer bytes) throws IOException {
            if (isEnded()) {
                return; // closed: what still arrives before the gateway hangs up is nobody's
            }
            int count = bytes.remaining();
            try {
                receiver.onBytes(bytes);
            } catch (IOException | RuntimeException e) {
                // this side's receiver failed (the SSH session, a closed standard output): no drop to resume
                fail(new TunnelException(description + " ended: what it delivers to failed: " + e.getMessage(), e));
                throw e;
            }
            receivedTotal += count;
            if (receivedTotal - acknowledged >= ackEvery) {
                acknowledged = receivedTotal;
                sendOrDrop(tunnel, ResumeFrames.ack(acknowledged));
            }
        }

        @Override
        public void onAck(long received) throws IOException {
            synchronized (lock) {
                if (received > sentTotal) {
                    throw new ResumeFrames.ProtocolBroken(description, "the gateway acknowledged " + received
                            + " bytes of the " + sentTotal + " sent");
                }
                release(received);
                lock.notifyAll();
            }
        }

        @Override
        public void onClose() {
            synchronized (lock) {
                if (ended) {
                    return;
                }
                ended = true;
                lock.notifyAll();
            }
            tunnel.close();
            reportEnd(null);
        }

        @Override
        public void onClosed(IOException cause) {
            synchronized (lock) {
                if (!ended && brokeProtocol(cause)) {
                    // a broken protocol is no drop: resuming would only break it again
                    ended = true;
                    failure = cause;
                    lock.notifyAll();
                }
            }
            if (isEnded()) {
                reportEnd(failure);
                return;
            }
            dropped(tunnel, cause != null ? cause
                    : new TunnelException(tunnel.description() + " was ended by the far end"));
        }
    }

    /**
     * The connection {@code tunnel} is gone: when it is the current one, a new one is attached. An older
     * connection's end, or a second report of the same one, changes nothing.
     */
    private void dropped(Tunnel tunnel, IOException why) {
        synchronized (lock) {
            if (ended || current != tunnel) {
                return;
            }
            current = null;
        }
        LOG.debug("{} dropped ({}); re-attaching within {} s", description, why.toString(), grant.windowSeconds());
        receiver.onInterrupted(why);
        startReattaching(why);
    }

    private static boolean brokeProtocol(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ResumeFrames.ProtocolBroken) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the frames the gateway has received up to {@code received}. */
    private void release(long received) {
        while (!kept.isEmpty() && keptFrom + kept.peekFirst().length - ResumeFrames.DATA_HEADER <= received) {
            keptFrom += kept.removeFirst().length - ResumeFrames.DATA_HEADER;
        }
    }

    // ---- re-attaching

    private void startReattaching(IOException cause) {
        long droppedAt = System.nanoTime();
        PeerThreads.start(threadName + " resume", () -> reattach(droppedAt, cause));
    }

    private void reattach(long droppedAt, IOException cause) {
        long deadline = droppedAt + Duration.ofSeconds(grant.windowSeconds()).toNanos();
        IOException last = cause;
        long backoff = FIRST_BACKOFF_MILLIS;
        int tries = 0;
        while (!isEnded() && System.nanoTime() - deadline < 0) {
            tries++;
            try {
                Reattached attached = reattacher.reattach(handshake.reattach(grant.tunnelId(), receivedTotal), deadline);
                handshake.accepted();
                attach(attached, droppedAt);
                return;
            } catch (ResumeFrames.ProtocolBroken e) {
                fail(e);
                return;
            } catch (RuntimeException | Error e) {
                // a tunnel auth of the caller's that throws, or a bug: the tunnel ends rather than hang re-attaching
                fail(new TunnelException(description + " dropped and re-attaching it failed: " + e, e));
                return;
            } catch (TunnelRefusedException e) {
                if (isFinal(e)) {
                    fail(new TunnelException(description + " dropped and the gateway refused to re-attach it ("
                            + e.refusal().advice() + "): " + e.getMessage(), e));
                    return;
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
            long sleep = Math.min(backoff, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail(new TunnelException(description + " dropped and could not be re-attached within the gateway's "
                + grant.windowSeconds() + " s window (" + tries + " tries); the last failure: "
                + (last == null ? "none" : last.getMessage()), last));
    }

    /** Gone, or refused for a reason a retry cannot change. */
    private static boolean isFinal(TunnelRefusedException e) {
        Refusal refusal = e.refusal();
        return refusal == Refusal.TUNNEL_GONE || refusal == Refusal.UNAUTHORIZED || refusal == Refusal.FORBIDDEN
                || refusal == Refusal.SESSION_NOT_FOUND || refusal == Refusal.SESSION_NOT_RUNNING;
    }

    /** Makes the new connection current and sends again what the gateway did not receive, before any new send. */
    private void attach(Reattached attached, long droppedAt) throws IOException {
        Tunnel tunnel = attached.tunnel();
        long replayed;
        boolean resumable;
        List<byte[]> replay = new ArrayList<>();
        sending.lock();
        try {
            synchronized (lock) {
                if (ended) {
                    // closed while re-attaching: the gateway hears it now rather than when its window passes
                    sendOrDrop(tunnel, ResumeFrames.close());
                    CLOSER.schedule(tunnel::close, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                }
                long received = attached.receivedByGateway();
                if (received < keptFrom || received > sentTotal) {
                    tunnel.close();
                    ended = true;
                    failure = new TunnelException(description + " cannot be resumed: the gateway says it received "
                            + received + " bytes, but " + keptFrom + " to " + sentTotal + " is what can be resent");
                    lock.notifyAll();
                    resumable = false;
                    replayed = 0;
                } else {
                    release(received);
                    lock.notifyAll();
                    replayed = sentTotal - received;
                    long offset = keptFrom;
                    for (byte[] frame : kept) {
                        int length = frame.length - ResumeFrames.DATA_HEADER;
                        if (offset + length > received) {
                            int skip = (int) Math.max(0, received - offset);
                            replay.add(skip == 0 ? frame
                                    : ResumeFrames.data(frame, ResumeFrames.DATA_HEADER + skip, length - skip));
                        }
                        offset += length;
                    }
                    current = tunnel;
                    resumable = true;
                }
            }
            if (!resumable) {
                reportEnd(failure);
                return;
            }
            // the first frame on a re-attached connection is this side's ACK: from then on the gateway takes no
            // repeat of the request that attached it, so whoever saw that request cannot use it
            acknowledged = receivedTotal;
            sendOrDrop(tunnel, ResumeFrames.ack(acknowledged));
            Duration took = Duration.ofNanos(System.nanoTime() - droppedAt);
            LOG.debug("{} re-attached after {} ms, {} bytes to send again", description, took.toMillis(), replayed);
            // heard before the new connection is read, so that its own drop, if any, is heard after
            receiver.onResumed(took, replayed);
            SandgateEvents.Resume event = new SandgateEvents.Resume();
            if (event.isEnabled()) {
                event.tunnel = description;
                event.bytesReplayed = replayed;
                event.took = took.toNanos();
                event.commit();
            }
            // read while the replay goes out: a gateway that sends before it reads must not fill both directions
            tunnel.start(new Connection(tunnel));
            for (byte[] frame : replay) {
                sendOrDrop(tunnel, frame);
            }
        } finally {
            sending.unlock();
        }
    }

    private boolean isEnded() {
        return ended;
    }

    private void fail(IOException cause) {
        Tunnel open;
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            failure = cause;
            open = current;
            current = null;
            lock.notifyAll();
        }
        if (open != null) {
            open.close();
        }
        reportEnd(cause);
    }

    private void reportEnd(IOException cause) {
        if (endReported.compareAndSet(false, true) && receiver != null) {
            receiver.onClosed(cause);
        }
    }

    /** Treats the current connection as dropped (it went silent) and closes it; a new one is attached. */
    @Override
    public boolean dropConnection() {
        Tunnel silent;
        synchronized (lock) {
            if (ended) {
                return false;
            }
            silent = current;
        }
        if (silent != null) {
            dropped(silent, new TunnelException(silent.description() + " went silent: keepalives got no reply"));
            silent.close();
        }
        return true;
    }

    // ---- closing

    /**
     * Sends CLOSE when the connection takes it within a moment (a send under way finishes first); false when it cannot,
     * and the gateway then forgets the tunnel when its window passes.
     */
    private boolean toldClose(Tunnel open) {
        try {
            if (!sending.tryLock(CLOSE_GRACE_MILLIS / 10, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            open.send(ByteBuffer.wrap(ResumeFrames.close()));
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            sending.unlock();
        }
    }

    /** Ends the tunnel for good: the gateway hears a CLOSE when the connection can take it at once. */
    @Override
    public void close() {
        Tunnel open;
        synchronized (lock) {
            if (ended) {
                open = current;
                current = null;
            } else {
                ended = true;
                open = current;
                current = null;
                lock.notifyAll();
            }
        }
        if (open != null) {
            if (toldClose(open)) {
                // the gateway closes the connection once it has read the CLOSE; closing it here first could reset it
                // with the CLOSE unread, when bytes to this side are still arriving
                CLOSER.schedule(open::close, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                open.close();
            }
        }
        if (open == null || !started.get()) {
            reportEnd(null);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
