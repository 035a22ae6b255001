package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/** Port forwardings and direct streams for an {@link SshConnection}; local ends bind to 127.0.0.1 only. */
final class Forwarding {
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

    private final ClientSession session;
    private final ConnectionRecord record;
    private final Supplier<String> description;
    private final boolean permitted;

    /** @param permitted whether the certificate says port forwarding is allowed (false fails fast, naming that) */
    Forwarding(ClientSession session, ConnectionRecord record, Supplier<String> description, boolean permitted) {
        this.session = session;
        this.record = record;
        this.description = description;
        this.permitted = permitted;
    }

    PortForward local(int localPort, String host, int port) throws IOException {
        checkPermitted();
        SshdSocketAddress target = new SshdSocketAddress(Checks.host(host), Checks.port(port, "port"));
        try {
            return new PortForward(PortForward.Kind.LOCAL, session.createLocalPortForwardingTracker(
                    new SshdSocketAddress(LOOPBACK, Checks.localPort(localPort)), target), host + ":" + port);
        } catch (IOException e) {
            throw failed("Local forwarding of 127.0.0.1:" + localPort + " to " + host + ":" + port, e);
        }
    }

    PortForward remote(int remotePort, String host, int port) throws IOException {
        checkPermitted();
        SshdSocketAddress local = new SshdSocketAddress(Checks.host(host), Checks.port(port, "port"));
        try {
            return new PortForward(PortForward.Kind.REMOTE, session.createRemotePortForwardingTracker(
                    new SshdSocketAddress(LOOPBACK, Checks.localPort(remotePort)), local), host + ":" + port);
        } catch (IOException e) {
            if (session.isOpen()) {
                // the server answered the global request with a failure, which carries no reason
                throw new ForwardingRefusedException(ForwardingRefusedException.Reason.OTHER, "The SSH server"
                        + " refused to listen on 127.0.0.1:" + remotePort + " inside the sandbox (" + description.get()
                        + "); it gives no reason: remote forwarding is not permitted, or the port is taken", e);
            }
            throw failed("Remote forwarding of port " + remotePort, e);
        }
    }

    PortForward dynamic(int localPort) throws IOException {
        checkPermitted();
        try {
            return new PortForward(PortForward.Kind.DYNAMIC, session.createDynamicPortForwardingTracker(
                    new SshdSocketAddress(LOOPBACK, Checks.localPort(localPort))), null);
        } catch (IOException e) {
            throw failed("Dynamic forwarding on 127.0.0.1:" + localPort, e);
        }
    }

    RemoteStream stream(String host, int port) throws IOException {
        checkPermitted();
        String target = Checks.host(host) + ":" + Checks.port(port, "port");
        ChannelDirectTcpip channel = session.createDirectTcpipChannel(new SshdSocketAddress(LOOPBACK, 0),
                new SshdSocketAddress(host, port));
        try {
            channel.open().verify(OPEN_TIMEOUT);
        } catch (IOException e) {
            channel.close(true);
            SshChannelOpenException refused = openRefusal(e);
            if (refused != null) {
                boolean prohibited = refused.getReasonCode() == SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
                boolean unreachable = refused.getReasonCode() == SshConstants.SSH_OPEN_CONNECT_FAILED;
                throw new ForwardingRefusedException(prohibited ? ForwardingRefusedException.Reason.PROHIBITED
                        : unreachable ? ForwardingRefusedException.Reason.CONNECT_FAILED
                        : ForwardingRefusedException.Reason.OTHER, "The SSH server refused a stream to " + target
                        + " (" + description.get() + "): " + (prohibited ? "port forwarding is not permitted"
                        : unreachable ? "nothing accepts connections there" : "reason code " + refused.getReasonCode()),
                        e);
            }
            throw failed("A stream to " + target, e);
        }
        return new RemoteStream(channel, target, record, description);
    }

    private void checkPermitted() throws ForwardingRefusedException {
        if (!permitted) {
            throw new ForwardingRefusedException(ForwardingRefusedException.Reason.PROHIBITED, "Port forwarding is not"
                    + " permitted for " + description.get() + ": the session's certificate does not grant it", null);
        }
    }

    private static SshChannelOpenException openRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SshChannelOpenException) {
                return (SshChannelOpenException) t;
            }
        }
        return null;
    }

    private SandgateSshException failed(String what, IOException e) {
        SandgateSshException lost = SshFailures.lost(description.get(), record, session.isOpen(), e);
        return lost != null ? lost : new SandgateSshException(what + " failed (" + description.get() + "): "
                + e.getMessage(), e);
    }
}
