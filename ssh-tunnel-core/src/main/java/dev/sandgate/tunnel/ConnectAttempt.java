package dev.sandgate.tunnel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;

import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.AttemptContext;
import dev.sandgate.tunnel.internal.ConnectionRecord;
import dev.sandgate.tunnel.internal.SandgateEvents;
import dev.sandgate.tunnel.internal.HostCheck;
import dev.sandgate.tunnel.internal.HostRefusal;
import dev.sandgate.tunnel.internal.TunnelCounters;

/**
 * One connect to one session, step by step in {@link #run()}: the login (a certificate minted for a key, or a key or
 * certificate the user has), the endpoint, the tunnel's auth and the host trust, each from the provider's
 * {@link ConnectSteps}; then the tunnel, the SSH key exchange with the host check, and the login itself, all within
 * one {@code connectTimeout}. It keeps what happened on the way (the transport's own failure, why the host was
 * refused) so that {@link SshFailures} names a failure from these facts, never from MINA's futures or messages.
 */
final class ConnectAttempt implements AttemptContext {
    /** The transport keeps to its time limit itself; this margin lets its own, more telling, failure arrive first. */
    private static final Duration TRANSPORT_REPORT_MARGIN = Duration.ofMillis(250);

    private final ConnectPipeline pipeline;
    private final String sessionId;
    private final long deadline;
    private final ConnectionRecord record = new ConnectionRecord();
    private Login login;
    private TunnelRequest request;
    private volatile HostCheck hostCheck;
    private volatile Tunnel tunnel;
    private volatile IOException tunnelNotOpened;
    private volatile HostRefusal hostKeyRefusal;
    private volatile PublicKey refusedKey;
    /** When the tunnel was open (System.nanoTime), for the connect event's phases. */
    private volatile long tunnelOpened;

    ConnectAttempt(ConnectPipeline pipeline, String sessionId) {
        this.pipeline = pipeline;
        this.sessionId = sessionId;
        this.deadline = System.nanoTime() + pipeline.connectTimeout().toNanos();
    }

    /** Runs the steps, recording a {@code dev.sandgate.Connect} event; throws what {@link SandboxSsh#connect} promises. */
    Link run() throws IOException {
        SandgateEvents.Connect event = new SandgateEvents.Connect();
        event.begin();
        long started = System.nanoTime();
        try {
            Link link = run(event);
            pipeline.stats().connectFinished(sessionId, started, null);
            return link;
        } catch (IOException | RuntimeException e) {
            event.failure = SandgateEvents.kind(e);
            pipeline.stats().connectFinished(sessionId, started, e);
            throw e;
        } finally {
            if (event.shouldCommit()) {
                event.sessionId = sessionId;
                Tunnel opened = tunnel;
                event.tunnel = opened == null ? "" : opened.description();
                event.commit();
            }
        }
    }

    private Link run(SandgateEvents.Connect event) throws IOException {
        ConnectSteps steps = pipeline.steps();
        long started = System.nanoTime();
        // 1. login: a certificate minted for a fresh key (cached, renewed), or the user's own key or certificate
        login = steps.login().source().login(sessionId, pipeline.connectTimeout());
        event.login = System.nanoTime() - started;
        Optional<IssuedCertificate> minted = login.minted();
        // 2. endpoint: the mint answer's, discovered, derived or given
        Endpoints endpoints = steps.endpoints().endpoints(sessionId, minted);
        // 3. tunnel auth: the session's own tunnel credential, the account token, or what the user set
        TunnelAuth auth = steps.tunnelAuth().tunnelAuth(sessionId, minted);
        // 4. host trust: how the verifier will recognise the session's SSH server
        hostCheck = steps.hostTrust().check(sessionId, minted, endpoints);
        request = new TunnelRequest(sessionId, endpoints, auth, timeLeft("before the tunnel was opened"));
        long opening = System.nanoTime();
        ClientSession session = openSession(endpoints);
        event.tunnelOpen = tunnelOpened - opening;
        try {
            logIn(session);
            event.handshake = System.nanoTime() - tunnelOpened;
        } catch (AuthenticationException refused) {
            // the server no longer takes this certificate (a rotated CA, a revoked serial): the next connect mints anew
            steps.login().source().refused(sessionId);
            throw refused;
        }
        pipeline.keepAlive(session, record);
        return new Link(session, login.issued(), tunnel.description(), record);
    }

    /** The tunnel (opened by MINA's connector, through {@link #openTunnel}) and the SSH session over it. */
    private ClientSession openSession(Endpoints endpoints) throws IOException {
        ConnectFuture future = pipeline.client().connect(login.username(), hostAddress(endpoints),
                asConnectionContext(), null);
        try {
            return future.verify(request.timeLimit().plus(TRANSPORT_REPORT_MARGIN)).getSession();
        } catch (IOException e) {
            future.cancel();
            throw SshFailures.tunnel(this, e);
        }
    }

    /** The key exchange (with the host check) and the login; the login waits for the key exchange, one limit bounds both. */
    private void logIn(ClientSession session) throws IOException {
        try {
            session.addPublicKeyIdentity(login.identity());
            session.auth().verify(timeLeft("before the SSH handshake"));
        } catch (IOException e) {
            session.close(true);
            throw SshFailures.handshake(this, session, e);
        }
    }

    @Override
    public Tunnel openTunnel() throws IOException {
        try {
            Transport transport = pipeline.transports().forEndpoints(request.endpoints());
            tunnel = ObservedTunnel.open(transport, request, pipeline.tunnelListener(),
                    pipeline.connectionListener(), record);
            tunnelOpened = System.nanoTime();
            return tunnel;
        } catch (IOException e) {
            tunnelNotOpened = e;
            throw e;
        }
    }

    @Override
    public TunnelCounters tunnelCounters() {
        return pipeline.stats().tunnels();
    }

    @Override
    public HostCheck hostCheck() {
        return hostCheck;
    }

    @Override
    public void hostKeyRefused(HostRefusal refusal, PublicKey presentedKey) {
        refusedKey = presentedKey;
        hostKeyRefusal = refusal;
    }

    @Override
    public ConnectionRecord record() {
        return record;
    }

    String sessionId() {
        return sessionId;
    }

    Login login() {
        return login;
    }

    Duration limit() {
        return pipeline.connectTimeout();
    }

    /** The transport's own failure to open the tunnel, as it threw it; null if it opened or is still opening. */
    IOException tunnelNotOpened() {
        return tunnelNotOpened;
    }

    /** Why the host was refused, or null if it was not. */
    HostRefusal hostKeyRefusal() {
        return hostKeyRefusal;
    }

    /** The key the refused host presented, or null. */
    PublicKey refusedKey() {
        return refusedKey;
    }

    boolean timedOut() {
        return System.nanoTime() - deadline >= 0;
    }

    private Duration timeLeft(String when) throws TunnelException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw SshFailures.timedOut(sessionId, limit(), when);
        }
        return Duration.ofNanos(left);
    }

    /**
     * The address MINA sees. Host certificates name the host their server answers for, and MINA compares that name
     * with the connect address, so this is the CONNECT target's host (or the session id when there is none).
     */
    private InetSocketAddress hostAddress(Endpoints endpoints) {
        return endpoints.connect()
                .map(c -> InetSocketAddress.createUnresolved(c.targetHost(), c.targetPort()))
                .orElseGet(() -> InetSocketAddress.createUnresolved(sessionId, 22));
    }
}
