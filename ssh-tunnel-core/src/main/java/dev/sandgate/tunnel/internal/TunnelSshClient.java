package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import java.util.concurrent.Executor;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.GenericUtils;

/**
 * MINA's client, minus one name lookup. Its {@code doConnect(HostConfigEntry, ...)} turns the host it was given into
 * {@code new InetSocketAddress(host, port)}, which asks the system resolver about that host. Through a tunnel the host
 * is the session's CONNECT target (a session id): a name only the gateway knows, whose lookup tells the machine's
 * resolver which sessions are opened and can wait seconds to fail. The tunnel connector needs the host only as a label
 * (and the host key check its name), so it gets it unresolved. Not API.
 */
public final class TunnelSshClient extends SshClient {
    /** {@return a client set up as {@link SshClient#setUpDefaultClient()} sets one up} */
    public static SshClient create() {
        return ClientBuilder.builder().factory(TunnelSshClient::new).build();
    }

    /**
     * A started client that connects only through tunnels (each connect's {@link AttemptContext} names its tunnel and
     * host check), logs in only by public key with the identity each connect adds, accepts only the channels of
     * remote forwardings it asked for, and records MINA's session failures in the connect's record.
     *
     * @param ioExecutor       runs tunnel opens and write drains
     * @param legacyAlgorithms whether old algorithms are accepted after the modern ones
     * @return the started client
     */
    public static SshClient started(Executor ioExecutor, boolean legacyAlgorithms) {
        // resolves nothing itself: the transports resolve the proxy's or gateway's name, never the session's
        SshClient client = create();
        client.setIoServiceFactoryFactory(new TunnelIoServiceFactoryFactory(ioExecutor));
        client.setServerKeyVerifier(new HostCertificateVerifier(legacyAlgorithms));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        // MINA's client refuses every incoming channel by default; accept those of remote forwardings the user asked
        // for (the forwarder opens them only for its own registrations), never agent or X11 channels
        client.setForwardingFilter(ForwardingFilter.asForwardingFilter(null, null, new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                return true;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                return type == Type.Forwarded;
            }
        }));
        AlgorithmPreferences.apply(client, legacyAlgorithms);
        // gateway contract: a host certificate with no principals is valid for any host, as OpenSSH's client holds
        CoreModuleProperties.ALLOW_EMPTY_CERTIFICATE_PRINCIPALS.set(client, true);
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionException(Session session, Throwable failure) {
                AttemptContext attempt = session instanceof ClientSession
                        ? AttemptContext.of(((ClientSession) session).getConnectionContext()) : null;
                if (attempt != null) {
                    attempt.record().sessionFailed(failure);
                }
            }
        });
        // a connection is kept for as long as its owner holds it; keepalives, not idleness, decide that it is dead
        CoreModuleProperties.IDLE_TIMEOUT.set(client, java.time.Duration.ZERO);
        client.start();
        return client;
    }

    @Override
    protected ConnectFuture doConnect(HostConfigEntry hostConfig, List<HostConfigEntry> jumps,
            AttributeRepository context, SocketAddress localAddress) throws IOException {
        // SandboxSsh sets HostConfigEntryResolver.EMPTY: no ProxyJump or IdentityFile ever reaches here
        if (!GenericUtils.isEmpty(jumps) || !GenericUtils.isEmpty(hostConfig.getIdentities())) {
            throw new IllegalStateException("A tunnelled connect has no ProxyJump or IdentityFile: " + hostConfig);
        }
        return doConnect(hostConfig.getUsername(),
                InetSocketAddress.createUnresolved(hostConfig.getHostName(), hostConfig.getPort()), context,
                localAddress, KeyIdentityProvider.EMPTY_KEYS_PROVIDER, hostConfig);
    }
}
