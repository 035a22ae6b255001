package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;

import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Signals to a remote command: the SSH {@code signal} channel request (RFC 4254, 6.9), which OpenSSH's sshd delivers
 * to the command's whole process group. MINA's client has no call for it.
 */
final class RemoteSignals {
    /** How long a command gets to end after TERM before it is sent KILL. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private RemoteSignals() {
    }

    /** Sends {@code signal} ("TERM", "KILL", "INT", ... without "SIG"); a channel already closed needs none. */
    static void send(ChannelSession channel, String signal) throws IOException {
        if (channel.isClosing() || !channel.isOpen()) {
            return;
        }
        Buffer request = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, signal.length() + 32);
        request.putUInt(channel.getRecipient());
        request.putString("signal");
        request.putBoolean(false);
        request.putString(signal);
        channel.writePacket(request);
    }

    /**
     * Ends a command that ran out of time: TERM, then KILL if it has not ended within {@link #GRACE}, then the channel
     * is closed whatever happened (a server that ignores signals still sees its channel go).
     */
    static void stop(ChannelSession channel) {
        try {
            send(channel, "TERM");
            if (!closedWithin(channel, GRACE)) {
                send(channel, "KILL");
                closedWithin(channel, Duration.ofSeconds(1));
            }
        } catch (IOException unsent) {
            // the connection is going: closing the channel below is all that is left
        }
        channel.close(true);
    }

    /**
     * {@link #stop} on a thread of its own, for a caller that was interrupted and is to return at once: the command
     * still gets TERM, KILL after the grace, and its channel closed. A channel still opening is let open first (a
     * signal needs the server's channel number), within {@code openLimit}, and only closed if it does not.
     *
     * @param opening the channel's open future while it may still be opening; null for a channel already open
     */
    static void stopInBackground(ChannelSession channel, OpenFuture opening, Duration openLimit, String sessionId) {
        if (!channel.isOpen()) {
            return;
        }
        Thread stopper = new Thread(() -> {
            if (opening == null || opening.isOpened() || awaitQuietly(opening, openLimit) && opening.isOpened()) {
                stop(channel);
            } else {
                channel.close(true);
            }
        }, "sandgate-stop " + sessionId);
        stopper.setDaemon(true);
        stopper.start();
    }

    private static boolean awaitQuietly(OpenFuture opening, Duration limit) {
        try {
            return opening.await(limit);
        } catch (java.io.IOException interrupted) {
            return false;
        }
    }

    private static boolean closedWithin(ChannelSession channel, Duration limit) {
        return channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), limit.toMillis())
                .contains(ClientChannelEvent.CLOSED);
    }
}
