package dev.sandgate.tunnel.internal;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

import dev.sandgate.tunnel.Tunnel;

/**
 * MINA's connector for tunnels: opens the tunnel of the attempt in the connection context, and only then creates the
 * session (whose constructor sends the SSH identification and KEXINIT) and starts delivering received bytes.
 */
final class TunnelIoConnector extends AbstractCloseable implements IoConnector {
    private final IoHandler handler;
    private final Executor executor;
    private final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
    private volatile IoServiceEventListener listener;

    TunnelIoConnector(IoHandler handler, Executor executor) {
        this.handler = handler;
        this.executor = executor;
    }

    @Override
    public IoConnectFuture connect(SocketAddress target, AttributeRepository context, SocketAddress local) {
        DefaultIoConnectFuture future = new DefaultIoConnectFuture(target, null);
        AttemptContext attempt = AttemptContext.of(context);
        if (attempt == null) {
            future.setException(new IllegalStateException("No tunnel for " + target
                    + ": connect through SandboxSsh, which puts its connect attempt in the connection context"));
            return future;
        }
        executor.execute(() -> open(attempt, target, context, future));
        return future;
    }

    private void open(AttemptContext attempt, SocketAddress target, AttributeRepository context,
            DefaultIoConnectFuture future) {
        Tunnel tunnel;
        try {
            // the attempt keeps a failure as the transport threw it, for MINA's future will show only its cause
            tunnel = attempt.openTunnel();
        } catch (Throwable e) {
            future.setException(e);
            return;
        }
        if (future.isCanceled() || isClosing() || isClosed()) {
            tunnel.close();
            return;
        }
        TunnelIoSession session = new TunnelIoSession(this, handler, tunnel, target, executor, attempt.record(),
                attempt.tunnelCounters());
        try {
            sessions.put(session.getId(), session);
            // MINA's client session takes its connection context from this attribute (as NIO2's connector sets it)
            session.setAttribute(AttributeRepository.class, context);
            handler.sessionCreated(session);
            future.setSession(session);
            if (future.isCanceled()) {
                session.close(true);
                return;
            }
            tunnel.start(session);
        } catch (Throwable e) {
            session.close(true);
            future.setException(e);
        }
    }

    void sessionClosed(TunnelIoSession session) {
        sessions.remove(session.getId());
    }

    @Override
    public Map<Long, IoSession> getManagedSessions() {
        return Collections.unmodifiableMap(sessions);
    }

    @Override
    public IoServiceEventListener getIoServiceEventListener() {
        return listener;
    }

    @Override
    public void setIoServiceEventListener(IoServiceEventListener listener) {
        this.listener = listener;
    }

    @Override
    protected void doCloseImmediately() {
        for (IoSession session : sessions.values()) {
            session.close(true);
        }
        super.doCloseImmediately();
    }
}
