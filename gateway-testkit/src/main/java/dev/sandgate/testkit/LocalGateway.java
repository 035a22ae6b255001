// Over 450 lines on purpose: more than half of this file is the javadoc of its public methods, and its nested
// Builder cannot move to a file of its own without renaming LocalGateway.Builder. The work is in the internal
// package (GatewayServer: listeners; SessionRegistry, GatewaySession: sessions; ApiFaults, TunnelFaults: fault
// plumbing); what is left here is checking arguments and delegating, mostly in one line.
package dev.sandgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.apache.sshd.common.config.keys.PublicKeyEntry;

import dev.sandgate.testkit.internal.GatewayServer;
import dev.sandgate.testkit.internal.GatewaySession;
import dev.sandgate.testkit.internal.IdempotencyKeys;
import dev.sandgate.testkit.internal.SelfSignedTls;
import dev.sandgate.testkit.internal.SessionRegistry;

/**
 * An in-process sandbox gateway that follows gateway contract v1, for tests and demos: the REST API (sessions and
 * certificate minting), HTTP CONNECT and WebSocket tunnels, and a real SSH/SFTP server (MINA SSHD) that serves each
 * session in its own directory. Everything binds to 127.0.0.1 on free ports.
 *
 * <p>One SSH server serves all sessions: a tunnel hands its bytes to it in-process (no connection of its own, so a
 * tunnel costs the gateway one socket, the client's), as the session the tunnel was opened for; that session's host
 * key, logins (a certificate naming it), directory, SFTP server and processes are what the connection gets, so a
 * certificate for another session is refused on it. Sessions stay apart as if each had a server of its own.
 *
 * <pre>{@code
 * try (LocalGateway gateway = LocalGateway.start()) {
 *     SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
 *     SandboxSession session = api.createSession(NewSession.builder().build());
 *     ...
 * }
 * }</pre>
 *
 * <p>It is not a sandbox: commands run as the JVM's own user (with a clean environment, so the JVM's variables and
 * secrets do not show), in the session's directory. Keep it on loopback, for tests and demos.
 *
 * <p>Two listeners serve the same API: {@link #apiUrl()} over plain HTTP and {@link #tlsApiUrl()} over TLS with a
 * self-signed certificate ({@link #tlsCertificate()}). A certificate minted through a listener names endpoints on that
 * same listener, so a client that uses the TLS API also tunnels over TLS ({@code https://} CONNECT, {@code wss://}).
 *
 * <p>{@code POST /sessions} honours an {@code Idempotency-Key} header for {@link Builder#idempotencyWindow 24 hours}:
 * the same key and body answer the first call's session again instead of making another (see the gateway contract).
 */
public final class LocalGateway implements AutoCloseable {
    private final Path root;
    private final boolean ownsRoot;
    private final SessionRegistry registry;
    private final SelfSignedTls tls;
    private final GatewayServer server;
    private final String token;
    private volatile boolean closed;

    private LocalGateway(Builder builder) throws IOException {
        this.ownsRoot = builder.root == null;
        this.root = ownsRoot ? Files.createTempDirectory("local-gateway-") : Files.createDirectories(builder.root);
        this.registry = new SessionRegistry(root, builder.hostKeys, builder.weakAlgorithmsOnly,
                builder.tunnelCredentials);
        registry.grantPortForwarding(!builder.denyPortForwarding);
        registry.grantPty(!builder.denyPty);
        this.tls = new SelfSignedTls();
        try {
            this.server = new GatewayServer(registry, tls, builder.ignoreIdempotencyKeys ? null
                    : new IdempotencyKeys(builder.clock, builder.idempotencyWindow), builder.resumeWindow);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while starting the LocalGateway", e);
        }
        this.token = registry.issueToken();
    }

    /**
     * Starts a gateway with default settings.
     *
     * @return a running gateway on free ports of 127.0.0.1, which the caller closes
     */
    public static LocalGateway start() {
        return builder().start();
    }

    /** {@return a builder with the settings of {@link #start()}: certified host keys, a temporary directory} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The API base URL over plain HTTP, e.g. {@code http://127.0.0.1:40123/v1}.
     *
     * @return the API base URL over plain HTTP
     */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.plainPort() + "/v1");
    }

    /**
     * The API base URL over TLS, e.g. {@code https://127.0.0.1:40124/v1}; trust {@link #tlsCertificate()}.
     *
     * @return the API base URL over TLS
     */
    public URI tlsApiUrl() {
        return URI.create("https://127.0.0.1:" + server.tlsPort() + "/v1");
    }

    /**
     * The self-signed certificate of the TLS listener, for the client's trust store.
     *
     * @return the self-signed certificate of the TLS listener, for the client's trust store
     */
    public X509Certificate tlsCertificate() {
        return tls.certificate();
    }

    /**
     * A bearer token the gateway accepts, made at start.
     *
     * @return a bearer token the gateway accepts, made at start
     */
    public String token() {
        return token;
    }

    /**
     * Makes a running session owned by {@link #token()}, as the API's {@code POST /sessions} with no options does (an
     * hour to live, image {@code default}): the one line most tests need before they connect.
     *
     * <pre>{@code
     * String sessionId = gateway.newSession();
     * try (SshConnection connection = ssh.connect(sessionId)) { ... }
     * }</pre>
     *
     * @return the new session's id ({@code sess-} and 16 hex digits)
     * @throws UncheckedIOException when its directory cannot be made under the gateway's root
     */
    public String newSession() {
        try {
            return registry.create(token, Duration.ofHours(1), "default", java.util.Map.of(), null).id();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the session's directory", e);
        }
    }

    /**
     * Makes another accepted token, e.g. a second account that must not see the first one's sessions.
     *
     * @return a new bearer token, accepted from now on, whose sessions are its own
     */
    public String issueToken() {
        return registry.issueToken();
    }

    /**
     * The public key of the CA that signs user certificates.
     *
     * @return the public key of the CA that signs user certificates
     */
    public PublicKey userCaPublicKey() {
        return registry.userCa().publicKey();
    }

    /**
     * The public key of the CA that signs the sessions' host certificates, as the API reports it.
     *
     * @return the public key of the CA that signs the sessions' host certificates, as the API reports it
     */
    public PublicKey hostCaPublicKey() {
        return registry.hostCa().publicKey();
    }

    /**
     * Signs a user certificate with the gateway's user CA, with any principals and validity: for tests of what the
     * session's SSH server refuses. Returns the OpenSSH certificate line.
     *
     * @param validAfter the first instant the certificate is valid
     * @param key the user's public key that the certificate certifies
     * @param validBefore the instant the certificate stops being valid; after {@code validAfter}
     * @param principals the user names the certificate is for, unchecked: wrong ones test the server's refusal
     * @return the certificate as one OpenSSH line ({@code <key type>-cert-v01@openssh.com AAAA...}), with the key id
     *         {@code test-certificate}
     */
    public String signUserCertificate(PublicKey key, List<String> principals, Instant validAfter, Instant validBefore) {
        return PublicKeyEntry.toString(registry.userCa().signUser(key, "test-certificate", principals, validAfter,
                validBefore));
    }

    /**
     * The user name every session's SSH server expects.
     *
     * @return the user name every session's SSH server expects
     */
    public String sshUsername() {
        return SessionRegistry.USERNAME;
    }

    /**
     * The directory that a session's SFTP server and commands see as home.
     *
     * @param sessionId the session's id
     * @return the directory that a session's SFTP server and commands see as home
     */
    public Path sessionDirectory(String sessionId) {
        return session(sessionId).directory();
    }

    /**
     * The 127.0.0.1 port of a session's SSH server, for tests that connect to it directly, bypassing the tunnels.
     * Clients are meant to reach it only through the gateway. The port is the session's own listener on the gateway's
     * one SSH server, bound when first asked for and closed with the session: a connection there is this session's,
     * as a tunnel opened for it is.
     *
     * @param sessionId the session's id
     * @return the 127.0.0.1 port of a session's SSH server
     */
    public int sshPortForTests(String sessionId) {
        return session(sessionId).sshPort();
    }

    /**
     * The session's SSH host key as an OpenSSH public key line (the plain key, without its host certificate), for a
     * known_hosts file.
     *
     * @param sessionId the session's id
     * @return the session's SSH host key as an OpenSSH public key line
     */
    public String hostKeyLine(String sessionId) {
        return PublicKeyEntry.toString(session(sessionId).hostKey());
    }

    /**
     * Gives a session's SSH server a new host key (with a new host certificate, when the gateway certifies them), as a
     * rebuilt or impostor host would have: connections from now on see it; open ones keep theirs.
     *
     * <pre>{@code
     * gateway.rotateHostKey(sessionId);
     * }</pre>
     *
     * @param sessionId the session's id
     */
    public void rotateHostKey(String sessionId) {
        session(sessionId).rotateHostKey();
    }

    /**
     * The HTTP CONNECT proxy URL a mint answer names, over plain HTTP.
     *
     * @return the HTTP CONNECT proxy URL a mint answer names, over plain HTTP
     */
    public URI connectProxyUrl() {
        return URI.create("http://127.0.0.1:" + server.plainPort());
    }

    /**
     * The CONNECT target a mint answer names for a session: {@code <session id>:22}.
     *
     * @param sessionId the session's id
     * @return the CONNECT target a mint answer names for a session: {@code <session id>:22}
     */
    public String connectTarget(String sessionId) {
        return session(sessionId).id() + ":22";
    }

    /**
     * The WebSocket URL a mint answer names for a session, over plain HTTP.
     *
     * @param sessionId the session's id
     * @return the WebSocket URL a mint answer names for a session, over plain HTTP
     */
    public URI webSocketUrl(String sessionId) {
        return URI.create("ws://127.0.0.1:" + server.plainPort() + "/v1/sessions/" + session(sessionId).id()
                + "/ssh/websocket");
    }

    /**
     * What the gateway relayed for a session so far.
     *
     * @param sessionId the session's id
     * @return what the gateway relayed for a session so far
     */
    public Traffic traffic(String sessionId) {
        return Traffic.of(session(sessionId));
    }

    /**
     * How many certificates the API has minted for a session.
     *
     * @param sessionId the session's id
     * @return how many certificates the API has minted for a session
     */
    public long certificatesMinted(String sessionId) {
        return session(sessionId).certificatesMinted();
    }

    /**
     * Makes the REST API misbehave for its next matching calls; see {@link ApiFault}.
     *
     * @param fault what goes wrong and which calls it hits; faults hit in the order they were injected
     */
    public void injectApiFault(ApiFault fault) {
        server.faults().add(Objects.requireNonNull(fault, "fault").toRule());
    }

    /** Removes every injected API fault that has not hit yet. */
    public void clearApiFaults() {
        server.faults().clear();
    }

    /**
     * Makes the next matching tunnels misbehave; see {@link TunnelFault}.
     *
     * @param fault what goes wrong and which tunnels it hits
     */
    public void injectTunnelFault(TunnelFault fault) {
        server.tunnelFaults().add(Objects.requireNonNull(fault, "fault").toRule());
    }

    /** Removes every injected tunnel fault that has not hit yet. */
    public void clearTunnelFaults() {
        server.tunnelFaults().clear();
    }

    /**
     * Serves the session's next SFTP channels with a hostile SFTP server that misbehaves as these faults say (they
     * combine), replacing faults set before; channels already open keep their server. Set it before the client
     * connects to have its first channel. With no faults the hostile server serves the session's directory faithfully.
     *
     * <pre>{@code
     * gateway.serveHostileSftp(sessionId, SftpFault.file("dir", "../../victim.txt", bytes, 0644),
     *         SftpFault.unanswered(SftpFault.Request.READ));
     * }</pre>
     *
     * @param sessionId the session's id
     * @param faults what the server does wrong; see {@link SftpFault}
     */
    public void serveHostileSftp(String sessionId, SftpFault... faults) {
        List<dev.sandgate.testkit.internal.SftpFaultRule> rules = new java.util.ArrayList<>();
        for (SftpFault fault : faults) {
            rules.add(Objects.requireNonNull(fault, "fault").toRule());
        }
        session(sessionId).serveSftp(rules);
    }

    /**
     * Serves the session's next SFTP channels with the standard, faithful SFTP server again (MINA's), as before any
     * {@link #serveHostileSftp}.
     *
     * @param sessionId the session's id
     */
    public void serveStandardSftp(String sessionId) {
        session(sessionId).serveSftp(null);
    }

    /**
     * Cuts the session's open tunnels at the gateway's side, as a dropped network would: a plain tunnel ends (its SSH
     * connection is lost), a resumable one (gateway contract v2, offered by default) waits for the client to
     * re-attach within the window, and the SSH connection above goes on. Repeat it to cut again.
     *
     * <pre>{@code
     * try (SshConnection connection = ssh.connect(sessionId)) {
     *     gateway.cutTunnels(sessionId);
     *     connection.exec("echo still here");   // re-attached; nothing was lost
     * }
     * }</pre>
     *
     * @param sessionId the session's id
     */
    public void cutTunnels(String sessionId) {
        session(sessionId).cutTunnels();
    }

    /**
     * Stops relaying the session's resumable tunnels without closing their connections, as a network that silently
     * drops packets would (a NAT that forgot the connection, a laptop that changed networks): nothing says the
     * connection is gone, and only the client's keepalives can find out. The tunnel stays resumable: a new connection
     * re-attaches as after {@link #cutTunnels}. For a plain tunnel, use {@link TunnelFault#stall()}.
     *
     * @param sessionId the session's id
     */
    public void silenceTunnels(String sessionId) {
        session(sessionId).silenceTunnels();
    }

    /**
     * Cuts the session's tunnels {@code times} times from a thread of its own, at random moments {@code minGap} to
     * {@code maxGap} apart, each resumable tunnel only once it has re-attached after the cut before (see
     * {@link #cutTunnels}). Close the result to stop early.
     *
     * <pre>{@code
     * try (TunnelCuts cuts = gateway.cutTunnelsRepeatedly(sessionId, 10, Duration.ofMillis(10), Duration.ofMillis(200))) {
     *     Files.copy(local, remote);
     * }
     * }</pre>
     *
     * @param sessionId the session's id
     * @param times     how many cuts to make at most
     * @param minGap    the shortest wait before a cut
     * @param maxGap    the longest wait before a cut
     * @return the running cuts, which the caller closes
     */
    public TunnelCuts cutTunnelsRepeatedly(String sessionId, int times, Duration minGap, Duration maxGap) {
        if (times < 1 || minGap.isNegative() || maxGap.compareTo(minGap) < 0) {
            throw new IllegalArgumentException("Cut at least once, with 0 <= minGap <= maxGap; got " + times + ", "
                    + minGap + ", " + maxGap);
        }
        return new TunnelCuts(session(sessionId), times, minGap, maxGap);
    }

    /**
     * Pauses a session: tunnels and minting are refused with "session not running" until {@link #resumeSession}.
     *
     * @param sessionId the session's id
     */
    public void pauseSession(String sessionId) {
        session(sessionId).setStatus(GatewaySession.Status.PAUSED);
    }

    /**
     * Resumes a paused session, as the sandbox service would.
     *
     * @param sessionId the session's id
     */
    public void resumeSession(String sessionId) {
        session(sessionId).setStatus(GatewaySession.Status.RUNNING);
    }

    private GatewaySession session(String sessionId) {
        GatewaySession session = registry.get(Objects.requireNonNull(sessionId, "sessionId"));
        if (session == null) {
            throw new IllegalArgumentException("The LocalGateway has no session " + sessionId);
        }
        return session;
    }

    /** Stops the listeners and every session (closing their connections and removing their directories). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        // sessions first, while the event loops can still close their tunnels
        try {
            registry.close();
            if (ownsRoot) {
                Files.deleteIfExists(root);
            }
        } catch (IOException e) {
            failure = new UncheckedIOException("Could not remove the LocalGateway's sessions", e);
        }
        try {
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            IllegalStateException interrupted = new IllegalStateException("Interrupted while stopping the LocalGateway", e);
            if (failure == null) {
                failure = interrupted;
            } else {
                failure.addSuppressed(interrupted);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "LocalGateway{api=" + apiUrl() + ", tlsApi=" + tlsApiUrl() + "}";
    }

    /** Configures a {@link LocalGateway}. */
    public static final class Builder {
        private Path root;
        private SessionRegistry.HostKeys hostKeys = SessionRegistry.HostKeys.CERTIFIED;
        private boolean weakAlgorithmsOnly;
        private boolean tunnelCredentials;
        private boolean denyPortForwarding;
        private boolean denyPty;
        private Clock clock = Clock.systemUTC();
        private Duration idempotencyWindow = Duration.ofHours(24);
        private boolean ignoreIdempotencyKeys;
        private Duration resumeWindow = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * Offers no resumption: every tunnel is a plain v1 tunnel, as through a gateway without contract v2 or a plain
         * proxy, so a cut tunnel ends its SSH connection. By default tunnels that ask are made resumable, with a 60 s
         * window.
         *
         * @return this builder
         */
        public Builder withoutResumption() {
            this.resumeWindow = Duration.ZERO;
            return this;
        }

        /**
         * How long a resumable tunnel whose client connection dropped waits to be re-attached before it ends (60 s by
         * default; whole seconds, as the contract's header carries them).
         *
         * @param window at least one second
         * @return this builder
         */
        public Builder resumptionWindow(Duration window) {
            if (window.toSeconds() < 1) {
                throw new IllegalArgumentException("The resumption window must be at least 1 s, got " + window);
            }
            this.resumeWindow = Duration.ofSeconds(window.toSeconds());
            return this;
        }

        /**
         * The clock by which the gateway ages what it remembers: today the {@code Idempotency-Key} window. Session
         * times ({@code created_at}, expiry) and certificates still follow the system clock.
         *
         * <pre>{@code
         * ManualClock clock = new ManualClock();
         * LocalGateway gateway = LocalGateway.builder().clock(clock).start();
         * clock.advance(Duration.ofHours(25));   // every Idempotency-Key used so far is forgotten
         * }</pre>
         *
         * @param clock the clock, such as a {@link ManualClock}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long an {@code Idempotency-Key} of {@code POST /sessions} is remembered after its first use, by the
         * {@link #clock(Clock) gateway's clock}; default 24 hours. Later, the same key makes a new session.
         *
         * @param window how long a key is remembered (positive)
         * @return this builder
         */
        public Builder idempotencyWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("idempotencyWindow must be positive, got " + window);
            }
            this.idempotencyWindow = window;
            return this;
        }

        /**
         * Makes {@code POST /sessions} ignore the {@code Idempotency-Key} header, as a gateway that does not implement
         * it would (the contract makes it optional): every call makes a new session.
         *
         * @return this builder
         */
        public Builder ignoreIdempotencyKeys() {
            this.ignoreIdempotencyKeys = true;
            return this;
        }

        /**
         * Where session directories are made; default a new temporary directory removed on close.
         *
         * @param root the directory under which each session gets one of its own; made if missing, and left in
         *        place when the gateway closes
         * @return this builder
         */
        public Builder directory(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Makes the sessions' SSH servers present host certificates signed by a CA that the API does not report,
         * as an impostor host would: clients must refuse to connect.
         *
         * @return this builder
         */
        public Builder impostorHostCertificates() {
            this.hostKeys = SessionRegistry.HostKeys.FOREIGN_CA;
            return this;
        }

        /**
         * Makes the sessions' SSH servers present a plain host key with no certificate: clients must refuse it.
         *
         * @return this builder
         */
        public Builder plainHostKeys() {
            this.hostKeys = SessionRegistry.HostKeys.PLAIN;
            return this;
        }

        /**
         * Makes the sessions' SSH servers present a plain host key, and every mint answer pin it in
         * {@code host_public_keys} (naming no host CA): clients that trust what the API names accept it.
         *
         * @return this builder
         */
        public Builder pinnedHostKeys() {
            this.hostKeys = SessionRegistry.HostKeys.PINNED;
            return this;
        }

        /**
         * Makes the sessions' host certificates name no principals, which the gateway contract (like OpenSSH) reads
         * as valid for any host name: clients must accept them.
         *
         * @return this builder
         */
        public Builder hostCertificatesWithoutPrincipals() {
            this.hostKeys = SessionRegistry.HostKeys.CERTIFIED_WITHOUT_PRINCIPALS;
            return this;
        }

        /**
         * Makes the host CA an RSA key that signs with SHA-1 ({@code ssh-rsa}), as old CAs do: clients must refuse.
         *
         * @return this builder
         */
        public Builder sha1SignedHostCertificates() {
            this.hostKeys = SessionRegistry.HostKeys.CERTIFIED_WITH_SHA1;
            return this;
        }

        /**
         * Makes the sessions' SSH servers offer only what old servers offer: {@code diffie-hellman-group14-sha1},
         * {@code aes128-cbc} and {@code hmac-sha1}. A strict client finds nothing in common.
         *
         * @return this builder
         */
        public Builder weakAlgorithmsOnly() {
            this.weakAlgorithmsOnly = true;
            return this;
        }

        /**
         * Makes every mint answer carry a {@code tunnel_credential} for that session, and the tunnels accept only such
         * credentials, never the account token: the tunnel endpoints then never see the token.
         *
         * @return this builder
         */
        public Builder sessionTunnelCredentials() {
            this.tunnelCredentials = true;
            return this;
        }

        /**
         * Mints certificates without {@code permit-port-forwarding} (and says {@code port_forwarding: false}); the
         * sessions' SSH servers then refuse every forwarding, as OpenSSH's sshd does for such a certificate.
         *
         * @return this builder
         */
        public Builder denyPortForwarding() {
            this.denyPortForwarding = true;
            return this;
        }

        /**
         * Mints certificates without {@code permit-pty} (and says {@code pty: false}); the sessions' SSH servers
         * then refuse every PTY request.
         *
         * @return this builder
         */
        public Builder denyPty() {
            this.denyPty = true;
            return this;
        }

        /**
         * Starts the gateway on 127.0.0.1 (it is also started by the builder's build).
         *
         * @return this gateway, started
         */
        public LocalGateway start() {
            try {
                return new LocalGateway(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the LocalGateway", e);
            }
        }
    }
}
