package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.time.Duration;

/**
 * What happened to one link once its tunnel was open, recorded by the parts that saw it (the tunnel session, the
 * keepalive, MINA's session listener), so that a loss is named from facts. What happened while connecting is the
 * connect attempt's own (see {@link AttemptContext}). MINA clears a session's attributes when it closes, so they
 * cannot carry this. Not API.
 */
public final class ConnectionRecord {
    private volatile boolean tunnelEnded;
    private volatile IOException tunnelEndCause;
    private volatile String keepAliveFailure;
    private volatile Throwable sessionFailure;
    private volatile boolean resuming;
    private volatile java.util.function.BooleanSupplier dropConnection = () -> false;

    /** The tunnel ended without this side asking: cleanly ({@code cause} null) or broken. The first end counts. */
    synchronized void tunnelEnded(IOException cause) {
        if (!tunnelEnded) {
            tunnelEnded = true;
            tunnelEndCause = cause;
        }
    }

    /** A resumable tunnel is re-attaching ({@code true}) or has re-attached ({@code false}). */
    void resuming(boolean resuming) {
        this.resuming = resuming;
    }

    /**
     * Whether a resumable tunnel is re-attaching a dropped connection: silence is expected until it is back or ends,
     * so the keepalive does not count it.
     */
    public boolean resuming() {
        return resuming;
    }

    /** How to drop the tunnel's current connection so that a resumable tunnel attaches a new one. */
    void dropConnectionWith(java.util.function.BooleanSupplier drop) {
        this.dropConnection = drop;
    }

    /**
     * Drops the tunnel's current connection when the tunnel can re-attach a new one (it went silent without the
     * network saying so); false when it cannot, and the connection is to end.
     */
    public boolean dropConnection() {
        return dropConnection.getAsBoolean();
    }

    /** The keepalive gave up: {@code misses} asks in a row went unanswered. */
    public void keepAliveFailed(int misses, Duration interval) {
        keepAliveFailure = misses + " keepalive request(s) in a row, " + interval.toMillis() + " ms apart, got no"
                + " reply: the tunnel or the server went silent";
    }

    /** MINA reported a failure on the session (the last one wins). */
    public void sessionFailed(Throwable failure) {
        sessionFailure = failure;
    }

    /** Whether the tunnel ended without this side asking. */
    public boolean tunnelEnded() {
        return tunnelEnded;
    }

    /** What broke the tunnel, or null for a clean end by the far side (or no end yet). */
    public IOException tunnelEndCause() {
        return tunnelEndCause;
    }

    /** Why the keepalive gave up, or null. */
    public String keepAliveFailure() {
        return keepAliveFailure;
    }

    /** The last failure MINA reported on the session, or null. */
    public Throwable sessionFailure() {
        return sessionFailure;
    }

    /** What ended the connection, for a listener or a message: the keepalive, the tunnel, or MINA; null if nothing. */
    public IOException endCause() {
        if (keepAliveFailure != null) {
            return new IOException(keepAliveFailure);
        }
        if (tunnelEnded) {
            return tunnelEndCause != null ? tunnelEndCause : new IOException("the far end closed the tunnel");
        }
        Throwable failure = sessionFailure;
        if (failure == null) {
            return null;
        }
        return failure instanceof IOException ? (IOException) failure : new IOException(failure.toString(), failure);
    }
}
