package dev.sandgate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.benchmarks.Peers.Route;
import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * Connection workloads: connect in a warm JVM, a command round trip on an open connection, and many idle sessions
 * at once (resident memory and threads). Connect is compared with MINA's stock client, direct to the same server;
 * the round trip with OpenSSH's ControlMaster direct to sshd; idle sessions with one OpenSSH client process.
 */
final class SessionBenchmark {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The stock client's reference skips host checking (a saving Sandgate does not take), and says nothing. */
    private static final ServerKeyVerifier ANY_HOST = (session, address, key) -> true;

    private final Peers peers;
    private final Results results;
    private final Path work;

    SessionBenchmark(Peers peers, Results results, Path work) {
        this.peers = peers;
        this.results = results;
        this.work = work;
    }

    /** Connect and round trips over the LocalGateway's two tunnels, against MINA's stock client direct. */
    void localGateway(int connects, int commands) throws Exception {
        try (LocalGateway gateway = LocalGateway.start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
             SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(ANY_HOST);
            mina.start();
            KeyPair key = SshKeys.generate();
            String reused = api.createSession(NewSession.builder().build()).id();
            for (String path : List.of("localgateway connect", "localgateway websocket")) {
                TransportKind transport = path.endsWith("websocket") ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT;
                try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                        .transport(transport).build()) {
                    // each connect goes to a session of its own, so each one mints its certificate
                    for (int i = -connects / 4; i < connects; i++) {
                        String session = api.createSession(NewSession.builder().build()).id();
                        // the stock client's certificate is signed beforehand, outside its timing: it mints nothing
                        KeyPair identity = certifiedFor(gateway, key, session);
                        double ours = Timing.millis(() -> ssh.connect(session).close());
                        double theirs = Timing.millis(() -> minaConnect(mina, identity, gateway.sshUsername(),
                                gateway.sshPortForTests(session)).close());
                        if (i >= 0) {
                            results.sandgate("connect (mint, tunnel, kex, auth)", path, ours, "ms");
                            results.reference("connect (mint, tunnel, kex, auth)", path, theirs, "ms",
                                    "MINA stock client, direct, no mint");
                        }
                        api.deleteSession(session);
                    }
                    try (SshConnection connection = ssh.connect(reused)) {
                        roundTrips(connection, path, commands);
                    }
                }
            }
        }
    }

    /** Connect and round trips to sshd on each route; the reference is MINA's stock client direct to the same sshd. */
    void openSsh(List<Route> routes, int connects, int commands) throws Exception {
        try (SshClient mina = SshClient.setUpDefaultClient()) {
            mina.setServerKeyVerifier(ANY_HOST);
            mina.start();
            KeyPair identity = peers.identity();
            for (Route route : routes) {
                try (SandboxSsh ssh = peers.sandgate(route)) {
                    for (int i = -connects / 4; i < connects; i++) {
                        double ours = Timing.millis(() -> ssh.connect(Peers.SESSION).close());
                        double theirs = Timing.millis(() -> minaConnect(mina, identity, peers.user(),
                                peers.port("sshd.a.port")).close());
                        if (i >= 0) {
                            results.sandgate("connect (tunnel, kex, auth)", route, ours, "ms");
                            results.reference("connect (tunnel, kex, auth)", route, theirs, "ms",
                                    "MINA stock client, direct");
                        }
                    }
                    try (SshConnection connection = ssh.connect(Peers.SESSION)) {
                        roundTrips(connection, route.toString(), commands);
                    }
                }
            }
        }
    }

    private static KeyPair certifiedFor(LocalGateway gateway, KeyPair key, String session) {
        Instant now = Instant.now();
        SshCertificate certificate = SshCertificate.parse(gateway.signUserCertificate(key.getPublic(),
                List.of(session), now.minusSeconds(60), now.plus(Duration.ofHours(1))));
        return new KeyPair(certificate.asOpenSshCertificate(), key.getPrivate());
    }

    private static ClientSession minaConnect(SshClient client, KeyPair identity, String user, int port)
            throws IOException {
        ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    private void roundTrips(SshConnection connection, String path, int commands) throws Exception {
        for (int i = -commands / 4; i < commands; i++) {
            double ours = Timing.millis(() -> connection.exec("true").check());
            if (i >= 0) {
                results.sandgate("command round trip (exec true)", path, ours, "ms");
            }
        }
        for (double reference : controlMasterRoundTrips(commands)) {
            results.reference("command round trip (exec true)", path, reference, "ms",
                    "OpenSSH ControlMaster, direct");
        }
    }

    private List<Double> controlMasterRoundTrips = null;

    /** {@code ssh -S socket host true} through a running master, direct to sshd A; measured once per run. */
    private List<Double> controlMasterRoundTrips(int commands) throws Exception {
        if (controlMasterRoundTrips == null) {
            List<Double> times = new ArrayList<>();
            try (OpenSshMaster master = OpenSshMaster.start(peers, work)) {
                for (int i = -commands / 8; i < commands / 4; i++) {
                    double time = Timing.millis(master::runTrue);
                    if (i >= 0) {
                        times.add(time);
                    }
                }
                openSshClientKib = master.residentKib();
            }
            controlMasterRoundTrips = times;
        }
        return controlMasterRoundTrips;
    }

    private long openSshClientKib = -1;

    /**
     * Opens {@code count} authenticated sessions to sshd A at once (direct TCP) and reports the resident memory and
     * threads each one added to this JVM, next to one OpenSSH client process.
     */
    void idleSessions(int count) throws Exception {
        if (openSshClientKib < 0) {
            try (OpenSshMaster master = OpenSshMaster.start(peers, work)) {
                openSshClientKib = master.residentKib();
            }
        }
        try (SandboxSsh ssh = peers.sandgate(Route.DIRECT)) {
            ssh.connect(Peers.SESSION).close();
            waitForIdlePoolThreadsToEnd();
            settle();
            long rssBefore = residentKib();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<SshConnection> open = new ArrayList<>();
            ExecutorService opener = Executors.newFixedThreadPool(8);
            try {
                List<Future<SshConnection>> pending = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    pending.add(opener.submit(() -> ssh.connect(Peers.SESSION)));
                }
                for (Future<SshConnection> future : pending) {
                    open.add(future.get());
                }
                opener.shutdown();
                if (!opener.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IOException("the threads that opened the sessions did not end");
                }
                waitForIdlePoolThreadsToEnd();
                settle();
                long rssAfter = residentKib();
                int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
                System.out.println("threads with " + count + " idle sessions open, by name: " + threadNames());
                String workload = count + " idle sessions, per session";
                results.sandgate(workload + ": resident memory", "direct", (rssAfter - rssBefore) / (double) count,
                        "KiB");
                results.reference(workload + ": resident memory", "direct", openSshClientKib, "KiB",
                        "one OpenSSH ssh client process");
                results.sandgate(workload + ": threads", "direct", (threadsAfter - threadsBefore) / (double) count,
                        "threads");
                results.reference(workload + ": threads", "direct", 1, "threads", "one OpenSSH ssh client process");
            } finally {
                opener.shutdownNow();
                for (SshConnection connection : open) {
                    connection.close();
                }
            }
        }
    }

    /** Live threads counted by name, digits folded: what the thread figure is made of. */
    private static java.util.Map<String, Long> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().collect(java.util.stream.Collectors.groupingBy(
                thread -> thread.getName().replaceAll("[0-9a-f]{6,}|[0-9]+", "N"), java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    /**
     * Idle means idle: the pooled {@code sandgate-io-*} threads that connecting started end after 5 s without work
     * (SandboxSsh), so both counts are taken once they have.
     */
    private static void waitForIdlePoolThreadsToEnd() throws InterruptedException {
        Thread.sleep(6000);
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    static long residentKib() throws IOException {
        return residentKib(Path.of("/proc/self/status"));
    }

    static long residentKib(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException(status + " has no VmRSS line");
    }
}
