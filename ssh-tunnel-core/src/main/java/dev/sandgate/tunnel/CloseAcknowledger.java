package dev.sandgate.tunnel;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.session.Session;

/**
 * When a channel closes, asks the server of its session for a reply ({@link KeepAlive#ask}) in the same tunnel write
 * as the channel's CLOSE, so that the server acknowledges that write at once. One per session, registered only when
 * keepalives are on; at most one ask is waiting for its answer at a time, so a server that never answered would cost
 * one pending request, not one per channel.
 *
 * <p>Nothing answers a CLOSE, so the server would acknowledge the segment carrying it only when its delayed
 * acknowledgement fires, up to 40 ms later. A proxy that relays without {@code TCP_NODELAY} (tinyproxy) holds every
 * small write behind an unacknowledged one, so the next command's CHANNEL_OPEN waited for that timer: commands run back
 * to back through tinyproxy took 55 ms each instead of about 12. The two leave together when the server closed first
 * (a command that ended): MINA calls this on the thread handling the received bytes just before it writes the CLOSE,
 * and that thread's writes go out in one piece (see {@code TunnelIoSession}). When this side closes first, the server's
 * own CLOSE answers, and the ask is merely spare.
 */
final class CloseAcknowledger implements ChannelListener {
    private final AtomicBoolean asking = new AtomicBoolean();

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        Session session = channel.getSession();
        if (session == null || !session.isOpen() || session.isClosing() || !asking.compareAndSet(false, true)) {
            return;
        }
        try {
            // the answer itself carries the acknowledgement; its content does not matter
            KeepAlive.ask(session, (command, reply) -> asking.set(false));
        } catch (IOException | RuntimeException closing) {
            // the session is going away: nothing waits on the next command
            asking.set(false);
        }
    }
}
