package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sandgate.cert.Refusal;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;

/**
 * A tunnel over an OkHttp WebSocket. Binary messages carry SSH bytes; a text message is a protocol error.
 *
 * <p>The tunnel counts as open only when the first bytes arrive (the SSH server's banner), so that a gateway that
 * accepts the upgrade and then closes with 4401..4409 is reported as a refusal, not as a broken SSH handshake.
 * OkHttp has no send-completion callback and drops the connection when its queue passes 16 MiB, so {@link #send}
 * waits while the queue is above {@link #HIGH_WATER_MARK}, woken by the socket's writes ({@link WriteProgress}).
 */
final class WebSocketTunnel extends WebSocketListener implements Tunnel {
    static final long HIGH_WATER_MARK = 4L * 1024 * 1024;
    private static final long QUEUE_RECHECK_NANOS = 10_000_000;
    private static final int NORMAL_CLOSURE = 1000;
    private static final long MAX_ERROR_BODY = 64 * 1024;
    private static final long ERROR_BODY_WAIT_MILLIS = 300;

    private final String description;
    private final String threadName;
    private final WriteProgress writeProgress;
    private final List<String> secrets;
    private volatile boolean upgraded;
    private volatile List<String> challenges = List.of();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final Object deliveryLock = new Object();
    private final Queue<ByteBuffer> early = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean endReported = new AtomicBoolean();
    private volatile WebSocket webSocket;
    private Receiver receiver;
    private IOException endBeforeStart;
    private boolean endedBeforeStart;

    WebSocketTunnel(String description, String threadName, Collection<String> secrets, WriteProgress writeProgress) {
        this.description = description;
        this.writeProgress = writeProgress;
        this.threadName = threadName;
        this.secrets = List.copyOf(secrets);
    }

    /**
     * Sends the upgrade and waits, at most {@code limit}, for the gateway's first bytes.
     *
     * @throws TunnelRefusedException for a refused upgrade or a close code; {@link #challenges()} then holds any
     *                                authentication challenges that came with a 401 or 407
     */
    void connect(OkHttpClient http, Request upgrade, Duration limit) throws IOException {
        webSocket = http.newWebSocket(upgrade, this);
        try {
            opened.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            webSocket.cancel();
            throw new TunnelException(description + " failed: " + (upgraded
                    ? "the gateway accepted the upgrade but sent no SSH bytes within " + limit.toMillis() + " ms"
                    : "no answer within " + limit.toMillis() + " ms"), e);
        } catch (InterruptedException e) {
            webSocket.cancel();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while opening " + description);
        } catch (ExecutionException e) {
            webSocket.cancel();
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new TunnelException(description + " failed: " + cause, cause);
        }
    }

    /** The authentication challenges of a 401 or 407 answer to the upgrade, if that is how it was refused. */
    List<String> challenges() {
        return challenges;
    }

    @Override
    public void onOpen(WebSocket socket, Response response) {
        upgraded = true;
        // OkHttp reads this WebSocket on this thread for as long as it lives: name it after the tunnel
        Thread.currentThread().setName(threadName);
    }

    @Override
    public void onMessage(WebSocket socket, ByteString bytes) {
        opened.complete(null);
        synchronized (deliveryLock) {
            if (receiver == null) {
                early.add(bytes.asByteBuffer());
                return;
            }
            deliver(bytes.asByteBuffer());
        }
    }

    private void deliver(ByteBuffer bytes) {
        try {
            receiver.onBytes(bytes);
        } catch (IOException e) {
            fail(new TunnelException(description + ": the SSH side failed on received bytes: " + e.getMessage(), e));
        }
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
        socket.close(1003, "text messages are not part of the tunnel protocol");
        fail(new TunnelException(description + " broke: the gateway sent a text message; SSH bytes must come as binary"));
    }

    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
        socket.close(NORMAL_CLOSURE, null);
        if (closed.get()) {
            end(null);
            return;
        }
        if (code == NORMAL_CLOSURE && !opened.isDone()) {
            // closed before any SSH byte: not a session's tunnel, and no reason to wait out the time limit
            fail(new TunnelException(description + " was closed by the gateway (code 1000) before any SSH bytes came"));
            return;
        }
        if (code == NORMAL_CLOSURE) {
            end(null);
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

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
        end(null);
    }

    @Override
    public void onFailure(WebSocket socket, Throwable t, Response response) {
        if (response != null && !opened.isDone()) {
            int status = response.code();
            if (status < 300) {
                fail(new TunnelException(description + " is not a WebSocket endpoint: the upgrade was answered with "
                        + status + (status == 101 ? " that did not complete the WebSocket handshake" : "")));
                return;
            }
            String body = errorBody(response);
            if (status == 401 || status == 407) {
                List<String> offered = new ArrayList<>(response.headers("WWW-Authenticate"));
                offered.addAll(response.headers("Proxy-Authenticate"));
                challenges = List.copyOf(offered);
            }
            String said = GatewayErrorBody.message(body, secrets);
            if (status / 100 == 3) {
                said = "a redirect to " + GatewayErrorBody.message(response.header("Location"), secrets)
                        + ", which is not followed" + (said == null ? "" : "; " + said);
            }
            fail(new TunnelRefusedException(Refusal.ofHttpStatus(status), status, said, description));
            return;
        }
        if (closed.get()) {
            end(null);
            return;
        }
        String what = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        fail(new TunnelException(description + " broke: " + what, t));
    }

    /** At most 64 KiB of an error answer's body, read for at most a moment: a body may be slow, or never end. */
    private static String errorBody(Response response) {
        if (response.body() == null) {
            return null;
        }
        BufferedSource source = response.body().source();
        source.timeout().timeout(ERROR_BODY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        try {
            source.request(MAX_ERROR_BODY);
        } catch (IOException partial) {
            // the status explains the refusal; whatever arrived in time is shown
        }
        Buffer arrived = source.getBuffer();
        return arrived.snapshot(Math.toIntExact(Math.min(arrived.size(), MAX_ERROR_BODY))).utf8();
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
            while (!early.isEmpty()) {
                deliver(early.poll());
            }
            endNow = endedBeforeStart;
        }
        if (endNow && endReported.compareAndSet(false, true)) {
            newReceiver.onClosed(endBeforeStart);
        }
    }

    @Override
    public void send(ByteBuffer bytes) throws IOException {
        WebSocket socket = webSocket;
        while (socket.queueSize() > HIGH_WATER_MARK) {
            if (closed.get()) {
                throw new TunnelException(description + " is closed");
            }
            try {
                // woken when a socket write completes; the bound covers a write that finished before we waited
                writeProgress.awaitWrite(QUEUE_RECHECK_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while sending on " + description);
            }
        }
        if (closed.get() || !socket.send(ByteString.of(bytes))) {
            throw new TunnelException(description + " is closed");
        }
    }

    @Override
    public void shutdownOutput() {
        // WebSocket has no half-close; SSH sends its own EOF
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            WebSocket socket = webSocket;
            if (socket != null && !socket.close(NORMAL_CLOSURE, null)) {
                socket.cancel();
            }
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
