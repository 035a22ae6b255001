package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** The LocalGateway's state: its CAs, bearer tokens and sessions. Thread-safe. */
public final class SessionRegistry implements AutoCloseable {
    /** The user every session's SSH server expects. */
    public static final String USERNAME = "sandbox";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Signer userCa = Signer.generate();
    private final Signer hostCa;
    private final Signer sshServerHostCa;
    private final boolean weakAlgorithmsOnly;
    private final boolean tunnelCredentials;
    private final boolean hostPrincipals;
    private final boolean pinsHostKeys;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService expiry;
    private final ExecutorService pumps;
    /** The one SSH server of all sessions. */
    private final SharedSshServer ssh;

    /** What the sessions' SSH servers present as their host key. */
    public enum HostKeys {
        /** A host certificate from the CA the API names: the normal case. */
        CERTIFIED,
        /** A host certificate from a CA the API does not name, as an impostor would. */
        FOREIGN_CA,
        /** A plain host key, no certificate. */
        PLAIN,
        /** A plain host key, no certificate, that the API pins in each mint answer ({@code host_public_keys}). */
        PINNED,
        /** A host certificate from the CA the API names, with no principals: valid for any host name. */
        CERTIFIED_WITHOUT_PRINCIPALS,
        /** A host certificate from the CA the API names, an RSA CA signing with SHA-1 ({@code ssh-rsa}). */
        CERTIFIED_WITH_SHA1
    }

    /**
     * @param root     where session directories are made
     * @param hostKeys what the SSH servers present as their host key
     */
    public SessionRegistry(Path root, HostKeys hostKeys) {
        this(root, hostKeys, false);
    }

    /** @param weakAlgorithmsOnly whether the sessions' SSH servers offer only SHA-1 and CBC algorithms */
    public SessionRegistry(Path root, HostKeys hostKeys, boolean weakAlgorithmsOnly) {
        this(root, hostKeys, weakAlgorithmsOnly, false);
    }

    /**
     * @param tunnelCredentials whether mints hand out a per-session tunnel credential, and tunnels accept only it
     *                          (never the account token)
     */
    public SessionRegistry(Path root, HostKeys hostKeys, boolean weakAlgorithmsOnly, boolean tunnelCredentials) {
        this.root = root;
        this.tunnelCredentials = tunnelCredentials;
        this.weakAlgorithmsOnly = weakAlgorithmsOnly;
        this.hostCa = hostKeys == HostKeys.CERTIFIED_WITH_SHA1 ? Signer.rsaWithSha1() : Signer.generate();
        switch (hostKeys) {
            case FOREIGN_CA: this.sshServerHostCa = Signer.generate(); break;
            case PLAIN:
            case PINNED:
                this.sshServerHostCa = null;
                break;
            default: this.sshServerHostCa = hostCa;
        }
        this.hostPrincipals = hostKeys != HostKeys.CERTIFIED_WITHOUT_PRINCIPALS;
        this.pinsHostKeys = hostKeys == HostKeys.PINNED;
        try {
            this.ssh = new SharedSshServer(weakAlgorithmsOnly, sshServerHostCa != null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("The gateway's SSH server did not start", e);
        }
        AtomicInteger threads = new AtomicInteger();
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "local-gateway-exec-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "local-gateway-expiry");
            thread.setDaemon(true);
            return thread;
        });
        // a session past its expires_at stops, cutting its connections, as a real sandbox's would
        expiry.scheduleWithFixedDelay(this::stopExpired, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void stopExpired() {
        for (GatewaySession session : sessions.values()) {
            if (session.isExpiredButNotStopped()) {
                session.setStatus(GatewaySession.Status.STOPPED);
                session.killProcesses();
            }
        }
    }

    /** Makes a new bearer token that the gateway accepts. */
    public String issueToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = "lgw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tokens.add(token);
        return token;
    }

    public boolean isValidToken(String token) {
        return token != null && tokens.contains(token);
    }

    /** Whether mints hand out per-session tunnel credentials, and tunnels accept only those. */
    private volatile boolean grantsPortForwarding = true;

    /** Whether mints grant port forwarding (the answer's permission and the certificate's extension agree). */
    public boolean grantsPortForwarding() {
        return grantsPortForwarding;
    }

    public void grantPortForwarding(boolean grant) {
        this.grantsPortForwarding = grant;
    }

    private volatile boolean grantsPty = true;

    /** Whether mints grant a PTY (the answer's permission and the certificate's extension agree). */
    public boolean grantsPty() {
        return grantsPty;
    }

    public void grantPty(boolean grant) {
        this.grantsPty = grant;
    }

    /** Whether mint answers pin the session's plain host key instead of naming the host CA. */
    public boolean pinsHostKeys() {
        return pinsHostKeys;
    }

    public boolean issuesTunnelCredentials() {
        return tunnelCredentials;
    }

    public Signer userCa() {
        return userCa;
    }

    public Signer hostCa() {
        return hostCa;
    }

    /** @param authorizedKey a public key that may log in without a certificate, or null */
    public GatewaySession create(String ownerToken, Duration ttl, String image, Map<String, String> metadata,
            PublicKey authorizedKey) throws IOException {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        String id = "sess-" + HexFormat.of().formatHex(bytes);
        Path directory = Files.createDirectories(root.resolve(id));
        SessionSshServer server = new SessionSshServer(ssh, id, USERNAME, directory, userCa.publicKey(),
                sshServerHostCa, hostPrincipals, authorizedKey, pumps);
        Instant now = Instant.now();
        GatewaySession session = new GatewaySession(id, ownerToken, now, now.plus(ttl), image, metadata, directory,
                server);
        sessions.put(id, session);
        return session;
    }

    /**
     * Makes a session the way another service names and logs into it: its id, its owner (an account), its SSH user,
     * the principal its certificates must name and the host key its SSH server presents (shared with other sessions,
     * asked at each key exchange, so that it can be rotated).
     */
    GatewaySession create(String id, String owner, Duration ttl, String username, String principal,
            org.apache.sshd.common.keyprovider.KeyPairProvider hostKey) throws IOException {
        if (sessions.containsKey(id)) {
            throw new IllegalArgumentException("There is already a session " + id);
        }
        Path directory = Files.createDirectories(root.resolve(id));
        SessionSshServer server = new SessionSshServer(ssh, id, username, principal, hostKey, directory,
                userCa.publicKey(), null, false, null, pumps);
        Instant now = Instant.now();
        GatewaySession session = new GatewaySession(id, owner, now, now.plus(ttl), "", Map.of(), directory, server);
        sessions.put(id, session);
        return session;
    }

    public GatewaySession get(String id) {
        return id == null ? null : sessions.get(id);
    }

    public List<GatewaySession> list(String ownerToken) {
        List<GatewaySession> owned = new ArrayList<>();
        for (GatewaySession session : sessions.values()) {
            if (session.ownerToken.equals(ownerToken)) {
                owned.add(session);
            }
        }
        owned.sort(Comparator.comparing((GatewaySession s) -> s.createdAt).thenComparing(s -> s.id));
        return owned;
    }

    public boolean delete(String id) throws IOException {
        GatewaySession session = sessions.remove(id);
        if (session == null) {
            return false;
        }
        session.stop();
        return true;
    }

    /** Signs a user certificate for a session: principal is the session id, valid from a minute ago for {@code ttl}. */
    public OpenSshCertificate mint(GatewaySession session, PublicKey key, Duration ttl) {
        Instant now = Instant.now();
        return userCa.signUser(key, "sandgate:" + session.id + ":" + USERNAME, List.of(session.id),
                now.minus(Duration.ofMinutes(1)), now.plus(ttl), grantsPty, grantsPortForwarding);
    }

    @Override
    public void close() throws IOException {
        expiry.shutdownNow();
        IOException failure = null;
        for (String id : List.copyOf(sessions.keySet())) {
            try {
                delete(id);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            ssh.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        pumps.shutdownNow();
        if (failure != null) {
            throw failure;
        }
    }
}
