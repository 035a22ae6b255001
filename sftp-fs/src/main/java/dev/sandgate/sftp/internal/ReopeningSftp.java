package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;

import dev.sandgate.sftp.SftpOptions;
import dev.sandgate.sftp.SftpTimeoutException;
import dev.sandgate.tunnel.SshConnection;

/**
 * A file system's SFTP channel, re-opened on the connection's new SSH session after the connection reconnected. The
 * first caller to find the channel closed re-opens it, without holding a lock across the network; callers arriving
 * meanwhile wait for that same attempt. When the connection cannot be re-established (no {@code ReconnectPolicy}, the
 * connection closed, or every attempt failed) the file system gives up for good: the dead channel stays, and every
 * request on it fails as {@link SftpErrors#lost} says, naming its path and why.
 */
final class ReopeningSftp {
    private final SshConnection connection;
    private final SftpOptions options;
    private volatile RemoteSftp current;
    /** Why re-opening failed; once set the file system has no way back. */
    private volatile IOException gaveUp;
    /** The connection was lost for good without a reconnect being tried (no policy, or closed). */
    private volatile boolean noWayBack;
    /** The re-open under way, shared by the callers that found the same dead channel; guarded by {@code this}. */
    private CompletableFuture<RemoteSftp> reopening;
    /** The file system closed; guarded by {@code this}. A channel re-opened after that is closed at once. */
    private boolean closed;

    private ReopeningSftp(SshConnection connection, SftpOptions options) {
        this.connection = connection;
        this.options = options;
    }

    /** Opens the first channel on the connection's current session. */
    static ReopeningSftp open(SshConnection connection, SftpOptions options) throws IOException {
        ReopeningSftp sftp = new ReopeningSftp(connection, options);
        sftp.current = sftp.openChannel(false);
        return sftp;
    }

    /**
     * The open channel; after a loss, a new one on the reconnected session. When there is no way back it is the dead
     * channel, whose requests fail with the reason.
     */
    RemoteSftp current() {
        RemoteSftp seen = current;
        if (seen.isOpen() || gaveUp != null || noWayBack) {
            return seen;
        }
        CompletableFuture<RemoteSftp> attempt;
        boolean mine = false;
        synchronized (this) {
            if (current != seen || closed) {
                return current;
            }
            if (reopening == null) {
                reopening = new CompletableFuture<>();
                mine = true;
            }
            attempt = reopening;
        }
        if (mine) {
            RemoteSftp next = reopen(seen);
            boolean closedMeanwhile;
            synchronized (this) {
                current = next;
                reopening = null;
                closedMeanwhile = closed;
            }
            if (closedMeanwhile && next != seen) {
                closeQuietly(next); // the file system closed while this re-opened: it must not outlive it
            }
            attempt.complete(next);
        }
        return attempt.join();
    }

    private RemoteSftp reopen(RemoteSftp dead) {
        closeQuietly(dead);
        if (!connection.isOpen() && !connection.canReconnect()) {
            noWayBack = true; // nothing to try: a closed connection, or no ReconnectPolicy
            return dead;
        }
        try {
            return openChannel(true);
        } catch (IOException | RuntimeException e) {
            gaveUp = e instanceof IOException io ? io : new IOException(e);
            return dead;
        }
    }

    private RemoteSftp openChannel(boolean reconnect) throws IOException {
        try {
            return RemoteSftp.open(reconnect ? connection.liveClientSession() : connection.clientSession(),
                    connection.sessionId(), options.requestTimeout(), this);
        } catch (SocketTimeoutException e) {
            // MINA's own wait for the server's version, which RemoteSftp bounds by the request timeout
            SftpTimeoutException timedOut = new SftpTimeoutException(null, options.requestTimeout());
            timedOut.initCause(e);
            throw timedOut;
        }
    }

    /** Whether the file system works or can reconnect: its channel is open, or a reconnect may bring a new one. */
    boolean usable() {
        return gaveUp == null && !noWayBack && (current.isOpen() || connection.isOpen() || connection.canReconnect());
    }

    /** Why re-opening failed, or null while it has not. */
    IOException gaveUp() {
        return gaveUp;
    }

    /** Whether the next call re-opens the channel after a loss. */
    boolean reconnects() {
        return gaveUp == null && !noWayBack && (connection.isOpen() || connection.canReconnect());
    }

    /** Closes the current channel, not the connection; a re-open under way closes its channel when done. */
    void close() throws IOException {
        RemoteSftp last;
        synchronized (this) {
            closed = true;
            last = current;
        }
        last.close();
    }

    private static void closeQuietly(RemoteSftp sftp) {
        try {
            sftp.close();
        } catch (IOException | RuntimeException ignored) {
            // a channel that is gone with its session, or unwanted: closing only releases what MINA still holds
        }
    }
}
