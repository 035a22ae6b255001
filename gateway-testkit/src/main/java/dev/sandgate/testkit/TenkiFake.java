// Over 450 lines on purpose: more than half of this file is the javadoc of its public methods, and the nested types
// (TokenKind, Permissions, Gateway, Upgrade, Builder) cannot move to files of their own without renaming
// TenkiFake.Permissions and the rest. The work is in the internal package (TenkiService, TenkiHttpHandler,
// TenkiConnectApi, TenkiAccounts); what is left here is checking arguments, converting the public records to the
// service's and delegating.
package dev.sandgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.sshd.common.config.keys.PublicKeyEntry;

import dev.sandgate.testkit.internal.GatewaySession;
import dev.sandgate.testkit.internal.TenkiService;

/**
 * An in-process fake of Tenki's sandbox SSH service, written from the wire facts of Tenki's public SDKs, for testing
 * a Tenki client without Tenki: the Connect JSON API that mints certificates ({@code IssueSandboxSSHCert}) and lists
 * gateways ({@code ListActiveSSHGateways}), the WebSocket gateway at {@code /v1/ssh/<session id>}, and behind it per
 * session a real SSH/SFTP server (MINA SSHD, as the {@link LocalGateway}'s) that presents the gateway's plain host key
 * and takes certificates from the fake's user CA with principal {@code session:<id>} for the user {@code tenki}.
 * Everything binds to 127.0.0.1, the API and the gateway on one port.
 *
 * <pre>{@code
 * try (TenkiFake tenki = TenkiFake.start()) {
 *     String sessionId = tenki.createSession();
 *     String token = tenki.token(TenkiFake.TokenKind.API_KEY);          // "tk_...", sent as Authorization: Bearer
 *     URI api = tenki.apiUrl(TenkiFake.API_HOST);                      // http://api.tenki.test:<port>
 *     // a client derives ws://sandbox-gateway.tenki.test:<port>/v1/ssh/<id>, or discovers ws://127.0.0.1:<port>/...
 *     tenki.pauseSession(sessionId);                                   // mint: failed_precondition, upgrade: 409
 *     PublicKey rotated = tenki.rotateGatewayHostKey();                // a pinned key no longer matches
 * }
 * }</pre>
 *
 * <p>Sessions are made by the test ({@link #createSession()}): Tenki's session API is not faked. Tokens come in
 * Tenki's three kinds ({@link TokenKind}), each valid only in the header its kind goes in. The names
 * {@link #API_HOST}, {@link #GATEWAY_HOST} and {@link #EDGE_HOST} resolve to 127.0.0.1 in the repository's
 * {@code test-hosts}, so that a gateway URL derived from {@code http://api.tenki.test:<port>} reaches the fake.
 *
 * <p>Like the LocalGateway it is not a sandbox: commands run as the JVM's user. Keep it on loopback.
 */
public final class TenkiFake implements AutoCloseable {
    /** A name for the API that test-hosts maps to 127.0.0.1; Tenki's derivation turns it into {@link #GATEWAY_HOST}. */
    public static final String API_HOST = "api.tenki.test";
    /** The gateway name a client derives from {@link #API_HOST} (or {@code app.tenki.test}); 127.0.0.1 in test-hosts. */
    public static final String GATEWAY_HOST = "sandbox-gateway.tenki.test";
    /** A third name for the fake, for a discovered gateway that must be told apart from the derived one. */
    public static final String EDGE_HOST = "edge.tenki.test";

    /** The kinds of token Tenki takes; the prefix decides the header. */
    public enum TokenKind {
        /** {@code tk_...}, sent as {@code Authorization: Bearer <token>}. */
        API_KEY,
        /** {@code ory_st_...}, sent as {@code X-Session-Token: <token>}. */
        SESSION_TOKEN,
        /** Any other token, sent as {@code Cookie: tenki_session=<token>}. */
        COOKIE
    }

    /**
     * What a minted certificate permits: the answer's {@code permissions} and the certificate's extensions agree
     * ({@code permit-pty}, {@code permit-agent-forwarding}, {@code permit-port-forwarding} for either direction,
     * {@code permit-X11-forwarding}), and the SSH server enforces PTY and port forwarding by them.
     *
     * <pre>{@code
     * TenkiFake.builder().permissions(TenkiFake.Permissions.DEFAULT.withPty(false)).start();
     * }</pre>
     *
     * @param pty                  a PTY may be requested
     * @param agentForwarding      agent forwarding (the server refuses it whatever the certificate says)
     * @param portForwardingLocal  local (direct-tcpip) forwarding
     * @param portForwardingRemote remote (tcpip-forward) forwarding
     * @param x11Forwarding        X11 forwarding, in the answer and the certificate only: the SSH server does not
     *                             act on it
     */
    public record Permissions(boolean pty, boolean agentForwarding, boolean portForwardingLocal,
            boolean portForwardingRemote, boolean x11Forwarding) {
        /** The default: a PTY and port forwarding both ways; no agent or X11 forwarding. */
        public static final Permissions DEFAULT = new Permissions(true, false, true, true, false);
        /** Nothing permitted. */
        public static final Permissions NONE = new Permissions(false, false, false, false, false);

        /**
         * These permissions with the PTY one changed.
         *
         * @param allowed whether a PTY is permitted
         * @return the changed permissions
         */
        public Permissions withPty(boolean allowed) {
            return new Permissions(allowed, agentForwarding, portForwardingLocal, portForwardingRemote, x11Forwarding);
        }

        /**
         * These permissions with both port forwarding ones changed.
         *
         * @param allowed whether port forwarding (local and remote) is permitted
         * @return the changed permissions
         */
        public Permissions withPortForwarding(boolean allowed) {
            return new Permissions(pty, agentForwarding, allowed, allowed, x11Forwarding);
        }
    }

    /**
     * One gateway as {@code ListActiveSSHGateways} lists it. A client takes the first one that is healthy and has a
     * {@code wsBridgeEndpoint}; null, empty and false fields are left out of the answer, as proto3 JSON does.
     *
     * <pre>{@code
     * tenki.gatewaysListed(TenkiFake.Gateway.healthy("gw-1", URI.create("https://nowhere.invalid")).unhealthy(),
     *         tenki.gateway(TenkiFake.EDGE_HOST));
     * }</pre>
     *
     * @param gatewayId        the gateway's id
     * @param region           its region, which a request's {@code region} filters on
     * @param publicEndpoint   its SSH endpoint, {@code host:port} (informational)
     * @param meshEndpoint     its reverse-tunnel listener, {@code host:port} (informational)
     * @param lastHeartbeatAt  when it was last heard from, or null
     * @param healthy          false for a gateway a client must pass over
     * @param wsBridgeEndpoint the WebSocket bridge's base URL ({@code http}, {@code https}, {@code ws}, {@code wss} or
     *                         none), or null or empty for none
     */
    public record Gateway(String gatewayId, String region, String publicEndpoint, String meshEndpoint,
            Instant lastHeartbeatAt, boolean healthy, String wsBridgeEndpoint) {
        /**
         * A healthy gateway in region {@code local} whose bridge is at this URL.
         *
         * @param gatewayId        the gateway's id
         * @param wsBridgeEndpoint the bridge's base URL
         * @return the gateway
         */
        public static Gateway healthy(String gatewayId, URI wsBridgeEndpoint) {
            return new Gateway(gatewayId, "local", "127.0.0.1:22", "127.0.0.1:8022", Instant.now(), true,
                    wsBridgeEndpoint == null ? null : wsBridgeEndpoint.toString());
        }

        /** {@return this gateway, unhealthy} */
        public Gateway unhealthy() {
            return new Gateway(gatewayId, region, publicEndpoint, meshEndpoint, lastHeartbeatAt, false, wsBridgeEndpoint);
        }

        /** {@return this gateway with no WebSocket bridge} */
        public Gateway withoutBridge() {
            return new Gateway(gatewayId, region, publicEndpoint, meshEndpoint, lastHeartbeatAt, healthy, null);
        }

        /**
         * This gateway in another region.
         *
         * @param name the region
         * @return the gateway
         */
        public Gateway inRegion(String name) {
            return new Gateway(gatewayId, name, publicEndpoint, meshEndpoint, lastHeartbeatAt, healthy, wsBridgeEndpoint);
        }
    }

    /**
     * A WebSocket upgrade the gateway saw, for tests that check where a client went and how it logged in.
     *
     * @param host       the request's {@code Host} header, e.g. {@code sandbox-gateway.tenki.test:40123}
     * @param path       its path, e.g. {@code /v1/ssh/<session id>}
     * @param credential the kind of the token that logged in, or null when none did
     * @param status     the answer: 101 when the WebSocket opened, else 401, 403, 404 or 409
     */
    public record Upgrade(String host, String path, TokenKind credential, int status) {
    }

    private static final String DEFAULT_ACCOUNT = "account-default";

    private final Path root;
    private final boolean ownsRoot;
    private final TenkiService service;
    private final Duration sessionTtl;
    private int accounts;
    private volatile boolean closed;

    private TenkiFake(Builder builder) throws IOException {
        this.ownsRoot = builder.root == null;
        this.root = ownsRoot ? Files.createTempDirectory("tenki-fake-") : Files.createDirectories(builder.root);
        this.sessionTtl = builder.sessionTtl;
        Permissions p = builder.permissions;
        try {
            this.service = new TenkiService(root, new TenkiService.Policy(builder.lifetime, builder.renewalAfter, p.pty(),
                    p.agentForwarding(), p.portForwardingLocal(), p.portForwardingRemote(), p.x11Forwarding()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while starting the Tenki fake", e);
        }
    }

    /**
     * Starts a fake with default settings: certificates for 600 s, renewal after 400 s, {@link Permissions#DEFAULT}.
     *
     * @return the running fake
     */
    public static TenkiFake start() {
        return builder().start();
    }

    /** {@return a builder with the settings of {@link #start()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the port of the API and the gateway, on 127.0.0.1} */
    public int port() {
        return service.port();
    }

    /**
     * The API base URL, {@code http://127.0.0.1:<port>} (no path, as {@code https://api.tenki.cloud}). Tenki's
     * derivation turns it into {@code sandbox-gateway.127.0.0.1}, which resolves nowhere: use {@link #apiUrl(String)}
     * with {@link #API_HOST} for the derived case.
     *
     * @return the API base URL
     */
    public URI apiUrl() {
        return apiUrl("127.0.0.1");
    }

    /**
     * The API base URL under another name for this machine, e.g. {@code http://api.tenki.test:<port>}; the name must
     * resolve to 127.0.0.1 (test-hosts lists {@link #API_HOST}, {@link #GATEWAY_HOST} and {@link #EDGE_HOST}).
     *
     * @param host the host name
     * @return the API base URL
     */
    public URI apiUrl(String host) {
        return URI.create("http://" + Objects.requireNonNull(host, "host") + ":" + port());
    }

    /**
     * The gateway's base URL, {@code http://127.0.0.1:<port>}: what {@code TENKI_SANDBOX_GATEWAY_URL} would hold, and
     * what the default discovery answer's {@code wsBridgeEndpoint} is.
     *
     * @return the gateway's base URL
     */
    public URI gatewayUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /**
     * The WebSocket URL of a session, {@code ws://127.0.0.1:<port>/v1/ssh/<session id>}.
     *
     * @param sessionId the session's id (need not exist: an unknown one is answered 404)
     * @return the session's WebSocket URL
     */
    public URI webSocketUrl(String sessionId) {
        return URI.create("ws://127.0.0.1:" + port() + "/v1/ssh/" + Objects.requireNonNull(sessionId, "sessionId"));
    }

    /**
     * A token of this kind for the default account, which owns the sessions of {@link #createSession()}. Each call
     * makes a new token; all of them stay valid until revoked.
     *
     * @param kind the kind of token
     * @return a new token with the kind's prefix, valid only in the kind's header
     */
    public String token(TokenKind kind) {
        return service.issueToken(TenkiService.TokenKind.valueOf(kind.name()), DEFAULT_ACCOUNT);
    }

    /**
     * A token of this kind for a new account that owns nothing, e.g. to be refused with {@code permission_denied}
     * (403) on the default account's sessions; pass it to {@link #createSession(String)} to give the account sessions.
     *
     * @param kind the kind of token
     * @return a new token with the kind's prefix, valid only in the kind's header
     */
    public String newAccountToken(TokenKind kind) {
        String account;
        synchronized (this) {
            account = "account-" + (++accounts);
        }
        return service.issueToken(TenkiService.TokenKind.valueOf(kind.name()), account);
    }

    /**
     * Revokes a token: the API answers {@code unauthenticated} and the gateway 401 from now on.
     *
     * @param token a token this fake issued; revoking one twice, or an unknown one, does nothing
     */
    public void revokeToken(String token) {
        service.revokeToken(Objects.requireNonNull(token, "token"));
    }

    /**
     * Makes a running session for the default account.
     *
     * @return the session's id, a UUID
     */
    public String createSession() {
        return createFor(DEFAULT_ACCOUNT);
    }

    /**
     * Makes a running session for the account of a token from {@link #newAccountToken} (or {@link #token}).
     *
     * @param ownerToken a token of the account to own it
     * @return the session's id, a UUID
     */
    public String createSession(String ownerToken) {
        return createFor(service.accountOf(Objects.requireNonNull(ownerToken, "ownerToken")));
    }

    private String createFor(String account) {
        if (account == null) {
            throw new IllegalArgumentException("The token is not one of this fake's");
        }
        try {
            return service.createSession(account, sessionTtl).id();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the session's directory", e);
        }
    }

    /**
     * Pauses a session: mints answer {@code failed_precondition}, upgrades 409, and its open tunnels are cut.
     *
     * @param sessionId the session's id
     */
    public void pauseSession(String sessionId) {
        session(sessionId).setStatus(GatewaySession.Status.PAUSED);
    }

    /**
     * Resumes a paused session.
     *
     * @param sessionId the session's id
     */
    public void resumeSession(String sessionId) {
        session(sessionId).setStatus(GatewaySession.Status.RUNNING);
    }

    /**
     * Stops a session for good, as Tenki's terminate does: refused as a paused one is, and it does not come back.
     *
     * @param sessionId the session's id
     */
    public void terminateSession(String sessionId) {
        session(sessionId).setStatus(GatewaySession.Status.STOPPED);
    }

    /**
     * The directory that a session's commands and SFTP see as home.
     *
     * @param sessionId the session's id
     * @return the session's directory
     */
    public Path sessionDirectory(String sessionId) {
        return session(sessionId).directory();
    }

    /**
     * The 127.0.0.1 port of a session's SSH server, for tests that bypass the gateway. Clients reach it only through
     * the WebSocket.
     *
     * @param sessionId the session's id
     * @return the session's SSH server port on 127.0.0.1
     */
    public int sshPortForTests(String sessionId) {
        return session(sessionId).sshPort();
    }

    /** {@return the SSH user of every session, {@code tenki}} */
    public String sshUsername() {
        return TenkiService.USERNAME;
    }

    /**
     * The principal a certificate for the session carries, {@code session:<id>}.
     *
     * @param sessionId the session's id
     * @return {@code session:} and the session's id
     */
    public String principal(String sessionId) {
        return "session:" + session(sessionId).id();
    }

    /**
     * How many certificates the API minted for a session.
     *
     * @param sessionId the session's id
     * @return the count
     */
    public long certificatesMinted(String sessionId) {
        return session(sessionId).certificatesMinted();
    }

    /**
     * What the gateway relayed for a session so far.
     *
     * @param sessionId the session's id
     * @return the bytes relayed each way and the tunnels opened and still open, counted since the session was made
     */
    public Traffic traffic(String sessionId) {
        return Traffic.of(session(sessionId));
    }

    /** {@return the user CA's public key, the {@code caPub} of every mint answer} */
    public PublicKey userCaPublicKey() {
        return service.userCaPublicKey();
    }

    /** {@return the gateway's current host key, which every session's SSH server presents, plain} */
    public PublicKey gatewayHostKey() {
        return service.gatewayHostKey();
    }

    /** {@return the gateway's current host key as an OpenSSH public key line, for a known_hosts file} */
    public String gatewayHostKeyLine() {
        return PublicKeyEntry.toString(service.gatewayHostKey());
    }

    /**
     * Replaces the gateway's host key with a new one: from now on every key exchange presents it, so a client that
     * pinned the old key must refuse. Connections already open keep their session keys.
     *
     * @return the key presented from now on, for a test to record as the next trusted one
     */
    public PublicKey rotateGatewayHostKey() {
        return service.rotateGatewayHostKey();
    }

    /**
     * A healthy gateway entry whose bridge is this fake under a name for this machine, {@code http://<host>:<port>}.
     *
     * @param host a name that resolves to 127.0.0.1, e.g. {@link #EDGE_HOST}, or {@code 127.0.0.1}
     * @return the entry
     */
    public Gateway gateway(String host) {
        return Gateway.healthy("gw-" + host, apiUrl(host));
    }

    /**
     * Sets what {@code ListActiveSSHGateways} lists from now on (none: an empty answer, which sends a client to the
     * derived URL). By default it lists {@code gateway("127.0.0.1")}. Also ends a {@link #failDiscovery}.
     *
     * @param gateways the gateways, in order
     */
    public void gatewaysListed(Gateway... gateways) {
        gatewaysListed(List.of(gateways));
    }

    /**
     * Sets what {@code ListActiveSSHGateways} lists from now on.
     *
     * @param gateways the gateways, in order
     */
    public void gatewaysListed(List<Gateway> gateways) {
        List<TenkiService.GatewayEntry> entries = new ArrayList<>();
        for (Gateway g : gateways) {
            entries.add(new TenkiService.GatewayEntry(g.gatewayId(), g.region(), g.publicEndpoint(), g.meshEndpoint(),
                    g.lastHeartbeatAt(), g.healthy(), g.wsBridgeEndpoint()));
        }
        service.listGateways(entries);
    }

    /**
     * Makes {@code ListActiveSSHGateways} fail with a Connect error until {@link #gatewaysListed} is called, e.g.
     * {@code "unimplemented"} as an older engine would: a client must fall back to the derived URL.
     *
     * @param connectCode the Connect code, e.g. {@code unavailable}, {@code unimplemented}, {@code internal}
     */
    public void failDiscovery(String connectCode) {
        service.failDiscovery(connectCode, "discovery failed (injected)");
    }

    /**
     * Makes the next {@code count} mints by a valid token fail with a Connect error, e.g. {@code "resource_exhausted"}
     * as a rate limit, or {@code "unavailable"}; mints after those answer normally.
     *
     * @param connectCode the Connect code the mints fail with
     * @param count       how many mints fail
     */
    public void failMints(String connectCode, int count) {
        service.failMints(connectCode, count);
    }

    /** {@return every WebSocket upgrade the gateway has seen, oldest first} */
    public List<Upgrade> upgrades() {
        List<Upgrade> all = new ArrayList<>();
        for (TenkiService.Upgrade u : service.upgrades()) {
            all.add(new Upgrade(u.host(), u.path(), u.credential() == null ? null
                    : TokenKind.valueOf(u.credential().name()), u.status()));
        }
        return all;
    }

    private GatewaySession session(String sessionId) {
        GatewaySession session = service.session(Objects.requireNonNull(sessionId, "sessionId"));
        if (session == null) {
            throw new IllegalArgumentException("The Tenki fake has no session " + sessionId);
        }
        return session;
    }

    /** Stops the listener and every session (closing their connections and removing their directories). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            service.close();
            if (ownsRoot) {
                Files.deleteIfExists(root);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop the Tenki fake cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the Tenki fake", e);
        }
    }

    @Override
    public String toString() {
        return "TenkiFake{api=" + apiUrl() + "}";
    }

    /** Configures a {@link TenkiFake}. */
    public static final class Builder {
        private Path root;
        private Duration lifetime = Duration.ofSeconds(600);
        private Duration renewalAfter = Duration.ofSeconds(400);
        private Duration sessionTtl = Duration.ofHours(24);
        private Permissions permissions = Permissions.DEFAULT;

        private Builder() {
        }

        /**
         * Where session directories are made; default a new temporary directory removed on close.
         *
         * @param root the directory under which each session gets one of its own; made if missing
         * @return this builder
         */
        public Builder directory(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * The policy's longest certificate: what a mint without {@code requestedTtl} (or with a longer one) gets.
         * Default 600 s. Certificates are valid from a minute before the mint (clock skew) to {@code expiresAt}.
         *
         * @param lifetime a positive duration of whole seconds
         * @return this builder
         */
        public Builder certificateLifetime(Duration lifetime) {
            this.lifetime = wholeSeconds(lifetime, "certificateLifetime");
            return this;
        }

        /**
         * The {@code renewalAfter} of mint answers: how long after the mint a client should fetch a new certificate.
         * Default 400 s; for a certificate shorter than it, two thirds of the certificate's life.
         *
         * @param renewalAfter a positive duration
         * @return this builder
         */
        public Builder renewalAfter(Duration renewalAfter) {
            Objects.requireNonNull(renewalAfter, "renewalAfter");
            if (renewalAfter.isNegative() || renewalAfter.isZero()) {
                throw new IllegalArgumentException("renewalAfter must be positive, got " + renewalAfter);
            }
            this.renewalAfter = renewalAfter;
            return this;
        }

        /**
         * What the sessions live for before they stop by themselves. Default 24 h.
         *
         * @param ttl a positive duration
         * @return this builder
         */
        public Builder sessionTtl(Duration ttl) {
            this.sessionTtl = wholeSeconds(ttl, "sessionTtl");
            return this;
        }

        /**
         * What certificates permit. Default {@link Permissions#DEFAULT}.
         *
         * @param permissions what the answers' {@code permissions} say and the certificates' extensions grant
         * @return this builder
         */
        public Builder permissions(Permissions permissions) {
            this.permissions = Objects.requireNonNull(permissions, "permissions");
            return this;
        }

        private static Duration wholeSeconds(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.getNano() != 0) {
                throw new IllegalArgumentException(name + " must be a positive whole number of seconds, got " + value);
            }
            return value;
        }

        /**
         * Starts the fake on 127.0.0.1.
         *
         * @return the running fake
         */
        public TenkiFake start() {
            if (renewalAfter.compareTo(lifetime) >= 0) {
                throw new IllegalArgumentException("renewalAfter (" + renewalAfter + ") must be shorter than the"
                        + " certificateLifetime (" + lifetime + ")");
            }
            try {
                return new TenkiFake(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the Tenki fake", e);
            }
        }
    }
}
