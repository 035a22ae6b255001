package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * The session's {@code sftp} subsystem: MINA's faithful server, or the hostile one once a plan is set. The choice is
 * made as each channel opens, so a plan set before the client connects serves its first channel, and channels already
 * open keep the server they have.
 */
final class SftpSubsystemSwitch implements SubsystemFactory {
    private final SubsystemFactory standard;
    private final String sessionId;
    private final AtomicLong channels = new AtomicLong();
    private volatile HostilePlan hostile;

    SftpSubsystemSwitch(SubsystemFactory standard, String sessionId) {
        this.standard = standard;
        this.sessionId = sessionId;
    }

    /** @param plan the hostile server's plan, or null for MINA's */
    void serve(HostilePlan plan) {
        this.hostile = plan;
    }

    @Override
    public String getName() {
        return standard.getName();
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        HostilePlan plan = hostile;
        if (plan == null) {
            return standard.createSubsystem(channel);
        }
        return new HostileSftpSubsystem(plan, "hostile-sftp-" + sessionId + "-" + channels.incrementAndGet());
    }
}
