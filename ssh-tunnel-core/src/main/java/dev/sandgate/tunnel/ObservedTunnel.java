package dev.sandgate.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/** Opens tunnels through a transport and reports each one's life to a {@link TunnelListener}. */
final class ObservedTunnel implements Tunnel {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedTunnel.class);

    private final Tunnel tunnel;
    private final String sessionId;
    private final TunnelListener listener;
    private final ConnectionListener connectionListener;
    private final ConnectionRecord record;
    /** Counted, and the end reported, under this object's lock (see {@link #reportClosed}). */
    private long sent;
    private long received;
    private boolean closeReported;
    private volatile boolean closing;

    private ObservedTunnel(Tunnel tunnel, String sessionId, TunnelListener listener,
            ConnectionListener connectionListener, ConnectionRecord record) {
        this.tunnel = tunnel;
        this.connectionListener = connectionListener;
        this.record = record;
        this.sessionId = sessionId;
        this.listener = listener;
    }

    /** Opens a tunnel, telling the listener how it went; the tunnel reports its bytes and its end. */
    /** @param record what the connection saw, for the cause of an end this side carried out because of a failure */
    static Tunnel open(Transport transport, TunnelRequest request, TunnelListener listener,
            ConnectionListener connectionListener, ConnectionRecord record) throws IOException {
        String sessionId = request.sessionId();
        tell(() -> listener.tunnelOpening(sessionId, request));
        long start = System.nanoTime();
        Tunnel tunnel;
        try {
            tunnel = transport.open(request);
        } catch (IOException | RuntimeException e) {
            IOException failure = e instanceof IOException ? (IOException) e
                    : new TunnelException("The transport failed to open a tunnel to session " + sessionId + ": " + e, e);
            tell(() -> listener.tunnelFailed(sessionId, failure, Duration.ofNanos(System.nanoTime() - start)));
            throw failure;
        }
        tell(() -> listener.tunnelOpened(sessionId, tunnel.description(), Duration.ofNanos(System.nanoTime() - start)));
        return listener == TunnelListener.NONE && connectionListener == ConnectionListener.NONE ? tunnel
                : new ObservedTunnel(tunnel, sessionId, listener, connectionListener, record);
    }

    @Override
    public void start(Receiver receiver) {
        tunnel.start(new Receiver() {
            @Override
            public void onBytes(ByteBuffer bytes) throws IOException {
                int count = bytes.remaining();
                synchronized (ObservedTunnel.this) {
                    if (!closeReported) {
                        received += count;
                        tell(() -> listener.bytesReceived(sessionId, count));
                    }
                }
                receiver.onBytes(bytes);
            }

            @Override
            public void onClosed(IOException cause) {
                // an end nobody here asked for is news to the listener even when the far end closed cleanly
                reportClosed(cause != null || closing ? cause
                        : new TunnelException(tunnel.description() + " was ended by the far end"));
                receiver.onClosed(cause);
            }

            @Override
            public void onInterrupted(IOException cause) {
                tell(() -> connectionListener.resuming(sessionId, cause));
                receiver.onInterrupted(cause);
            }

            @Override
            public void onResumed(Duration took, long bytesReplayed) {
                receiver.onResumed(took, bytesReplayed);
                tell(() -> connectionListener.resumed(sessionId, took, bytesReplayed));
            }
        });
    }

    @Override
    public void send(ByteBuffer bytes) throws IOException {
        int count = bytes.remaining();
        tunnel.send(bytes);
        synchronized (this) {
            if (!closeReported) {
                sent += count;
                tell(() -> listener.bytesSent(sessionId, count));
            }
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        tunnel.shutdownOutput();
    }

    @Override
    public boolean dropConnection() {
        return tunnel.dropConnection();
    }

    @Override
    public void close() {
        closing = true;
        tunnel.close();
        // this side closes for its owner (no cause), or because something failed (the keepalive, MINA)
        reportClosed(record.endCause());
    }

    /**
     * Reports the end once. The counting above holds the same lock, so the totals reported here are the sum of the
     * counts reported before, even when a send finishes on one thread while another closes: no count follows the end.
     */
    private synchronized void reportClosed(IOException cause) {
        if (!closeReported) {
            closeReported = true;
            long totalSent = sent;
            long totalReceived = received;
            tell(() -> listener.tunnelClosed(sessionId, tunnel.description(), totalSent, totalReceived, cause));
        }
    }

    @Override
    public String description() {
        return tunnel.description();
    }

    @Override
    public String toString() {
        return tunnel.toString();
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("A TunnelListener failed; ignored", e);
        }
    }
}
