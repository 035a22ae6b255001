package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * What every connect of one {@link SandboxSsh} shares: the MINA client, the transports, the provider's steps, the
 * limits and the listeners. Each {@link #open} runs one {@link ConnectAttempt}.
 */
record ConnectPipeline(SshClient client, Transports transports, ConnectSteps steps, Duration connectTimeout,
        TunnelListener tunnelListener, ConnectionListener connectionListener, Duration keepAliveInterval,
        int keepAliveMisses, ScheduledExecutorService keepAliveTimer, StatsRecorder stats) {

    /** One login over one new tunnel, within {@code connectTimeout}; a reconnect calls it again. */
    Link open(String sessionId) throws IOException {
        Link link = new ConnectAttempt(this, sessionId).run();
        stats.connectionOpened();
        connectionListener.connected(sessionId);
        link.session().addCloseFutureListener(closedFuture -> {
            stats.connectionClosed();
            connectionListener.disconnected(sessionId, link.lost() ? SshFailures.lost("session " + sessionId
                    + " over " + link.tunnelDescription(), link.record(), false, null) : null);
        });
        return link;
    }

    /** Starts keepalives on a logged-in session, when they are on. */
    void keepAlive(ClientSession session, ConnectionRecord record) {
        if (!keepAliveInterval.isZero()) {
            KeepAlive.start(session, record, keepAliveInterval, keepAliveMisses, keepAliveTimer);
            session.addChannelListener(new CloseAcknowledger());
        }
    }
}
