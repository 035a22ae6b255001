package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

import org.apache.sshd.client.session.forward.PortForwardingTracker;

/**
 * A port forwarding of an {@link SshConnection}, open until closed (or until its connection closes).
 *
 * <pre>{@code
 * try (PortForward web = connection.forwardLocal(0, "127.0.0.1", 8000)) {      // expose_port, from this side
 *     URI page = URI.create("http://127.0.0.1:" + web.boundAddress().getPort() + "/");
 *     ...
 * }
 * }</pre>
 */
public final class PortForward implements Closeable {
    /** Which way connections go. */
    public enum Kind {
        /** A port on this machine reaching a host and port from inside the sandbox. */
        LOCAL,
        /** A port inside the sandbox reaching a host and port from this machine. */
        REMOTE,
        /** A SOCKS5 proxy on this machine whose connections leave from inside the sandbox. */
        DYNAMIC
    }

    private final Kind kind;
    private final PortForwardingTracker tracker;
    private final String target;

    PortForward(Kind kind, PortForwardingTracker tracker, String target) {
        this.kind = kind;
        this.tracker = tracker;
        this.target = target;
    }

    /** {@return which way connections go: local, remote, or a local SOCKS proxy} */
    public Kind kind() {
        return kind;
    }

    /**
     * Where connections are accepted: on this machine for {@link Kind#LOCAL} and {@link Kind#DYNAMIC}, inside the
     * sandbox for {@link Kind#REMOTE}; with the port chosen when 0 was asked for.
     *
     * @return where connections are accepted
     */
    public InetSocketAddress boundAddress() {
        return tracker.getBoundAddress().toInetSocketAddress();
    }

    /** {@return whether it is still open} */
    public boolean isOpen() {
        return tracker.isOpen();
    }

    /** Stops accepting connections. Idempotent. */
    @Override
    public void close() throws IOException {
        tracker.close();
    }

    @Override
    public String toString() {
        InetSocketAddress bound = boundAddress();
        return "PortForward{" + kind + " " + bound.getHostString() + ":" + bound.getPort()
                + (target == null ? "" : " -> " + target) + (isOpen() ? "" : ", closed") + "}";
    }
}
