package dev.sandgate.tunnel.internal;

import java.util.concurrent.Executor;

import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;

/** Plugs tunnels into an {@code SshClient} via {@code setIoServiceFactoryFactory}. Not API. */
public final class TunnelIoServiceFactoryFactory implements IoServiceFactoryFactory {
    private final Nio2ServiceFactoryFactory nio2 = new Nio2ServiceFactoryFactory();
    private final Executor executor;

    /** @param executor runs tunnel opening and write draining; owned by the caller */
    public TunnelIoServiceFactoryFactory(Executor executor) {
        this.executor = executor;
    }

    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new TunnelIoServiceFactory(nio2.create(manager), executor);
    }

    @Override
    public void setExecutorServiceFactory(Factory<CloseableExecutorService> factory) {
        nio2.setExecutorServiceFactory(factory);
    }
}
