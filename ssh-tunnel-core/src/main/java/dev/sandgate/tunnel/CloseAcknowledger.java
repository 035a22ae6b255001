package dev.sandgate.tunnel;

import java.io.IOException;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.session.Session;

/**
 * When a channel closes, asks the server for a reply ({@link KeepAlive#ask}) in the same tunnel write as the
 * channel's CLOSE, so that the server acknowledges that write at once.
 *
 * <p>Nothing answers a CLOSE, so the server would acknowledge the segment carrying it only when its delayed
 * acknowledgement fires, up to 40 ms later. A proxy that relays without {@code TCP_NODELAY} (tinyproxy) holds every
 * small write behind an unacknowledged one, so the next command's CHANNEL_OPEN waited for that timer: commands run back
 * to back through tinyproxy took 55 ms each instead of about 15. The CLOSE and the request leave together because MINA
 * calls this before it writes the CLOSE, on the thread handling the received bytes, whose writes go out in one piece
 * (see {@code TunnelIoSession}).
 */
final class CloseAcknowledger implements ChannelListener {
    static final CloseAcknowledger INSTANCE = new CloseAcknowledger();

    private CloseAcknowledger() {
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        Session session = channel.getSession();
        if (session == null || !session.isOpen() || session.isClosing()) {
            return;
        }
        try {
            KeepAlive.ask(session, (command, reply) -> {
                // the answer itself carries the acknowledgement; its content does not matter
            });
        } catch (IOException | RuntimeException closing) {
            // the session is going away: nothing waits on the next command
        }
    }
}
