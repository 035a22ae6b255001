package dev.sandgate.tunnel.internal;

import java.io.BufferedInputStream;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>The tunnel counts as open only when the first bytes arrive (the SSH server's banner), so that a gateway that
 * accepts the upgrade and then closes with 4401..4409 is reported as a refusal, not as a broken SSH handshake.
 * Pings go out every ping interval while nothing is being sent; a gateway that sends nothing at all for a whole
 * interval (5 s at least) after a ping has gone away. The reader never waits for the write lock: a pong it cannot send at once is
 * sent after the write in progress.
 */
final class WebSocketTunnel implements Tunnel, WebSocketFrameReader.Frames {
    private static final int NORMAL_CLOSURE = 1000;
    private static final int UNSUPPORTED_DATA = 1003;
    private static final int PROTOCOL_ERROR = 1002;
    private static final long CLOSE_LOCK_WAIT_MILLIS = 200;
    private static final long CLOSE_GRACE_MILLIS = 1000;
    private static final int READ_BUFFER = 64 * 1024;
    private static final long MIN_PONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Socket socket;
    private final InputStream in;
    private final WebSocketFrameWriter writer;
    private final String description;
    private final String threadName;
    private final List<String> secrets;
    private final long maxMessage;
    private final ScheduledExecutorService timers;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Object deliveryLock = new Object();
    private final Queue<ByteBuffer> early = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean endReported = new AtomicBoolean();
    private volatile byte[] pendingPong;
    /** Set by the reader when a close or text frame ended the reading. */
    private boolean closeOrTextSeen;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long pingSentNanos;
    private volatile boolean awaitingPong;
    private volatile long pongWaitNanos;
    private ScheduledFuture<?> pinger;
    private Receiver receiver;
    private IOException endBeforeStart;
    private boolean endedBeforeStart;

    /**
     * @param leftover bytes read past the upgrade's answer head: the first frames
     */
    WebSocketTunnel(Socket socket, byte[] leftover, String description, String threadName, List<String> secrets,
            long maxMessage, ScheduledExecutorService timers, SecureRandom random) throws IOException {
        this.socket = socket;
        this.description = description;
        this.threadName = threadName;
        this.secrets = List.copyOf(secrets);
        this.maxMessage = maxMessage;
        this.timers = timers;
        this.in = new SequenceInputStream(new ByteArrayInputStream(leftover),
                new BufferedInputStream(socket.getInputStream(), READ_BUFFER));
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
        Thread reader = new Thread(this::readLoop, threadName);
        reader.setDaemon(true);
        reader.start();
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
        } catch (WebSocketFrameReader.ProtocolException e) {
            sendControlIfFree(WebSocketFrameWriter.OPCODE_CLOSE, closePayload(PROTOCOL_ERROR, "protocol error"));
            fail(new TunnelException(description + " broke: " + e.getMessage(), e));
        } catch (IOException e) {
            if (!closed.get()) {
                fail(new TunnelException(description + " broke: " + e.getMessage(), e));
            }
        } finally {
            closed.set(true);
            cancelPinger();
            PeerSockets.closeQuietly(socket);
            end(null);
        }
    }

    @Override
    public void binary(ByteBuffer piece) throws IOException {
        opened.complete(null);
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
        try {
            receiver.onBytes(bytes);
        } catch (IOException e) {
            fail(new TunnelException(description + ": the SSH side failed on received bytes: " + e.getMessage(), e));
            throw e;
        }
    }

    @Override
    public void text() {
        closeOrTextSeen = true;
        sendControlIfFree(WebSocketFrameWriter.OPCODE_CLOSE,
                closePayload(UNSUPPORTED_DATA, "text messages are not part of the tunnel protocol"));
        fail(new TunnelException(description + " broke: the gateway sent a text message; SSH bytes must come as binary"));
    }

    @Override
    public void ping(byte[] payload) {
        if (!sendControlIfFree(WebSocketFrameWriter.OPCODE_PONG, payload)) {
            pendingPong = payload;
        }
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
        sendControlIfFree(WebSocketFrameWriter.OPCODE_CLOSE, closePayload(NORMAL_CLOSURE, null));
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

    /** Sends a control frame if no write is in progress; false if one is (or the socket failed). */
    private boolean sendControlIfFree(int opcode, byte[] payload) {
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            writer.control(opcode, payload);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Every ping interval: pings, one ping at a time, when no write holds the line. Anything heard after a ping
     * answers it; a gateway that has sent nothing for {@link #MIN_PONG_WAIT_NANOS} (or the interval, if longer) after
     * a ping has gone away.
     */
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
            if (now - pingSentNanos >= pongWaitNanos) {
                fail(new TunnelException(description + " broke: the gateway did not answer a WebSocket ping within "
                        + TimeUnit.NANOSECONDS.toMillis(now - pingSentNanos) + " ms"));
                abort();
            }
            return;
        }
        if (sendControlIfFree(WebSocketFrameWriter.OPCODE_PING, new byte[0])) {
            pingSentNanos = now;
            awaitingPong = true;
        }
    }

    private void cancelPinger() {
        ScheduledFuture<?> scheduled = pinger;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private void fail(IOException cause) {
        if (!opened.isDone()) {
            opened.completeExceptionally(cause);
        }
        end(cause);
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
                // deliver reported it as the tunnel's end
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
            byte[] pong = pendingPong;
            if (pong != null) {
                pendingPong = null;
                writer.control(WebSocketFrameWriter.OPCODE_PONG, pong);
            }
        } catch (TunnelException e) {
            throw e;
        } catch (IOException e) {
            abort();
            throw new TunnelException(description + " broke while sending: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void shutdownOutput() {
        // WebSocket has no half-close; SSH sends its own EOF
    }

    /**
     * Sends a close frame (unless a write holds the line) and lets the gateway answer it for a moment: the reader
     * closes the socket when the answer, or the end, comes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        cancelPinger();
        boolean sent = false;
        try {
            if (writeLock.tryLock(CLOSE_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                try {
                    writer.control(WebSocketFrameWriter.OPCODE_CLOSE, closePayload(NORMAL_CLOSURE, null));
                    sent = true;
                    if (!(socket instanceof SSLSocket)) {
                        socket.shutdownOutput();
                    }
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException e) {
            sent = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!sent) {
            abort();
            return;
        }
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
