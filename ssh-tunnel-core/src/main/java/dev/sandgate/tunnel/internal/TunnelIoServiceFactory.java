package dev.sandgate.tunnel.internal;

import java.util.concurrent.Executor;

import org.apache.sshd.client.session.SessionFactory;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * Outgoing SSH connections go through tunnels; everything else stays on MINA's NIO2, which this factory owns and
 * closes: acceptors (local and dynamic port forwarding) and the connectors MINA's forwarder opens to local targets of
 * remote forwarding.
 */
final class TunnelIoServiceFactory extends AbstractCloseable implements IoServiceFactory {
    private final IoServiceFactory nio2;
    private final Executor executor;
    private volatile IoServiceEventListener listener;

    TunnelIoServiceFactory(IoServiceFactory nio2, Executor executor) {
        this.nio2 = nio2;
        this.executor = executor;
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
        if (!(handler instanceof SessionFactory)) {
            // not an SSH session: a forwarded connection to a local target, which no tunnel is for
            return nio2.createConnector(handler);
        }
        TunnelIoConnector connector = new TunnelIoConnector(handler, executor);
        connector.setIoServiceEventListener(listener);
        return connector;
    }

    @Override
    public IoAcceptor createAcceptor(IoHandler handler) {
        return nio2.createAcceptor(handler);
    }

    @Override
    public IoServiceEventListener getIoServiceEventListener() {
        return listener;
    }

    @Override
    public void setIoServiceEventListener(IoServiceEventListener listener) {
        this.listener = listener;
        nio2.setIoServiceEventListener(listener);
    }

    @Override
    protected void doCloseImmediately() {
        nio2.close(true);
        super.doCloseImmediately();
    }
}
