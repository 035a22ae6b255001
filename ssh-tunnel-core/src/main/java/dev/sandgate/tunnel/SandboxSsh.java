package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.Objects;

import org.apache.sshd.client.SshClient;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.CertificateListener;
import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.FileCredentials;
import dev.sandgate.cert.HostResolver;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.tunnel.internal.TunnelSshClient;

/**
 * SSH into sandbox sessions through their gateway. Build one per application: it is thread-safe, owns one MINA
 * {@code SshClient}, and serves any number of connections.
 *
 * <pre>{@code
 * try (SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl("https://api.example.com/v1")
 *         .token(System.getenv("SANDGATE_API_TOKEN"))
 *         .build();
 *      SshConnection connection = ssh.connect("sess-123")) {
 *     System.out.println(connection.exec("echo hello").stdoutText());
 * }
 * }</pre>
 *
 * <p>A {@link SandboxProvider} answers, for every session, how to log in, where the tunnel goes, how the tunnel
 * request is authenticated and how the host is trusted; by default Sandgate's own contract: a certificate minted
 * through the API for a fresh key (cached, renewed before it runs out), the endpoints the mint answer names, the
 * host certificate checked against the host CA the API named. {@link #connect(String)} runs those steps in order, in
 * one {@link ConnectAttempt}.
 *
 * <p>This class is a facade: the steps are read in {@link ConnectAttempt}, the provider is chosen from the builder's
 * settings in {@link ProviderChoice}, and most of this file is the {@link Builder}'s documented setters.
 */
public final class SandboxSsh implements Closeable {
    private final ClientThreads threads;
    private final SshClient client;
    private final Transports transports;
    private final ConnectPipeline pipeline;
    private final ReconnectPolicy reconnectPolicy;
    private final StatsRecorder stats = new StatsRecorder();
    private volatile boolean closed;

    private SandboxSsh(Builder builder) {
        ConnectSteps steps = ProviderChoice.steps(builder, stats.counting(builder.certificateListener));
        this.transports = new Transports(builder.transport, steps.transport().orElse(null), TransportOptions.builder()
                .tlsTrust(builder.tlsTrust)
                .connectTimeout(builder.connectTimeout)
                .endpointPolicy(builder.endpointPolicy)
                .resolver(builder.resolver)
                .resumption(builder.resumption)
                .build());
        this.reconnectPolicy = builder.reconnectPolicy;
        this.threads = new ClientThreads();
        try {
            this.client = TunnelSshClient.started(threads.io, builder.legacyAlgorithms);
        } catch (RuntimeException e) {
            // nothing is left open by a SandboxSsh that was never made: its threads, and the provider's API client
            threads.shutdown();
            for (AutoCloseable resource : steps.resources()) {
                try {
                    resource.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        this.pipeline = new ConnectPipeline(client, transports, steps, builder.connectTimeout, builder.tunnelListener,
                builder.connectionListener, builder.keepAliveInterval, builder.keepAliveMisses, threads.keepAlive,
                stats);
    }

    /**
     * {@return a builder; an API URL or token not given to it is read from {@code SANDGATE_API_URL} or
     * {@code SANDGATE_API_TOKEN} when {@link Builder#build()} runs (never for {@link Builder#provider} or a login of
     * your own); every other setting has a default}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens an authenticated SSH connection to a sandbox session, within the builder's {@code connectTimeout} for
     * everything: the certificate mint, the tunnel, the key exchange and the login. The steps are
     * {@link ConnectAttempt}'s, in order, with the provider's answers.
     *
     * <p>Whether the API or the gateway said no, {@link dev.sandgate.cert.Refusal#of(Throwable)} tells why in the
     * same terms. With a {@link ReconnectPolicy#coveringFirstConnect() reconnect policy that covers it}, a refusal a
     * later try can get past (503, 429, a gateway not reachable) is tried again, each try within its own
     * {@code connectTimeout}, and the last try's failure is thrown.
     *
     * @param sessionId the session's id
     * @return an authenticated connection, which the caller closes; closing this {@code SandboxSsh} ends it too
     * @throws dev.sandgate.cert.SandboxApiException when minting the certificate fails, or the mint alone takes longer
     *                                               than {@code connectTimeout} ({@code ApiConnectionException})
     * @throws TunnelRefusedException                when the gateway refuses the tunnel
     * @throws TunnelException                       when the gateway cannot be reached, breaks the protocol, the
     *                                               tunnel ends during the handshake, or the tunnel, key exchange
     *                                               and login take longer than what is left of {@code connectTimeout}
     * @throws HostKeyRejectedException              when the server is not the session's host (a host key or CA no
     *                                               one vouched for, or a host certificate that does not hold)
     * @throws AuthenticationException               when the server refuses the login
     * @throws java.io.InterruptedIOException         when interrupted while waiting to try again, under a
     *                                               {@link ReconnectPolicy#coveringFirstConnect() policy} that
     *                                               retries the first connect
     * @throws IllegalArgumentException              when the session id is empty, {@code .}, {@code ..}, or
     *                                               contains whitespace or control characters
     */
    public SshConnection connect(String sessionId) throws IOException {
        SandboxSession.requireValidId(sessionId);
        Link link = FirstConnect.open(reconnectPolicy, () -> openLink(sessionId));
        return new SshConnection(sessionId, link, () -> openLink(sessionId), reconnectPolicy,
                pipeline.connectionListener(), stats);
    }

    /**
     * {@return what this client has done so far: connections and tunnels open now, and running totals of bytes,
     * certificates, resumptions and reconnects} Cheap enough to read at every metrics scrape.
     *
     * <pre>{@code
     * Gauge.builder("sandgate.connections.open", ssh, s -> s.stats().connectionsOpen()).register(registry);
     * }</pre>
     */
    public ClientStats stats() {
        return stats.snapshot();
    }

    /**
     * Tells this listener how long each later connect attempt and command took, from now until it is removed. May be
     * called at any time, from any thread; a listener added twice hears each event twice.
     *
     * <pre>{@code
     * ssh.addTimingListener(new TimingListener() {
     *     @Override
     *     public void connectFinished(String sessionId, Duration took, Exception failure) {
     *         connectTimer.record(took);
     *     }
     * });
     * }</pre>
     *
     * @param listener the listener to tell
     */
    public void addTimingListener(TimingListener listener) {
        stats.add(listener);
    }

    /**
     * Stops telling this listener (once, if it was added more than once); does nothing if it was not added.
     *
     * @param listener the listener added before
     */
    public void removeTimingListener(TimingListener listener) {
        stats.remove(listener);
    }

    private Link openLink(String sessionId) throws IOException {
        if (closed) {
            throw new IllegalStateException("This SandboxSsh is closed");
        }
        return pipeline.open(sessionId);
    }

    /**
     * Closes every connection and releases threads; the API client and the transports too, when this instance made
     * them (a {@link Transport} given to {@link Builder#transport(Transport)} stays open for its owner).
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            client.stop();
        } catch (RuntimeException e) {
            failure = new IOException("Stopping the SSH client failed", e);
        }
        threads.shutdown();
        try {
            transports.close();
        } catch (RuntimeException e) {
            IOException closing = new IOException("Closing the transports failed", e);
            if (failure == null) {
                failure = closing;
            } else {
                failure.addSuppressed(closing);
            }
        }
        for (AutoCloseable resource : pipeline.steps().resources()) {
            try {
                resource.close();
            } catch (Exception e) {
                IOException closing = new IOException("Closing " + resource.getClass().getName() + " failed", e);
                if (failure == null) {
                    failure = closing;
                } else {
                    failure.addSuppressed(closing);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SandboxSsh{transport=" + transports + ", " + pipeline.steps() + "}";
    }

    /**
     * Builds a {@link SandboxSsh}. Give either {@link #apiUrl} and {@link #token} (the usual case: the API mints
     * certificates and the same token opens tunnels), or a custom {@link #issuer} plus the tunnel {@link #token}.
     */
    public static final class Builder {
        final SandboxApi.Builder apiBuilder = SandboxApi.builder();
        CertificateIssuer issuer;
        CertificateCache certificates;
        CertificateListener certificateListener = CertificateListener.NONE;
        String token;
        TunnelAuth tunnelAuth;
        TunnelListener tunnelListener = TunnelListener.NONE;
        TlsTrust tlsTrust = TlsTrust.system();
        Transport transport;
        TransportKind transportKind;
        boolean apiUrlGiven;
        Duration connectTimeout = Duration.ofSeconds(30);
        Duration certificateTtl = Duration.ofMinutes(30);
        ReconnectPolicy reconnectPolicy = ReconnectPolicy.off();
        ConnectionListener connectionListener = ConnectionListener.NONE;
        Duration keepAliveInterval = Duration.ofSeconds(15);
        int keepAliveMisses = 3;
        boolean resumption = true;
        String keyLoginUser;
        KeyPair keyLoginPair;
        FileCredentials fileCredentials;
        Function<String, Endpoints> endpoints;
        Path knownHosts;
        SandboxProvider provider;
        HostTrust hostTrust;
        EndpointPolicy endpointPolicy = EndpointPolicy.requireTls();
        HostResolver resolver = HostResolver.SYSTEM;
        boolean legacyAlgorithms;

        private Builder() {
        }

        /**
         * The sandbox API's base URL; default from {@code SANDGATE_API_URL}.
         *
         * @param url the API's base URL, such as {@code https://api.example.com/v1}; no user info or query
         * @return this builder
         */
        public Builder apiUrl(String url) {
            apiBuilder.baseUrl(url);
            apiUrlGiven = true;
            return this;
        }

        /**
         * Sets the API's base URL, as {@link #apiUrl(String)} does.
         *
         * @param url the API's base URL, such as {@code https://api.example.com/v1}; no user info or query
         * @return this builder
         */
        public Builder apiUrl(URI url) {
            apiBuilder.baseUrl(url);
            apiUrlGiven = true;
            return this;
        }

        /**
         * The bearer token for the API and the tunnels; default from {@code SANDGATE_API_TOKEN}.
         *
         * @param token the bearer token
         * @return this builder
         * @throws IllegalArgumentException if the token is null or blank (the message names {@code SANDGATE_API_TOKEN};
         *                                  it never holds a token)
         */
        public Builder token(String token) {
            apiBuilder.token(token);
            this.token = token.trim();
            return this;
        }

        /**
         * How tunnels authenticate; default {@link TunnelAuth#bearer} with the session's own tunnel credential when
         * the mint answer carries one, else with the {@link #token}. Set it for a proxy or bridge that wants something
         * else (basic auth, a header, a cookie, nothing); it is then used as it is.
         *
         * @param auth how tunnels authenticate
         * @return this builder
         */
        public Builder tunnelAuth(TunnelAuth auth) {
            this.tunnelAuth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /**
         * Which TLS certificates to trust for the API and for the default transport; default the JVM's.
         *
         * @param tlsTrust the certificates to trust
         * @return this builder
         */
        public Builder tlsTrust(TlsTrust tlsTrust) {
            this.tlsTrust = Objects.requireNonNull(tlsTrust, "tlsTrust");
            apiBuilder.tlsTrust(tlsTrust);
            return this;
        }

        /**
         * Mints certificates some other way than through the API; {@link #token} is still needed for tunnels.
         *
         * @param issuer what mints the certificates
         * @return this builder
         */
        public Builder issuer(CertificateIssuer issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /**
         * Takes certificates from this cache (and its issuer) instead of building one; {@link #certificateTtl} and
         * {@link #certificateListener} then do not apply. {@link #token} is still needed for tunnels.
         *
         * @param cache a cache that may serve other clients too; its issuer, TTL and listener apply
         * @return this builder
         */
        public Builder certificateCache(CertificateCache cache) {
            this.certificates = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * Logs in with this key pair by plain public-key auth, minting nothing: for a session created with its
         * {@code ssh_public_key}. Needs {@link #endpoints} (no mint answer names them), {@link #knownHosts} or
         * {@link #hostTrust} (no API names a host CA), and {@link #tunnelAuth} or an explicit {@link #token} (the
         * environment's token is never sent to endpoints you name). A shorthand for {@link SandboxProvider#generic}
         * with {@link LoginMethod#key}.
         *
         * <pre>{@code
         * SandboxSsh ssh = SandboxSsh.builder()
         *         .keyLogin("sandbox", keyPair)
         *         .endpoints(id -> new Endpoints(new Endpoints.Connect(proxyUrl, id + ":22"), null))
         *         .knownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"))
         *         .tunnelAuth(TunnelAuth.bearer(token))
         *         .build();
         * }</pre>
         *
         * @param keyPair the key pair whose public key the session accepts; its private key signs the login
         * @param username the user to log in as
         * @return this builder
         */
        public Builder keyLogin(String username, KeyPair keyPair) {
            this.keyLoginUser = Objects.requireNonNull(username, "username");
            this.keyLoginPair = Objects.requireNonNull(keyPair, "keyPair");
            this.fileCredentials = null;
            return this;
        }

        /**
         * Logs in with a key and certificate made elsewhere ({@code ssh-keygen -s}, a vault), read again when their
         * files change, minting nothing. Needs {@link #endpoints} and {@link #knownHosts}, as {@link #keyLogin} does. A
         * shorthand for {@link SandboxProvider#generic} with {@link LoginMethod#certificate}.
         *
         * @param credentials the key pair and its certificate
         * @return this builder
         */
        public Builder certificateLogin(FileCredentials credentials) {
            this.fileCredentials = Objects.requireNonNull(credentials, "credentials");
            this.keyLoginUser = null;
            this.keyLoginPair = null;
            return this;
        }

        /**
         * Where each session's tunnels go, over the provider's answer: needed when nothing is minted ({@link #keyLogin},
         * {@link #certificateLogin}); {@link EndpointSource#given} as a builder setting.
         *
         * @param endpointsBySession the endpoints of a session id, asked at each connect; it must not give null
         * @return this builder
         */
        public Builder endpoints(Function<String, Endpoints> endpointsBySession) {
            this.endpoints = Objects.requireNonNull(endpointsBySession, "endpointsBySession");
            return this;
        }

        /**
         * An OpenSSH known_hosts file (plain keys, {@code @cert-authority} and {@code @revoked} lines) that checks
         * hosts whenever the sandbox API names no host CA or host key: always with {@link #keyLogin} and
         * {@link #certificateLogin}. A host it does not list is refused; nothing is trusted on first use (for that,
         * see {@link HostTrust#acceptNew}). {@link #hostTrust} replaces it.
         *
         * @param file a known_hosts file in OpenSSH's format, read again at each connect and never written
         * @return this builder
         */
        public Builder knownHosts(Path file) {
            this.knownHosts = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Which sandbox service to reach, and how: the provider answers how to log in, where tunnels go, how tunnel
         * requests are authenticated and how hosts are trusted. Default: Sandgate's own contract, chosen by
         * {@link #apiUrl}, {@link #token}, {@link #issuer} or {@link #certificateCache} (or the generic provider, by
         * {@link #keyLogin} or {@link #certificateLogin}). {@link #endpoints}, {@link #tunnelAuth},
         * {@link #knownHosts} and {@link #hostTrust}, when set, override the provider's answers.
         *
         * <pre>{@code
         * SandboxSsh ssh = SandboxSsh.builder()
         *         .provider(SandboxProvider.generic(LoginMethod.key("user", keyPair),
         *                 EndpointSource.webSocket(id -> URI.create("wss://" + id + ".sandboxes.example/ssh")),
         *                 TunnelAuth.none(), HostTrust.knownHosts(knownHostsFile)))
         *         .transport(TransportKind.WEB_SOCKET)
         *         .build();
         * }</pre>
         *
         * @param provider asked once, when {@link #build()} makes the {@code SandboxSsh}
         * @return this builder
         */
        public Builder provider(SandboxProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * How hosts are trusted, over the provider's choice (Sandgate's: {@link HostTrust#fromApi()}), e.g. a
         * known_hosts file, or {@link HostTrust#acceptNew} where the first connection's path is trusted.
         *
         * @param trust what decides whether a server's host key or certificate is the session's
         * @return this builder
         */
        public Builder hostTrust(HostTrust trust) {
            this.hostTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Where the token may go, for the API and for the transports this builder binds; default
         * {@link EndpointPolicy#requireTls()}: cleartext only to loopback hosts. Use
         * {@code EndpointPolicy.requireTls().allowCleartext()} for development against a plain-HTTP gateway, and
         * {@code tunnelHosts(...)} to pin the hosts a mint answer may send tunnels to.
         *
         * @param policy which URLs may receive the token; {@link #build()} refuses an API URL it does not allow, and
         *        the transports this builder makes refuse such a tunnel endpoint
         * @return this builder
         */
        public Builder endpointPolicy(EndpointPolicy policy) {
            this.endpointPolicy = Objects.requireNonNull(policy, "policy");
            apiBuilder.endpointPolicy(policy);
            return this;
        }

        /**
         * How host names are resolved, for the API and the transports this builder binds; default the system's.
         *
         * @param resolver how host names resolve
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            apiBuilder.resolver(resolver);
            return this;
        }

        /**
         * Also accepts old algorithms, after the modern ones: SHA-1 key exchanges, MACs and signatures, CBC ciphers,
         * host certificates signed with SHA-1 or by small RSA CAs. Only for a server that cannot be upgraded; by
         * default such a server is refused with {@link NoCommonAlgorithmException} or
         * {@link HostKeyRejectedException} naming what it offered.
         *
         * @return this builder
         */
        public Builder legacyAlgorithms() {
            this.legacyAlgorithms = true;
            return this;
        }

        /**
         * Hears tunnels open, fail, move bytes and close; default {@link TunnelListener#NONE}.
         *
         * @param listener the listener to tell
         * @return this builder
         */
        public Builder tunnelListener(TunnelListener listener) {
            this.tunnelListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether a connection whose tunnel died opens a new one on its next operation; default
         * {@link ReconnectPolicy#off()}.
         *
         * @param policy how many attempts, and the wait before each; {@link ReconnectPolicy#off()} for none
         * @return this builder
         */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnectPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Hears connections open, end (with the cause of a loss) and reconnect; default {@link ConnectionListener#NONE}.
         *
         * @param listener the listener to tell
         * @return this builder
         */
        public Builder connectionListener(ConnectionListener listener) {
            this.connectionListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Hears certificate mints, renewals and renewal failures.
         *
         * @param listener the listener to tell
         * @return this builder
         */
        public Builder certificateListener(CertificateListener listener) {
            this.certificateListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Which built-in transport opens tunnels, over the provider's choice; default none, so that each tunnel
         * follows its session's endpoints (HTTP CONNECT when they name a proxy, else WebSocket). The transport is
         * made with this builder's {@link #tlsTrust}, {@link #connectTimeout}, {@link #endpointPolicy} and
         * {@link #resolver}, and closed with the {@link SandboxSsh}.
         *
         * @param kind the transport, e.g. {@link TransportKind#WEB_SOCKET} where the mint answer names both
         * @return this builder
         */
        public Builder transport(TransportKind kind) {
            this.transportKind = Objects.requireNonNull(kind, "kind");
            this.transport = null;
            return this;
        }

        /**
         * A transport of your own, used as it is for every tunnel (its own {@link TransportOptions}, not this
         * builder's settings) and left open when the {@link SandboxSsh} closes: for sharing one between several.
         *
         * @param transport the transport, which stays yours to close
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.transportKind = null;
            return this;
        }

        /**
         * The limit for all of {@link SandboxSsh#connect}: minting the certificate, opening the tunnel, the SSH key
         * exchange and the login; default 30 s.
         *
         * @param timeout how long one {@code connect} may take in all, retries of the mint included; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Whether tunnels ask the gateway for resumption (gateway contract v2): on by default. Where a gateway grants
         * it, a dropped tunnel is re-attached within the gateway's window and the connection above goes on (commands,
         * terminals, forwards, transfers); {@link ConnectionListener#resumed} hears it. Plain proxies and v1 gateways
         * ignore the request. Not used with a {@link #transport(Transport) transport of your own}, which has its own
         * {@link TransportOptions}.
         *
         * @param resumption false to open plain v1 tunnels everywhere
         * @return this builder
         */
        public Builder resumption(boolean resumption) {
            this.resumption = resumption;
            return this;
        }

        /**
         * How often an idle connection asks the server for a reply, and how many unanswered asks in a row mean the
         * server or the tunnel is dead (the connection then ends with an error instead of hanging); default every
         * 15 s, 3 misses. With keepalives on, a channel that closes also sends one ask along with its close, so that
         * the server acknowledges it at once (a proxy without {@code TCP_NODELAY} would otherwise hold the next
         * command about 40 ms). {@link Duration#ZERO} turns both off.
         *
         * @param interval the time between two checks
         * @param misses how many unanswered asks in a row end the connection; at least 1
         * @return this builder
         */
        public Builder keepAlive(Duration interval, int misses) {
            this.keepAliveInterval = Checks.notNegative(interval, "keepAlive interval");
            if (misses < 1) {
                throw new IllegalArgumentException("keepAlive misses must be at least 1, got " + misses);
            }
            this.keepAliveMisses = misses;
            return this;
        }

        /**
         * The lifetime asked for each certificate; default 30 minutes.
         *
         * @param ttl how long it should last
         * @return this builder
         */
        public Builder certificateTtl(Duration ttl) {
            this.certificateTtl = Checks.positive(ttl, "certificateTtl");
            return this;
        }


        /**
         * Builds the entry point.
         *
         * @return the entry point, which starts its SSH client now; close it to stop its threads
         * @throws IllegalStateException if the API URL or the token is missing (a token is not needed with an
         *                               {@link #issuer} or {@link #certificateCache} and a {@link #tunnelAuth});
         *                               if a {@link #provider} comes with a login, issuer, cache, API URL or token
         *                               of the builder's own; if {@link #keyLogin} or {@link #certificateLogin}
         *                               comes with an issuer or cache, or without {@link #endpoints}, without
         *                               {@link #knownHosts} or {@link #hostTrust}, or without {@link #tunnelAuth}
         *                               or an explicit {@link #token} (the environment's is never sent there)
         */
        public SandboxSsh build() {
            ProviderChoice.check(this);
            return new SandboxSsh(this);
        }
    }
}
