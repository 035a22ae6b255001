package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH and SFTP side of one sandbox session on the gateway's one {@link SharedSshServer}: who may log in, the host
 * key it presents, its directory, its SFTP server and its commands' processes. Its connections are the tunnels opened
 * for it (in-process) and, for tests that ask for its port, direct logins on a listener of its own.
 *
 * <p>Login works only with a user certificate signed by the gateway's user CA whose principals include the
 * session's principal. MINA's server itself checks the certificate's type, validity window and CA signature; it does
 * not check which CA signed it nor its principals, so {@link #authenticate} does, as OpenSSH's
 * {@code TrustedUserCAKeys} and {@code AuthorizedPrincipalsFile} would. The session a connection belongs to is fixed
 * before its first byte (by the tunnel or the listener), never by the certificate: a certificate for another session
 * is refused here exactly as by a server of its own.
 */
final class SessionSshServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSshServer.class);

    private final String sessionId;
    private final String username;
    private final PublicKey userCaKey;
    private final PublicKey authorizedKey;
    /** The principal a certificate must name to log in: the session id here, another service's form elsewhere. */
    private final String principal;
    /** The host key it presents: its own (which may be rotated), or one shared with other sessions (a gateway's). */
    private final KeyPairProvider hostKeys;
    /** Its own host key, or null when it presents a shared one. */
    private volatile KeyPair ownHostKey;
    private final Signer hostCa;
    private final boolean hostPrincipals;
    private volatile List<OpenSshCertificate> hostCertificates = List.of();
    private final SharedSshServer server;
    private final SftpSubsystemSwitch sftp;
    private final Path root;
    private final ExecutorService pumps;
    private final java.util.Set<org.apache.sshd.common.session.Session> connections =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** The port of its own listener on the shared server, for tests that log in directly; 0 until asked for. */
    private int directPort;

    private final ProcessGroups processGroups = new ProcessGroups();
    static final org.apache.sshd.common.AttributeRepository.AttributeKey<Boolean> PERMITS_PORT_FORWARDING =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();
    static final org.apache.sshd.common.AttributeRepository.AttributeKey<Boolean> PERMITS_PTY =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();

    /** SFTP on the machine's file system starting in the session's directory (MINA would start in the JVM's own). */
    private static final class HomeSftpSubsystemFactory extends SftpSubsystemFactory {
        private final Path home;

        HomeSftpSubsystemFactory(Path home) {
            this.home = home;
        }

        @Override
        public org.apache.sshd.server.command.Command createSubsystem(org.apache.sshd.server.channel.ChannelSession channel) {
            return new org.apache.sshd.sftp.server.SftpSubsystem(channel, this) {
                @Override
                public void setFileSystem(java.nio.file.FileSystem system) {
                    super.setFileSystem(system);
                    defaultDir = home;
                }
            };
        }
    }

    /** Session channels that refuse a PTY to a login whose certificate lacks {@code permit-pty}, as sshd does. */
    static final class PermittedChannelSession extends org.apache.sshd.server.channel.ChannelSession {
        @Override
        protected org.apache.sshd.common.channel.RequestHandler.Result handlePtyReqParsed(String term, int columns,
                int rows, int width, int height, java.util.Map<org.apache.sshd.common.channel.PtyMode, Integer> modes)
                throws IOException {
            if (Boolean.FALSE.equals(getSession().getAttribute(PERMITS_PTY))) {
                return org.apache.sshd.common.channel.RequestHandler.Result.ReplyFailure;
            }
            return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
        }
    }

    /**
     * @param hostCa         signs the host certificate; null for a plain host key
     * @param hostPrincipals whether the host certificate names its hosts (else it has no principals: any host)
     * @param authorizedKey  a plain public key that may log in too (a session created with ssh_public_key), or null
     */
    SessionSshServer(SharedSshServer server, String sessionId, String username, Path root, PublicKey userCaKey,
            Signer hostCa, boolean hostPrincipals, PublicKey authorizedKey, ExecutorService pumps) {
        this(server, sessionId, username, sessionId, null, root, userCaKey, hostCa, hostPrincipals, authorizedKey,
                pumps);
    }

    /**
     * @param principal  the principal a user certificate must name (the LocalGateway's is the session id)
     * @param sharedHost the host key to present, asked at each key exchange so that it may change; null for a key of
     *                   this session's own, made now
     */
    SessionSshServer(SharedSshServer server, String sessionId, String username, String principal,
            KeyPairProvider sharedHost, Path root, PublicKey userCaKey, Signer hostCa, boolean hostPrincipals,
            PublicKey authorizedKey, ExecutorService pumps) {
        this.server = server;
        this.sessionId = sessionId;
        this.username = username;
        this.principal = principal;
        this.userCaKey = userCaKey;
        this.authorizedKey = authorizedKey;
        this.root = root;
        this.pumps = pumps;
        if (sharedHost != null && hostCa != null) {
            throw new IllegalArgumentException("A shared host key is presented plain, without a host certificate");
        }
        this.ownHostKey = sharedHost == null ? Signer.newEd25519KeyPair() : null;
        // asked at each key exchange, so a rotated key is what the next connection sees
        this.hostKeys = sharedHost == null ? session -> List.of(this.ownHostKey) : sharedHost;
        this.hostCa = hostCa;
        this.hostPrincipals = hostPrincipals;
        certifyHostKey();
        this.sftp = new SftpSubsystemSwitch(new HomeSftpSubsystemFactory(root), sessionId);
    }

    /** The session's home: SFTP's start and the commands' working directory. */
    Path root() {
        return root;
    }

    KeyPairProvider hostKeys() {
        return hostKeys;
    }

    List<OpenSshCertificate> hostCertificates() {
        return hostCertificates;
    }

    SftpSubsystemSwitch sftp() {
        return sftp;
    }

    /** A command (null: a shell) run in the session's directory, in its process group. */
    org.apache.sshd.server.command.Command command(String command) {
        return new ShellExecCommand(command, root, pumps, processGroups);
    }

    /** A login of this session on the shared server: counted, and closed when the session ends. */
    void opened(org.apache.sshd.common.session.Session session) {
        connections.add(session);
        if (closed) {
            session.close(true);
        }
    }

    void closed(org.apache.sshd.common.session.Session session) {
        connections.remove(session);
    }

    boolean authenticate(String user, PublicKey key, ServerSession session) {
        if (!(key instanceof OpenSshCertificate)) {
            if (authorizedKey != null && KeyUtils.compareKeys(authorizedKey, key) && username.equals(user)) {
                return true;
            }
            return refuse(user, "a plain public key was offered that is not the session's ssh_public_key; otherwise"
                    + " only certificates from the gateway's user CA log in");
        }
        OpenSshCertificate certificate = (OpenSshCertificate) key;
        if (certificate.getType() != OpenSshCertificate.Type.USER) {
            return refuse(user, "certificate " + certificate.getId() + " is not a user certificate");
        }
        if (!KeyUtils.compareKeys(userCaKey, certificate.getCaPubKey())) {
            return refuse(user, "certificate " + certificate.getId() + " was signed by an unknown CA "
                    + KeyUtils.getFingerPrint(certificate.getCaPubKey()));
        }
        if (!username.equals(user)) {
            return refuse(user, "this session's user is '" + username + "'");
        }
        if (!certificate.getPrincipals().contains(principal)) {
            return refuse(user, "certificate " + certificate.getId() + " has principals " + certificate.getPrincipals()
                    + ", not this session's " + principal);
        }
        // what the login may do is what its certificate permits, as with OpenSSH's sshd
        session.setAttribute(PERMITS_PORT_FORWARDING, certificate.getExtensions().stream()
                .anyMatch(extension -> "permit-port-forwarding".equals(extension.getName())));
        session.setAttribute(PERMITS_PTY, certificate.getExtensions().stream()
                .anyMatch(extension -> "permit-pty".equals(extension.getName())));
        return true;
    }

    /**
     * TCP forwarding (local, remote, dynamic) for logins whose certificate carries {@code permit-port-forwarding}, and
     * for the session's own plain key; listening only on the loopback address.
     */
    static final class CertificateForwardingFilter implements org.apache.sshd.server.forward.TcpForwardingFilter {
        @Override
        public boolean canListen(org.apache.sshd.common.util.net.SshdSocketAddress address,
                org.apache.sshd.common.session.Session session) {
            String host = address.getHostName();
            boolean loopback = "localhost".equals(host) || "127.0.0.1".equals(host) || "".equals(host);
            return loopback && permitted(session);
        }

        @Override
        public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address,
                org.apache.sshd.common.session.Session session) {
            return permitted(session);
        }

        private static boolean permitted(org.apache.sshd.common.session.Session session) {
            return !Boolean.FALSE.equals(session.getAttribute(PERMITS_PORT_FORWARDING));
        }
    }

    private boolean refuse(String user, String reason) {
        LOG.info("Session {}: refused login as '{}': {}", sessionId, user, reason);
        return false;
    }

    /** Signs the current host key with the host CA, when there is one. */
    private void certifyHostKey() {
        if (hostCa != null) {
            Instant now = Instant.now();
            // the session id is the name clients connect to through the gateway; 127.0.0.1 serves tests that connect
            // directly
            hostCertificates = List.of(hostCa.signHost(ownHostKey.getPublic(), "sandgate-host:" + sessionId,
                    hostPrincipals ? List.of(sessionId, "127.0.0.1") : List.of(), now.minus(Duration.ofMinutes(5)),
                    now.plus(Duration.ofDays(1))));
        }
    }

    /** Replaces the host key (and its certificate): connections from now on see the new one. */
    void rotateHostKey() {
        if (ownHostKey == null) {
            throw new IllegalStateException("This session presents a shared host key: rotate it where it is shared");
        }
        ownHostKey = Signer.newEd25519KeyPair();
        certifyHostKey();
    }

    /** The server's host key (the plain key inside its host certificate, if it has one). */
    PublicKey hostKey() {
        try {
            return hostKeys.loadKeys(null).iterator().next().getPublic();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("The session's host key cannot be read", e);
        }
    }

    /**
     * The port on which this session's logins reach the shared server directly (no tunnel), bound when first asked
     * for: a connection there is this session's, as a tunnel opened for it is.
     */
    synchronized int port() {
        if (directPort == 0) {
            if (closed) {
                throw new IllegalStateException("Session " + sessionId + " has ended");
            }
            directPort = server.listen(this);
        }
        return directPort;
    }

    /** A new in-process connection to this session's SSH server, for a tunnel opened for it. */
    SessionChannel connection(io.netty.channel.Channel client) {
        return server.connection(this, client);
    }

    int activeConnections() {
        return connections.size();
    }

    /** Serves the session's next SFTP channels with the hostile server of this plan, or with MINA's when null. */
    void serveSftp(HostilePlan plan) {
        sftp.serve(plan);
    }

    /** Kills everything the session's commands started. */
    void killProcesses() {
        processGroups.killAll();
    }

    @Override
    public void close() throws IOException {
        // the session ends with everything its commands started, background children included
        closed = true;
        processGroups.killAll();
        synchronized (this) {
            if (directPort != 0) {
                server.unlisten(directPort);
            }
        }
        for (org.apache.sshd.common.session.Session connection : List.copyOf(connections)) {
            connection.close(true);
        }
    }
}
