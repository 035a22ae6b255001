package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.LocalGatewayProcess;
import dev.sandgate.tunnel.internal.PeerThreads;

/**
 * 2,000 connections open at once from one {@link SandboxSsh}, over each transport, to a LocalGateway in another JVM so
 * that what this JVM holds is the client's alone. Each answers a round trip to its SSH server, and every tenth runs
 * {@code echo} (a process each on this machine, which would otherwise take most of the test's time). On JDK 21 and
 * later the tunnels' readers are virtual threads: the client JVM stays within 64 platform threads whatever the count.
 * On JDK 17 each tunnel has a platform thread, so the bound there is the threads that ran before, one per connection,
 * and 64 more. Either way a connection costs the client at most 100 KiB of heap once idle.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ManyConnectionsTest {
    private static final int CONNECTIONS = Integer.getInteger("sandgate.manyConnections", 2000);
    private static final int OPENERS = 8;
    private static final int ECHO_EVERY = 10;
    private static final String KEEPALIVE = "keepalive@openssh.com";
    private static final int THREADS_BESIDES_TUNNELS = 64;
    private static final long HEAP_PER_CONNECTION = 100 * 1024;

    private static LocalGatewayProcess gateway;

    @BeforeAll
    static void startGateway() throws Exception {
        gateway = LocalGatewayProcess.start("-Xmx2g");
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP CONNECT", "WebSocket"})
    void thousandsOfConnectionsWorkAtOnceWithBoundedThreadsAndMemory(String transportName) throws Exception {
        TransportKind transport = transportName.equals("WebSocket") ? TransportKind.WEB_SOCKET
                : TransportKind.HTTP_CONNECT;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport(transport).build()) {
            // the first connection loads the classes and mints the certificate: the baseline is taken after it
            try (SshConnection first = ssh.connect(gateway.sessionId())) {
                assertEquals("warm\n", first.exec("echo warm").stdoutText());
            }
            long heapBefore = settledHeap(memory);
            int threadsBefore = threads.getThreadCount();
            long residentBefore = residentKib();
            threads.resetPeakThreadCount();
            List<SshConnection> open = new ArrayList<>();
            ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
            try {
                long started = System.nanoTime();
                List<Future<SshConnection>> connecting = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    connecting.add(openers.submit(() -> ssh.connect(gateway.sessionId())));
                }
                for (Future<SshConnection> connection : connecting) {
                    open.add(connection.get(120, TimeUnit.SECONDS));
                }
                double connectSeconds = (System.nanoTime() - started) / 1e9;

                // every connection answers a request of the SSH server's own; every tenth runs a command, which
                // costs the gateway a process
                List<Future<Long>> checks = new ArrayList<>();
                for (int i = 0; i < open.size(); i++) {
                    SshConnection connection = open.get(i);
                    int index = i;
                    checks.add(openers.submit(() -> {
                        long t0 = System.nanoTime();
                        assertTrue(answersARequest(connection), "connection " + index + " answers a request");
                        if (index % ECHO_EVERY == 0) {
                            String word = "echo-" + index;
                            ExecResult result = connection.exec("echo " + word);
                            assertEquals(0, result.exitCode(), word);
                            assertEquals(word + "\n", result.stdoutText(), word);
                        }
                        return System.nanoTime() - t0;
                    }));
                }
                long[] latencies = new long[checks.size()];
                for (int i = 0; i < latencies.length; i++) {
                    latencies[i] = checks.get(i).get(120, TimeUnit.SECONDS);
                }
                Arrays.sort(latencies);
                for (SshConnection connection : open) {
                    assertTrue(connection.isOpen(), "every connection is still open once all have run echo");
                }

                long heapPerConnection = (settledHeap(memory) - heapBefore) / CONNECTIONS;
                int peakThreads = threads.getPeakThreadCount();
                // JDK 21 and later: the whole JVM within 64; JDK 17: what ran before, a reader per connection, and 64
                int threadBound = PeerThreads.virtual() ? THREADS_BESIDES_TUNNELS
                        : threadsBefore + CONNECTIONS + THREADS_BESIDES_TUNNELS;
                System.out.printf("%s, JDK %s, virtual threads %s: %d connections in %.1f s (%.0f/s), round trip (and every"
                        + " tenth an echo) p50 %.1f ms p99 %.1f ms, peak platform threads %d, heap %d KiB and resident %d KiB per connection%n",
                        transportName, Runtime.version().feature(), PeerThreads.virtual(), CONNECTIONS, connectSeconds,
                        CONNECTIONS / connectSeconds, latencies[latencies.length / 2] / 1e6,
                        latencies[latencies.length * 99 / 100] / 1e6, peakThreads, heapPerConnection / 1024,
                        (residentKib() - residentBefore) / CONNECTIONS);
                assertTrue(peakThreads <= threadBound, "peak platform threads " + peakThreads + " > " + threadBound);
                assertTrue(heapPerConnection <= HEAP_PER_CONNECTION,
                        "heap per idle connection " + heapPerConnection / 1024 + " KiB > 100 KiB");
            } finally {
                openers.shutdownNow();
                for (SshConnection connection : open) {
                    connection.close();
                }
            }
        }
    }

    /** Whether the connection's SSH server answers a global request within 60 s: a round trip through the tunnel. */
    private static boolean answersARequest(SshConnection connection) throws Exception {
        ClientSession session = connection.liveClientSession();
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString(KEEPALIVE);
        request.putBoolean(true);
        GlobalRequestFuture reply = session.request(request, KEEPALIVE, null);
        return reply.await(Duration.ofSeconds(60)) && reply.getException() == null;
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long residentKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
