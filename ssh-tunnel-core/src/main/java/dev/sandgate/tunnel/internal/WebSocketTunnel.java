package dev.sandgate.tunnel.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

import dev.sandgate.cert.Refusal;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;

/**
 * A tunnel over an upgraded WebSocket connection: binary messages carry SSH bytes; a text message is a protocol error.
 * A reader thread, named after the tunnel, reads frames ({@link WebSocketFrameReader}) and pushes their payload on;
 * {@link #send} writes masked binary frames ({@link WebSocketFrameWriter}) and blocks while the socket is full.
 * Control frames (pings, pongs, close) are written by the transport's control threads, which wait their turn behind
 * the data: neither the reader nor the ping timer ever blocks on a write. The reader alone reports the end, once.
 *
 * <p>The tunnel counts as open only when the first bytes arrive (the SSH server's banner), so that a gateway that
 * accepts the upgrade and then closes with 4401..4409 is reported as a refusal, not as a broken SSH handshake.
 * A ping goes out every ping interval, one at a time; anything heard after it answers it, and a gateway that sends
 * nothing for the interval (5 s at least) after a ping, while the receiver is not holding the reader back, has gone
 * away.
 */
final class WebSocketTunnel implements Tunnel, WebSocketFrameReader.Frames {
    private static final int NORMAL_CLOSURE = 1000;
    private static final int UNSUPPORTED_DATA = 1003;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final long CLOSE_GRACE_MILLIS = 1000;
    private static final long MIN_PONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Socket socket;
    private final InputStream in;
    private final TunnelBuffers.Input buffered;
    private final WebSocketFrameWriter writer;
    private final String description;
    private final String threadName;
    private final List<String> secrets;
    private final long maxMessage;
    private final ScheduledExecutorService timers;
    private final Executor control;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Object deliveryLock = new Object();
    private final Queue<ByteBuffer> early = new ArrayDeque<>();
    /** Set when the tunnel stops taking sends: closed by the caller, aborted, or ended. */
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final AtomicBoolean endReported = new AtomicBoolean();
    private final AtomicBoolean pingInFlight = new AtomicBoolean();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long pingSentNanos;
    private volatile boolean awaitingPong;
    private volatile boolean delivering;
    private volatile long pongWaitNanos;
    /** Set by the reader when a close or text frame ended the reading. */
    private boolean closeOrTextSeen;
    /** Set when a close frame is on its way out: the control thread closes the socket after it. */
    private volatile boolean closeFrameQueued;
    private ScheduledFuture<?> pinger;
    private Receiver receiver;
    private IOException endBeforeStart;
    private boolean endedBeforeStart;

    /**
     * @param leftover bytes read past the upgrade's answer head: the first frames
     * @param control  runs the control-frame writes
     */
    WebSocketTunnel(Socket socket, byte[] leftover, String description, String threadName, List<String> secrets,
            long maxMessage, ScheduledExecutorService timers, Executor control, SecureRandom random)
            throws IOException {
        this.socket = socket;
        this.description = description;
        this.threadName = threadName;
        this.secrets = List.copyOf(secrets);
        this.maxMessage = maxMessage;
        this.timers = timers;
        this.control = control;
        this.buffered = new TunnelBuffers.Input(socket.getInputStream());
        this.in = new SequenceInputStream(new ByteArrayInputStream(leftover), buffered);
        OutputStream out = socket.getOutputStream();
        this.writer = new WebSocketFrameWriter(out, random);
    }

    /**
     * Starts reading and waits until the gateway's first bytes arrive, or the deadline.
     *
     * @throws TunnelRefusedException for a close code that refuses the session
     */
    void awaitFirstBytes(long deadline, Duration limit, Duration pingInterval) throws IOException {
        socket.setSoTimeout(0);
        PeerThreads.start(threadName, this::readLoop);
        try {
            opened.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort();
            throw new TunnelException(description + " failed: the gateway accepted the upgrade but sent no SSH bytes"
                    + " within " + limit.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            abort();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while opening " + description);
        } catch (ExecutionException e) {
            abort();
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new TunnelException(description + " failed: " + cause, cause);
        }
        if (!pingInterval.isZero()) {
            long every = pingInterval.toNanos();
            pongWaitNanos = Math.max(every, MIN_PONG_WAIT_NANOS);
            try {
                pinger = timers.scheduleAtFixedRate(this::ping, every, every, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                abort();
                throw new IllegalStateException("the WebSocket transport of " + description + " is closed", e);
            }
        }
    }

    private void readLoop() {
        WebSocketFrameReader frames = new WebSocketFrameReader(in, maxMessage);
        try {
            while (frames.next(this)) {
                lastHeardNanos = System.nanoTime();
            }
            if (!closed.get() && !closeOrTextSeen) {
                fail(new TunnelException(description + " broke: the gateway ended the connection without a"
                        + " WebSocket close"));
            }
        } catch (WebSocketFrameReader.ProtocolException | WebSocketFrameReader.MessageTooLargeException e) {
            int code = e instanceof WebSocketFrameReader.ProtocolException ? PROTOCOL_ERROR : MESSAGE_TOO_BIG;
            fail(new TunnelException(description + " broke: " + e.getMessage(), e));
            sendClose(code, null);
        } catch (IOException e) {
            if (!closed.get()) {
                fail(new TunnelException(description + " broke: " + e.getMessage(), e));
            }
        } finally {
            buffered.release();
            closed.set(true);
            cancelPinger();
            if (closeFrameQueued) {
                closeSoon();
            } else {
                PeerSockets.closeQuietly(socket);
            }
            end(failure.get());
        }
    }

    @Override
    public void binary(ByteBuffer piece) throws IOException {
        opened.complete(null);
        lastHeardNanos = System.nanoTime();
        synchronized (deliveryLock) {
            if (receiver == null) {
                ByteBuffer copy = ByteBuffer.allocate(piece.remaining());
                copy.put(piece).flip();
                early.add(copy);
                return;
            }
            deliver(piece);
        }
    }

    private void deliver(ByteBuffer bytes) throws IOException {
        delivering = true;
        try {
            receiver.onBytes(bytes);
        } catch (IOException e) {
            fail(new TunnelException(description + ": the SSH side failed on received bytes: " + e.getMessage(), e));
            throw e;
        } finally {
            // time the receiver held the reader back is not the gateway's silence
            lastHeardNanos = System.nanoTime();
            delivering = false;
        }
    }

    @Override
    public void text() {
        closeOrTextSeen = true;
        fail(new TunnelException(description + " broke: the gateway sent a text message; SSH bytes must come as binary"));
        sendClose(UNSUPPORTED_DATA, "text messages are not part of the tunnel protocol");
    }

    @Override
    public void ping(byte[] payload) {
        writeControl(WebSocketFrameWriter.OPCODE_PONG, payload, null);
    }

    @Override
    public void pong() {
        awaitingPong = false;
    }

    @Override
    public void close(int code, String reason) {
        closeOrTextSeen = true;
        if (closed.get()) {
            return;
        }
        sendClose(NORMAL_CLOSURE, null);
        if (code == NORMAL_CLOSURE && !opened.isDone()) {
            // closed before any SSH byte: not a session's tunnel, and no reason to wait out the time limit
            fail(new TunnelException(description + " was closed by the gateway (code 1000) before any SSH bytes came"));
            return;
        }
        if (code == NORMAL_CLOSURE) {
            return;
        }
        String said = GatewayErrorBody.message(reason, secrets);
        Refusal kind = Refusal.ofCloseCode(code);
        if (kind != Refusal.OTHER || !opened.isDone()) {
            fail(new TunnelRefusedException(kind, code, said, description));
        } else {
            fail(new TunnelException(description + " was closed by the gateway with code " + code
                    + (said == null ? "" : ": " + said)));
        }
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** Queues a close frame; the socket is closed once it is written, or after a grace period whatever happens. */
    private void sendClose(int code, String reason) {
        closeFrameQueued = true;
        writeControl(WebSocketFrameWriter.OPCODE_CLOSE, closePayload(code, reason), () -> {
            if (!(socket instanceof SSLSocket) && !socket.isClosed()) {
                try {
                    // the gateway sees the end at once and answers the close; the reader then closes the socket
                    socket.shutdownOutput();
                    return;
                } catch (IOException e) {
                    // closed below
                }
            }
            closeSoon();
        });
    }

    /**
     * Writes a control frame on a control thread, behind any write in progress; {@code after}, if any, runs once the
     * write was tried. A write that fails means the socket failed: the reader sees it and reports the end.
     */
    private void writeControl(int opcode, byte[] payload, Runnable after) {
        try {
            control.execute(() -> {
                writeLock.lock();
                try {
                    if (!socket.isClosed()) {
                        writer.control(opcode, payload);
                    }
                } catch (IOException e) {
                    PeerSockets.closeQuietly(socket);
                } finally {
                    writeLock.unlock();
                    if (after != null) {
                        after.run();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            abort();
        }
    }

    /** Every ping interval, on the timer: pings if no ping is out, or ends a tunnel whose gateway went silent. */
    private void ping() {
        if (closed.get()) {
            cancelPinger();
            return;
        }
        long now = System.nanoTime();
        if (awaitingPong && lastHeardNanos - pingSentNanos >= 0) {
            awaitingPong = false;
        }
        if (awaitingPong) {
            if (!delivering && now - pingSentNanos >= pongWaitNanos) {
                fail(new TunnelException(description + " broke: the gateway did not answer a WebSocket ping within "
                        + TimeUnit.NANOSECONDS.toMillis(now - pingSentNanos) + " ms"));
                abort();
            }
            return;
        }
        if (pingInFlight.compareAndSet(false, true)) {
            writeControl(WebSocketFrameWriter.OPCODE_PING, new byte[0], () -> {
                pingSentNanos = System.nanoTime();
                awaitingPong = true;
                pingInFlight.set(false);
            });
        }
    }

    private void cancelPinger() {
        ScheduledFuture<?> scheduled = pinger;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    /** Keeps the first failure, for the reader to report, and fails the opening if it is still waiting. */
    private void fail(IOException cause) {
        failure.compareAndSet(null, cause);
        if (!opened.isDone()) {
            opened.completeExceptionally(cause);
        }
    }

    /** Reports the end to the receiver, or keeps it for {@link #start} if there is none yet. */
    private void end(IOException cause) {
        synchronized (deliveryLock) {
            if (receiver == null) {
                if (!endedBeforeStart) {
                    endedBeforeStart = true;
                    endBeforeStart = cause;
                }
                return;
            }
        }
        if (endReported.compareAndSet(false, true)) {
            receiver.onClosed(cause);
        }
    }

    @Override
    public void start(Receiver newReceiver) {
        boolean endNow;
        synchronized (deliveryLock) {
            if (receiver != null) {
                throw new IllegalStateException("Tunnel already started: " + description);
            }
            receiver = newReceiver;
            try {
                while (!early.isEmpty()) {
                    deliver(early.poll());
                }
            } catch (IOException e) {
                // deliver kept it as the tunnel's failure; the reader reports it
                abort();
            }
            endNow = endedBeforeStart;
        }
        if (endNow && endReported.compareAndSet(false, true)) {
            newReceiver.onClosed(endBeforeStart);
        }
    }

    @Override
    public void send(ByteBuffer bytes) throws IOException {
        writeLock.lock();
        try {
            if (closed.get()) {
                throw new TunnelException(description + " is closed");
            }
            writer.binary(bytes);
        } catch (TunnelException e) {
            throw e;
        } catch (IOException e) {
            TunnelException broke = new TunnelException(description + " broke while sending: " + e.getMessage(), e);
            fail(broke);
            abort();
            throw broke;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void shutdownOutput() {
        // WebSocket has no half-close; SSH sends its own EOF
    }

    /**
     * Stops sends at once and queues a close frame; the gateway's answer, or a grace period of a second, closes the
     * socket. Never blocks.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cancelPinger();
        sendClose(NORMAL_CLOSURE, null);
        closeSoon();
    }

    /** Closes the socket after the grace period (at once if the transport's timer is gone). */
    private void closeSoon() {
        try {
            timers.schedule(this::abort, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            abort();
        }
    }

    /** Closes the socket now: the reader ends. */
    private void abort() {
        closed.set(true);
        cancelPinger();
        PeerSockets.closeQuietly(socket);
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
