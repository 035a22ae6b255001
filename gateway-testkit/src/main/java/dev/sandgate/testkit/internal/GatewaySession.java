package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.netty.channel.Channel;

/** One sandbox session of the LocalGateway: its state, its directory, its SSH server and its open tunnels. */
public final class GatewaySession {
    /** The session's life state, as the API reports it. */
    public enum Status {
        RUNNING,
        PAUSED,
        STOPPED
    }

    final String id;
    final String ownerToken;
    final Instant createdAt;
    final Instant expiresAt;
    final String image;
    final Map<String, String> metadata;
    final Path directory;
    final SessionSshServer ssh;
    volatile Instant lastActivityAt;
    private volatile Status status = Status.RUNNING;

    final AtomicLong bytesToSession = new AtomicLong();
    final AtomicLong bytesFromSession = new AtomicLong();
    final AtomicLong tunnelsOpened = new AtomicLong();
    final AtomicLong tunnelsReattached = new AtomicLong();
    final AtomicLong certificatesMinted = new AtomicLong();
    private final Set<Channel> tunnels = ConcurrentHashMap.newKeySet();
    private final Set<ResumableRelay> relays = ConcurrentHashMap.newKeySet();
    private final Set<String> tunnelCredentials = ConcurrentHashMap.newKeySet();

    GatewaySession(String id, String ownerToken, Instant createdAt, Instant expiresAt, String image,
            Map<String, String> metadata, Path directory, SessionSshServer ssh) {
        this.id = id;
        this.ownerToken = ownerToken;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.lastActivityAt = createdAt;
        this.image = image;
        this.metadata = Map.copyOf(metadata);
        this.directory = directory;
        this.ssh = ssh;
    }

    public String id() {
        return id;
    }

    public Path directory() {
        return directory;
    }

    public int sshPort() {
        return ssh.port();
    }

    public java.security.PublicKey hostKey() {
        return ssh.hostKey();
    }

    public void rotateHostKey() {
        ssh.rotateHostKey();
    }

    public long bytesToSession() {
        return bytesToSession.get();
    }

    public long bytesFromSession() {
        return bytesFromSession.get();
    }

    public long tunnelsOpened() {
        return tunnelsOpened.get();
    }

    public long tunnelsReattached() {
        return tunnelsReattached.get();
    }

    public long certificatesMinted() {
        return certificatesMinted.get();
    }

    /**
     * Open tunnel connections: both sides of each tunnel, so two for a tunnel in use and one for a resumable tunnel
     * waiting to be re-attached (its connection to the SSH server).
     */
    public int openTunnels() {
        int open = tunnels.size();
        for (ResumableRelay relay : relays) {
            open += relay.attached() ? 2 : 1;
        }
        return open;
    }

    /** Stops relaying the session's resumable tunnels without closing their connections (see LocalGateway). */
    public void silenceTunnels() {
        relays.forEach(ResumableRelay::silence);
    }

    /** Whether every resumable tunnel of the session has a client connection attached (none is re-attaching). */
    public boolean tunnelsAttached() {
        for (ResumableRelay relay : relays) {
            if (!relay.attached()) {
                return false;
            }
        }
        return true;
    }

    /** A resumable tunnel: it ends when the session stops running. */
    void trackRelay(ResumableRelay relay) {
        relays.add(relay);
        if (status() != Status.RUNNING) {
            relay.abort();
        }
    }

    void forgetRelay(ResumableRelay relay) {
        relays.remove(relay);
    }

    /**
     * Cuts the client side of every tunnel, as a network drop would: a plain tunnel ends, a resumable one waits to be
     * re-attached.
     */
    public void cutTunnels() {
        relays.forEach(ResumableRelay::cut);
        for (Channel channel : tunnels) {
            channel.close();
        }
    }

    public Status status() {
        if (status == Status.RUNNING && Instant.now().isAfter(expiresAt)) {
            return Status.STOPPED;
        }
        return status;
    }

    /**
     * Serves the session's next SFTP channels with a hostile server misbehaving as these faults say, or, when
     * {@code faults} is null, with MINA's faithful one again.
     */
    public void serveSftp(java.util.List<SftpFaultRule> faults) {
        ssh.serveSftp(faults == null ? null : new HostilePlan(directory.toAbsolutePath().toString(), faults));
    }

    /** Ends every process the session's commands started (the session expired, and nothing may run on). */
    void killProcesses() {
        ssh.killProcesses();
    }

    /** Whether it is past its expiry time and has not been stopped for that yet. */
    boolean isExpiredButNotStopped() {
        return status != Status.STOPPED && Instant.now().isAfter(expiresAt);
    }

    /** A session that stops running (paused or stopped) cuts its open tunnels, as a real sandbox's would go away. */
    public void setStatus(Status status) {
        this.status = status;
        if (status != Status.RUNNING) {
            relays.forEach(ResumableRelay::abort);
            for (Channel channel : tunnels) {
                channel.close();
            }
        }
    }

    boolean isRunning() {
        return status() == Status.RUNNING;
    }

    /** Tracks a gateway-side tunnel channel so that deleting the session cuts it. */
    void track(Channel channel) {
        tunnels.add(channel);
        channel.closeFuture().addListener(f -> tunnels.remove(channel));
        if (status() != Status.RUNNING) {
            // paused or stopped while this tunnel was being set up
            channel.close();
        }
    }

    /** Makes a credential that opens tunnels to this session only, as a mint answer hands it out. */
    String issueTunnelCredential() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        String credential = "stc_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tunnelCredentials.add(credential);
        return credential;
    }

    boolean acceptsTunnelCredential(String credential) {
        return credential != null && tunnelCredentials.contains(credential);
    }

    void touch() {
        lastActivityAt = Instant.now();
    }

    /** Stops the session: cuts its tunnels, stops its SSH server and removes its directory. */
    void stop() throws IOException {
        status = Status.STOPPED;
        relays.forEach(ResumableRelay::abort);
        for (Channel channel : tunnels) {
            channel.close();
        }
        ssh.close();
        if (Files.exists(directory)) {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
