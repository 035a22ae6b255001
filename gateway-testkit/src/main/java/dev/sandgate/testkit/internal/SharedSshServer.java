package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * The one MINA {@link SshServer} of a LocalGateway (or a TenkiFake), serving every session. Each connection belongs
 * to one session from its first byte: a tunnel's connection to the session the tunnel was opened for (an in-process
 * {@link SessionChannel}, no socket), a direct connection to the session whose listener it came in on (each session
 * binds one on 127.0.0.1 when a test first asks for its port). Everything that differs between sessions (host key
 * and certificate, who may log in, the home directory, the SFTP server, the commands' process group) is asked of that
 * session's {@link SessionSshServer}, so that a certificate for one session is refused on another's connection exactly
 * as it was by a server of its own.
 */
final class SharedSshServer implements AutoCloseable {
    /** The IoSession attribute naming the session a connection belongs to. */
    private static final Object SESSION = new Object() {
        @Override
        public String toString() {
            return "sandgate-session";
        }
    };

    /** MINA's server, with its acceptor within reach (to bind the sessions' direct listeners); its threads are named after it. */
    private static final class SshServerForSessions extends SshServer {
        IoAcceptor acceptor() {
            return acceptor;
        }
    }

    private final SshServerForSessions server;
    private final Map<Integer, SessionSshServer> directPorts = new ConcurrentHashMap<>();

    /**
     * @param weakAlgorithmsOnly whether to offer only SHA-1 key exchange and MAC and a CBC cipher, as old servers do
     * @param certified          whether the sessions present host certificates
     */
    SharedSshServer(boolean weakAlgorithmsOnly, boolean certified) throws IOException {
        server = (SshServerForSessions) ServerBuilder.builder().factory(SshServerForSessions::new).build();
        server.setHost("127.0.0.1");
        server.setPort(0);
        // only direct logins use MINA's own I/O: tunnels come in through SessionChannel on the gateway's loops
        CoreModuleProperties.NIO_WORKERS.set(server, 2);
        // MINA leaves Nagle on by default; with it, every small SFTP answer waits out the peer's delayed ACK
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.setKeyPairProvider(new KeyPairProvider() {
            @Override
            public Iterable<KeyPair> loadKeys(SessionContext session) throws IOException, GeneralSecurityException {
                SessionSshServer owner = owner(session);
                return owner == null ? List.of() : owner.hostKeys().loadKeys(session);
            }
        });
        if (certified) {
            server.setHostKeyCertificateProvider(session -> {
                SessionSshServer owner = owner(session);
                return owner == null ? List.of() : owner.hostCertificates();
            });
        }
        if (weakAlgorithmsOnly) {
            server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                    List.of(BuiltinDHFactories.dhg14), ServerBuilder.DH2KEX));
            server.setCipherFactories(List.of(BuiltinCiphers.aes128cbc));
            server.setMacFactories(List.of(BuiltinMacs.hmacsha1));
        }
        server.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory()));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> {
            SessionSshServer owner = owner(session);
            return owner != null && owner.authenticate(user, key, session);
        });
        // the machine's own file system, as exec sees it, with the session's directory as home: an absolute path
        // means the same file to a command and to SFTP, and a relative one starts from the home for both
        server.setFileSystemFactory(new org.apache.sshd.common.file.nativefs.NativeFileSystemFactory() {
            @Override
            public java.nio.file.Path getUserHomeDir(SessionContext session) throws IOException {
                return ownerOf(session).root();
            }
        });
        server.setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) throws IOException {
                return ownerOf(channel.getSession()).sftp().createSubsystem(channel);
            }
        }));
        server.setCommandFactory((channel, command) -> ownerOf(channel.getSession()).command(command));
        server.setShellFactory(channel -> ownerOf(channel.getSession()).command(null));
        List<org.apache.sshd.common.channel.ChannelFactory> channels = new ArrayList<>();
        for (org.apache.sshd.common.channel.ChannelFactory factory : ServerBuilder.DEFAULT_CHANNEL_FACTORIES) {
            channels.add(factory instanceof org.apache.sshd.server.channel.ChannelSessionFactory
                    ? new org.apache.sshd.server.channel.ChannelSessionFactory() {
                        @Override
                        public org.apache.sshd.common.channel.Channel createChannel(Session session) {
                            return new SessionSshServer.PermittedChannelSession();
                        }
                    } : factory);
        }
        server.setChannelFactories(channels);
        server.setForwardingFilter(org.apache.sshd.server.forward.ForwardingFilter.asForwardingFilter(
                org.apache.sshd.server.forward.AgentForwardingFilter.of(false), null,
                new SessionSshServer.CertificateForwardingFilter()));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                SessionSshServer owner = owner(session);
                if (owner == null) {
                    // a connection to a listener already gone
                    session.close(true);
                } else {
                    owner.opened(session);
                }
            }

            @Override
            public void sessionClosed(Session session) {
                SessionSshServer owner = owner(session);
                if (owner != null) {
                    owner.closed(session);
                }
            }
        });
        server.start();
    }

    /** The session a connection belongs to, or null when it belongs to none (its listener is gone). */
    private SessionSshServer owner(SessionContext context) {
        if (!(context instanceof Session)) {
            return null;
        }
        IoSession io = ((Session) context).getIoSession();
        if (io == null) {
            return null;
        }
        Object owner = io.getAttribute(SESSION);
        if (owner == null) {
            SocketAddress local = io.getLocalAddress();
            if (local instanceof InetSocketAddress) {
                owner = directPorts.get(((InetSocketAddress) local).getPort());
                if (owner != null) {
                    io.setAttribute(SESSION, owner);
                }
            }
        }
        return (SessionSshServer) owner;
    }

    private SessionSshServer ownerOf(SessionContext context) throws IOException {
        SessionSshServer owner = owner(context);
        if (owner == null) {
            throw new IOException("This connection belongs to no session");
        }
        return owner;
    }

    /**
     * A new in-process connection for a tunnel opened for this session; the caller registers it on the tunnel's
     * event loop, then starts it.
     */
    SessionChannel connection(SessionSshServer owner, Channel client) {
        return new SessionChannel(server.getSessionFactory(), server.acceptor(), SESSION, owner, client);
    }

    /** Binds a listener on 127.0.0.1 whose connections are this session's; returns its port. */
    synchronized int listen(SessionSshServer owner) {
        IoAcceptor acceptor = server.acceptor();
        Set<SocketAddress> before = new HashSet<>(acceptor.getBoundAddresses());
        try {
            acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("A listener for a session cannot be bound", e);
        }
        for (SocketAddress address : acceptor.getBoundAddresses()) {
            if (!before.contains(address)) {
                int port = ((InetSocketAddress) address).getPort();
                directPorts.put(port, owner);
                return port;
            }
        }
        throw new IllegalStateException("The session's listener was bound, but at no new address");
    }

    synchronized void unlisten(int port) {
        directPorts.remove(port);
        IoAcceptor acceptor = server.acceptor();
        for (SocketAddress address : acceptor.getBoundAddresses()) {
            if (((InetSocketAddress) address).getPort() == port) {
                acceptor.unbind(address);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
