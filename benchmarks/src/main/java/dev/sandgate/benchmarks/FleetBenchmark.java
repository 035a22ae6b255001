package dev.sandgate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.sandgate.testkit.LocalGatewayProcess;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;

/**
 * Many connections at once from one {@link SandboxSsh} to one LocalGateway running in a JVM of its own, so that this
 * JVM's threads and memory are the client's alone: the connect rate, an {@code echo} on every connection (latency p50
 * and p99), the client's peak platform threads, and the heap and resident memory each idle connection adds.
 */
final class FleetBenchmark {
    private static final int WORKERS = 16;

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
                        results.measured(count + " connections: failed", transport, 1, "-", e.toString());
                    }
                }
            }
        }
    }

    private void measure(LocalGatewayProcess gateway, String transportName, int count) throws Exception {
        Transport transport = transportName.equals("websocket") ? Transport.webSocket(TransportOptions.builder().build())
                : Transport.httpConnect(TransportOptions.builder().build());
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
                List<Future<Long>> echoes = new ArrayList<>();
                for (int i = 0; i < open.size(); i++) {
                    SshConnection connection = open.get(i);
                    String word = "echo-" + i;
                    echoes.add(workers.submit(() -> {
                        long t0 = System.nanoTime();
                        ExecResult result = connection.exec("echo " + word);
                        if (result.exitCode() != 0 || !result.stdoutText().equals(word + "\n")) {
                            throw new IOException("echo on connection " + word + " came back " + result);
                        }
                        return System.nanoTime() - t0;
                    }));
                }
                long[] latencies = new long[count];
                for (int i = 0; i < count; i++) {
                    latencies[i] = echoes.get(i).get(10, TimeUnit.MINUTES);
                }
                Arrays.sort(latencies);
                settle();
                double heapKib = (heapUsed() - heapBefore) / 1024.0 / count;
                double residentKib = (SessionBenchmark.residentKib() - residentBefore) / (double) count;
                results.measured(workload + ": connect rate", transportName, count / connectSeconds, "conn/s",
                        WORKERS + " connecting threads, gateway in its own JVM");
                results.measured(workload + ": echo p50", transportName, latencies[count / 2] / 1e6, "ms",
                        WORKERS + " at a time, every connection open");
                results.measured(workload + ": echo p99", transportName, latencies[count * 99 / 100] / 1e6, "ms",
                        WORKERS + " at a time, every connection open");
                results.measured(workload + ": client peak threads", transportName, threads.getPeakThreadCount(),
                        "threads", "platform threads of the client JVM, its " + WORKERS + " workers included");
                results.measured(workload + ": client heap per connection", transportName, heapKib, "KiB",
                        "live heap after GC, idle");
                results.measured(workload + ": client resident per connection", transportName, residentKib, "KiB",
                        "VmRSS growth, idle");
            } finally {
                workers.shutdownNow();
                for (SshConnection connection : open) {
                    connection.close();
                }
            }
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
