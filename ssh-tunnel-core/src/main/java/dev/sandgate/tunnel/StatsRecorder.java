package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandgate.cert.CertificateListener;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.TunnelCounters;

/**
 * The counts behind {@link SandboxSsh#stats()} and the {@link TimingListener}s of one {@link SandboxSsh}. Counting is
 * an uncontended {@link LongAdder} add; an event with no listener costs a volatile read.
 */
final class StatsRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(StatsRecorder.class);
    private static final TimingListener[] NONE = {};

    private final TunnelCounters tunnels = new TunnelCounters();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder certificatesMinted = new LongAdder();
    private final LongAdder certificatesRenewed = new LongAdder();
    private final LongAdder certificateFailures = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder reconnectFailures = new LongAdder();
    private volatile TimingListener[] listeners = NONE;

    TunnelCounters tunnels() {
        return tunnels;
    }

    ClientStats snapshot() {
        // the ends are read before the starts, so that what opens and ends between two reads never shows below zero
        long connectionsEnded = connectionsClosed.sum();
        return new ClientStats(connectionsOpened.sum() - connectionsEnded, tunnels.open(), tunnels.bytesSent(),
                tunnels.bytesReceived(), tunnels.resumes(), certificatesMinted.sum(), certificatesRenewed.sum(),
                certificateFailures.sum(), reconnects.sum(), reconnectFailures.sum());
    }

    /** The builder's certificate listener, with the mints counted before it hears them. */
    CertificateListener counting(CertificateListener user) {
        return new CertificateListener() {
            @Override
            public void certificateIssued(String sessionId, IssuedCertificate certificate, boolean renewal) {
                (renewal ? certificatesRenewed : certificatesMinted).increment();
                user.certificateIssued(sessionId, certificate, renewal);
            }

            @Override
            public void certificateRenewalFailed(String sessionId, IOException cause, IssuedCertificate stillInUse,
                    Instant nextAttempt) {
                certificateFailures.increment();
                user.certificateRenewalFailed(sessionId, cause, stillInUse, nextAttempt);
            }
        };
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionClosed() {
        connectionsClosed.increment();
    }

    void reconnected() {
        reconnects.increment();
    }

    void reconnectFailed() {
        reconnectFailures.increment();
    }

    synchronized void add(TimingListener listener) {
        Objects.requireNonNull(listener, "listener");
        TimingListener[] now = listeners;
        TimingListener[] more = Arrays.copyOf(now, now.length + 1);
        more[now.length] = listener;
        listeners = more;
    }

    synchronized void remove(TimingListener listener) {
        TimingListener[] now = listeners;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == listener) {
                TimingListener[] fewer = new TimingListener[now.length - 1];
                System.arraycopy(now, 0, fewer, 0, i);
                System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
                listeners = fewer;
                return;
            }
        }
    }

    /** @param started when the attempt started, by {@link System#nanoTime()} */
    void connectFinished(String sessionId, long started, Exception failure) {
        TimingListener[] now = listeners;
        if (now.length > 0) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            for (TimingListener listener : now) {
                try {
                    listener.connectFinished(sessionId, took, failure);
                } catch (RuntimeException e) {
                    LOG.warn("A TimingListener failed on connectFinished; ignored", e);
                }
            }
        }
    }

    /** @param started when the command was called, by {@link System#nanoTime()} */
    void commandFinished(String sessionId, long started, int exitCode, Exception failure) {
        TimingListener[] now = listeners;
        if (now.length > 0) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            for (TimingListener listener : now) {
                try {
                    listener.commandFinished(sessionId, took, exitCode, failure);
                } catch (RuntimeException e) {
                    LOG.warn("A TimingListener failed on commandFinished; ignored", e);
                }
            }
        }
    }
}
