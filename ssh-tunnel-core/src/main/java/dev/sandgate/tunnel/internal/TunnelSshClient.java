package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import org.apache.sshd.client.ClientBuilder;
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
