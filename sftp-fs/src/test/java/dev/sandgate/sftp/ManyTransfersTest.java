package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * Fifty sessions each receiving a small tree at once, in one JVM with the gateway, at the heap this module's tests run
 * with (-Xmx256m): every file arrives, and the transfers share one bounded pool of copying threads instead of each
 * starting its own.
 */
class ManyTransfersTest {
    private static final int SESSIONS = 50;
    private static final int FILES = 22;

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @TempDir
    Path temp;

    /** A tree of 22 files from 1 KiB to 128 KiB in three directories. */
    private Path tree() throws Exception {
        Path tree = Files.createDirectories(temp.resolve("tree"));
        Random random = new Random(28);
        for (int i = 0; i < FILES; i++) {
            Path file = tree.resolve("d" + (i % 3)).resolve("f" + i + ".bin");
            Files.createDirectories(file.getParent());
            byte[] data = new byte[1024 << (i % 8)];
            random.nextBytes(data);
            Files.write(file, data);
        }
        return tree;
    }

    @Test
    void fiftyTransfersAtOnceAllArriveOnOneSharedPool() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        Path tree = tree();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(gateway.newSession());
        }
        Set<String> copyingThreads = ConcurrentHashMap.newKeySet();
        TransferListener threads = new TransferListener() {
            @Override
            public void fileStarted(Path source, Path target, long size) {
                copyingThreads.add(Thread.currentThread().getName());
            }
        };
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        threadBean.resetPeakThreadCount();
        java.util.concurrent.atomic.AtomicLong peakHeap = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max), 0, 20,
                TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        ExecutorService callers = Executors.newFixedThreadPool(SESSIONS);
        try (SandboxSsh ssh = GatewaySessions.ssh(gateway)) {
            List<Future<TransferResult>> runs = new ArrayList<>();
            for (String session : sessions) {
                runs.add(callers.submit(() -> {
                    try (SshConnection connection = ssh.connect(session);
                         FileSystem files = SandboxFileSystems.open(connection)) {
                        return TreeTransfer.builder(tree, files.getPath("tree")).listener(threads).build().run();
                    }
                }));
            }
            for (Future<TransferResult> run : runs) {
                assertEquals(FILES, run.get(3, TimeUnit.MINUTES).filesCopied());
            }
        } finally {
            callers.shutdownNow();
            sampler.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d transfers of %d files: %.1f s, peak threads %d (copying: %d), peak heap used %d MiB"
                + " (sampled every 20 ms; the gateway and its SSH servers in the same JVM)%n", SESSIONS, FILES, seconds,
                threadBean.getPeakThreadCount(), copyingThreads.size(), peakHeap.get() >> 20);
        for (String session : sessions) {
            Path arrived = gateway.sessionDirectory(session).resolve("tree/d1/f1.bin");
            assertArrayEquals(Files.readAllBytes(tree.resolve("d1/f1.bin")), Files.readAllBytes(arrived));
        }
        assertTrue(copyingThreads.size() <= 64, "one shared pool of at most 64 copying threads: " + copyingThreads.size());
    }
}
