package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sshd.common.keyprovider.KeyPairProvider;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The state and listener behind {@code TenkiFake}: Tenki's accounts and tokens, its user CA, its gateway's host key,
 * the gateways that discovery lists, and one HTTP listener on 127.0.0.1 that serves both the Connect API and the
 * WebSocket gateway (so that a gateway URL derived from the API's, which keeps the port, reaches it). The sessions
 * and their SSH servers are the LocalGateway's, made the Tenki way: user {@code tenki}, principal
 * {@code session:<id>}, the gateway's plain host key.
 */
public final class TenkiService implements AutoCloseable {
    /** The SSH user of every Tenki session. */
    public static final String USERNAME = "tenki";
    private static final int MAX_REQUEST_BODY = 1024 * 1024;

    /** The kinds of token Tenki takes, each in its own header. */
    public enum TokenKind {
        API_KEY(TenkiAccounts.Carrier.BEARER),
        SESSION_TOKEN(TenkiAccounts.Carrier.SESSION_TOKEN),
        COOKIE(TenkiAccounts.Carrier.COOKIE);

        final TenkiAccounts.Carrier carrier;

        TokenKind(TenkiAccounts.Carrier carrier) {
            this.carrier = carrier;
        }

        static TokenKind of(TenkiAccounts.Carrier carrier) {
            for (TokenKind kind : values()) {
                if (kind.carrier == carrier) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(String.valueOf(carrier));
        }
    }

    /** What a minted certificate lives for and permits. */
    public record Policy(Duration lifetime, Duration renewalAfter, boolean pty, boolean agentForwarding,
            boolean portForwardingLocal, boolean portForwardingRemote, boolean x11Forwarding) {
    }

    /** One entry of ListActiveSSHGateways; null and false fields are left out of the answer, as proto3 JSON does. */
    public record GatewayEntry(String gatewayId, String region, String publicEndpoint, String meshEndpoint,
            Instant lastHeartbeatAt, boolean healthy, String wsBridgeEndpoint) {
    }

    /** A WebSocket upgrade the gateway saw: the Host it named, its path, the token kind that logged in (or null) and the answer. */
    public record Upgrade(String host, String path, TokenKind credential, int status) {
    }

    private final SessionRegistry registry;
    private final TenkiAccounts accounts = new TenkiAccounts();
    private final AtomicReference<KeyPair> gatewayHostKey = new AtomicReference<>(Signer.newEd25519KeyPair());
    private final KeyPairProvider hostKeys = session -> List.of(gatewayHostKey.get());
    private volatile Policy policy;
    private volatile List<GatewayEntry> gateways;
    private volatile String[] discoveryFailure;
    private final java.util.concurrent.atomic.AtomicInteger mintFailuresLeft = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String mintFailureCode;
    private final List<Upgrade> upgrades = new CopyOnWriteArrayList<>();
    private final TenkiConnectApi api;
    private final EventLoopGroup loops;
    private final Channel listener;

    public TenkiService(Path root, Policy policy) throws IOException, InterruptedException {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.registry = new SessionRegistry(root, SessionRegistry.HostKeys.PLAIN);
        this.api = new TenkiConnectApi(this);
        this.loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("tenki-fake-io", true),
                NioIoHandler.newFactory());
        try {
            this.listener = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec());
                            channel.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST_BODY));
                            channel.pipeline().addLast(new TenkiHttpHandler(TenkiService.this));
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            registry.close();
            throw e;
        }
        this.gateways = List.of(new GatewayEntry("gw-local-1", "local", "127.0.0.1:22", "127.0.0.1:8022",
                Instant.now(), true, "http://127.0.0.1:" + port()));
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Makes a token of this kind for the account (any string names an account). */
    public String issueToken(TokenKind kind, String account) {
        return accounts.issue(kind.carrier, Objects.requireNonNull(account, "account"));
    }

    /** The account a token belongs to, or null. */
    public String accountOf(String token) {
        return accounts.accountOf(token);
    }

    public void revokeToken(String token) {
        accounts.revoke(token);
    }

    /** Makes a running session for the account, with a UUID for its id as Tenki's are. */
    public GatewaySession createSession(String account, Duration ttl) throws IOException {
        String id = UUID.randomUUID().toString();
        return registry.create(id, account, ttl, USERNAME, "session:" + id, hostKeys);
    }

    /** The session, or null. */
    public GatewaySession session(String id) {
        return registry.get(id);
    }

    public PublicKey userCaPublicKey() {
        return registry.userCa().publicKey();
    }

    public String userCaPublicKeyLine() {
        return registry.userCa().publicKeyLine();
    }

    Signer userCa() {
        return registry.userCa();
    }

    public PublicKey gatewayHostKey() {
        return gatewayHostKey.get().getPublic();
    }

    /** Replaces the gateway's host key: every key exchange from now on, new connections' and re-keys', shows the new one. */
    public PublicKey rotateGatewayHostKey() {
        KeyPair next = Signer.newEd25519KeyPair();
        gatewayHostKey.set(next);
        return next.getPublic();
    }

    public Policy policy() {
        return policy;
    }

    public void policy(Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public List<GatewayEntry> gateways() {
        return gateways;
    }

    /** What ListActiveSSHGateways lists from now on; it answers normally again if it was failing. */
    public void listGateways(List<GatewayEntry> entries) {
        this.gateways = List.copyOf(entries);
        this.discoveryFailure = null;
    }

    /** Makes ListActiveSSHGateways fail with this Connect code until {@link #listGateways} is called. */
    public void failDiscovery(String code, String message) {
        this.discoveryFailure = new String[] {Objects.requireNonNull(code, "code"), message};
    }

    String[] discoveryFailure() {
        return discoveryFailure;
    }

    /** Makes the next {@code count} mints by a valid token fail with this Connect code. */
    public void failMints(String code, int count) {
        this.mintFailureCode = Objects.requireNonNull(code, "code");
        this.mintFailuresLeft.set(count);
    }

    /** The Connect code this mint fails with, or null; counts the failure. */
    String takeMintFailure() {
        String code = mintFailureCode;
        return code != null && mintFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? code : null;
    }

    public List<Upgrade> upgrades() {
        return List.copyOf(upgrades);
    }

    void recordUpgrade(Upgrade upgrade) {
        upgrades.add(upgrade);
    }

    TenkiAccounts accounts() {
        return accounts;
    }

    TenkiConnectApi api() {
        return api;
    }

    /** The account that owns a session. */
    static String owner(GatewaySession session) {
        return session.ownerToken;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<Exception> failures = new ArrayList<>();
        try {
            // sessions first, while the event loops can still close their tunnels
            registry.close();
        } catch (IOException e) {
            failures.add(e);
        }
        listener.close().sync();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        if (!failures.isEmpty()) {
            IOException failure = new IOException("The Tenki fake did not stop cleanly", failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
