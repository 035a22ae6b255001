package dev.sandgate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.GlobalRequestFuture;
import org.apache.sshd.common.util.buffer.Buffer;

import dev.sandgate.testkit.LocalGatewayProcess;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * Many connections at once from one {@link SandboxSsh} to one LocalGateway running in a JVM of its own, so that this
 * JVM's threads and memory are the client's alone: the connect rate, a round trip on every connection and an {@code
 * echo} on every one or every tenth (latency p50 and p99), the client's peak platform threads, and the heap and
 * resident memory each idle connection adds.
 */
final class FleetBenchmark {
    private static final int WORKERS = 16;
    private static final String KEEPALIVE = "keepalive@openssh.com";

    private final Results results;

    FleetBenchmark(Results results) {
        this.results = results;
    }

    void run(List<Integer> counts) throws Exception {
        try (LocalGatewayProcess gateway = LocalGatewayProcess.start("-Xmx8g")) {
            for (int count : counts) {
                for (String transport : List.of("connect", "websocket")) {
                    try {
                        measure(gateway, transport, count);
                    } catch (Exception | OutOfMemoryError e) {
                        System.out.println(count + " connections over " + transport + " failed: " + e);
                        record(count + " connections: failed", transport, 1, "-", e.toString());
                    }
                }
            }
        }
    }

    private void measure(LocalGatewayProcess gateway, String transportName, int count) throws Exception {
        TransportKind transport = transportName.equals("websocket") ? TransportKind.WEB_SOCKET
                : TransportKind.HTTP_CONNECT;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String workload = count + " connections";
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).transport(transport)
                .build()) {
            try (SshConnection first = ssh.connect(gateway.sessionId())) {
                first.exec("echo warm");
            }
            settle();
            long heapBefore = heapUsed();
            long residentBefore = SessionBenchmark.residentKib();
            threads.resetPeakThreadCount();
            List<SshConnection> open = new ArrayList<>();
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
            try {
                long started = System.nanoTime();
                List<Future<SshConnection>> connecting = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    connecting.add(workers.submit(() -> ssh.connect(gateway.sessionId())));
                }
                for (Future<SshConnection> connection : connecting) {
                    open.add(connection.get(10, TimeUnit.MINUTES));
                }
                double connectSeconds = (System.nanoTime() - started) / 1e9;
                // every connection makes a round trip to its SSH server; every one (up to 1,000) or every tenth runs
                // echo, a process the LocalGateway spawns: with 10,000 connections open that spawn takes it about
                // 200 ms on these 2 cores (closing the child's copies of its 10,000 descriptors), the client nothing
                int echoEvery = count <= 1000 ? 1 : 10;
                List<Future<long[]>> checks = new ArrayList<>();
                for (int i = 0; i < open.size(); i++) {
                    SshConnection connection = open.get(i);
                    int index = i;
                    checks.add(workers.submit(() -> {
                        long t0 = System.nanoTime();
                        roundTrip(connection);
                        long t1 = System.nanoTime();
                        if (index % echoEvery != 0) {
                            return new long[] {t1 - t0, -1};
                        }
                        String word = "echo-" + index;
                        ExecResult result = connection.exec("echo " + word);
                        if (result.exitCode() != 0 || !result.stdoutText().equals(word + "\n")) {
                            throw new IOException("echo on connection " + word + " came back " + result);
                        }
                        return new long[] {t1 - t0, System.nanoTime() - t1};
                    }));
                }
                long[] roundTrips = new long[count];
                List<Long> echoTimes = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    long[] took = checks.get(i).get(30, TimeUnit.MINUTES);
                    roundTrips[i] = took[0];
                    if (took[1] >= 0) {
                        echoTimes.add(took[1]);
                    }
                }
                long[] latencies = echoTimes.stream().mapToLong(Long::longValue).toArray();
                Arrays.sort(roundTrips);
                Arrays.sort(latencies);
                settle();
                double heapKib = (heapUsed() - heapBefore) / 1024.0 / count;
                double residentKib = (SessionBenchmark.residentKib() - residentBefore) / (double) count;
                record(workload + ": connect rate", transportName, count / connectSeconds, "conn/s",
                        WORKERS + " connecting threads, gateway in its own JVM");
                String echoed = (echoEvery == 1 ? "every connection" : "every " + echoEvery + "th connection")
                        + ", " + WORKERS + " at a time, all open";
                record(workload + ": round trip p50", transportName, roundTrips[count / 2] / 1e6, "ms",
                        "SSH global request on every connection, " + WORKERS + " at a time, all open");
                record(workload + ": round trip p99", transportName, roundTrips[count * 99 / 100] / 1e6, "ms",
                        "SSH global request on every connection, " + WORKERS + " at a time, all open");
                record(workload + ": echo p50", transportName, latencies[latencies.length / 2] / 1e6, "ms", echoed);
                record(workload + ": echo p99", transportName, latencies[latencies.length * 99 / 100] / 1e6, "ms",
                        echoed);
                record(workload + ": client peak threads", transportName, threads.getPeakThreadCount(),
                        "threads", "platform threads of the client JVM, its " + WORKERS + " workers included");
                record(workload + ": client heap per connection", transportName, heapKib, "KiB",
                        "live heap after GC, idle");
                record(workload + ": client resident per connection", transportName, residentKib, "KiB",
                        "VmRSS growth, idle");
            } finally {
                workers.shutdownNow();
                for (SshConnection connection : open) {
                    connection.close();
                }
            }
        }
    }

    /** Keeps a figure for the table and prints it at once, so a long run shows its progress. */
    private void record(String workload, String transport, double value, String unit, String what) {
        results.measured(workload, transport, value, unit, what);
        System.out.printf(java.util.Locale.ROOT, "%s, %s: %.4g %s (%s)%n", workload, transport, value, unit, what);
    }

    /** A round trip through the tunnel to the SSH server that spawns nothing: a global request it answers. */
    private static void roundTrip(SshConnection connection) throws Exception {
        ClientSession session = connection.liveClientSession();
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString(KEEPALIVE);
        request.putBoolean(true);
        GlobalRequestFuture reply = session.request(request, KEEPALIVE, null);
        if (!reply.await(Duration.ofMinutes(2)) || reply.getException() != null) {
            throw new IOException("no answer to a global request within 2 minutes", reply.getException());
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }
}
