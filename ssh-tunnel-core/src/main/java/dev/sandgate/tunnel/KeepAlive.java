package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.GlobalRequestFuture.ReplyHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * Asks the server for a reply every interval ({@code keepalive@openssh.com}, which OpenSSH answers even when it does
 * not know it) and, after a number of asks in a row go unanswered, records that and ends the connection: a tunnel
 * that went silent is noticed within about (misses + 1) intervals instead of hanging whoever waits on it. A resumable
 * tunnel (gateway contract v2) gets one chance first: its silent connection is dropped and a new one attached, as
 * after a drop the network reported; only a second silence with no reply in between ends the connection.
 */
final class KeepAlive implements Runnable {
    private static final String REQUEST = "keepalive@openssh.com";

    private final ClientSession session;
    private final ConnectionRecord record;
    private final Duration interval;
    private final int misses;
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile ScheduledFuture<?> schedule;
    /** Whether the last silence made a resumable tunnel attach a new connection, with no reply since. */
    private volatile boolean droppedForSilence;

    private KeepAlive(ClientSession session, ConnectionRecord record, Duration interval, int misses) {
        this.session = session;
        this.record = record;
        this.interval = interval;
        this.misses = misses;
    }

    /** Starts asking on {@code timer}; stops by itself when the session closes. */
    static void start(ClientSession session, ConnectionRecord record, Duration interval, int misses,
            ScheduledExecutorService timer) {
        KeepAlive keepAlive = new KeepAlive(session, record, interval, misses);
        keepAlive.schedule = timer.scheduleWithFixedDelay(keepAlive, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
        session.addCloseFutureListener(closed -> keepAlive.schedule.cancel(false));
    }

    @Override
    public void run() {
        if (!session.isOpen()) {
            schedule.cancel(false);
            return;
        }
        if (record.resuming()) {
            // a resumable tunnel is re-attaching: its own window bounds the silence
            unanswered.set(0);
            return;
        }
        if (unanswered.get() >= misses && !droppedForSilence && record.dropConnection()) {
            // a resumable tunnel whose connection went silent: a new connection is attached and counting starts over;
            // silent again with no reply in between, and the connection ends
            droppedForSilence = true;
            unanswered.set(0);
            return;
        }
        if (unanswered.get() >= misses) {
            record.keepAliveFailed(misses, interval);
            schedule.cancel(false);
            session.close(true);
            return;
        }
        unanswered.incrementAndGet();
        try {
            // success or failure alike: any answer means the server and the tunnel are alive
            ask(session, (command, reply) -> {
                unanswered.set(0);
                droppedForSilence = false;
            });
        } catch (IOException | RuntimeException closing) {
            // the session is closing; the close listener stops this schedule
        }
    }

    /** Sends one {@code keepalive@openssh.com} request wanting a reply; {@code onReply} hears success and failure. */
    static void ask(Session session, ReplyHandler onReply) throws IOException {
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 16);
        request.putString(REQUEST);
        request.putBoolean(true);
        session.request(request, REQUEST, onReply);
    }
}
