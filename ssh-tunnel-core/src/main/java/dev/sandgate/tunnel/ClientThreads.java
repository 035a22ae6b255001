package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sandgate.tunnel.internal.PeerThreads;

/**
 * The threads a {@link SandboxSsh} starts besides its tunnels' readers: I/O threads for tunnel opens and write
 * drains, as many as run at once (a blocked send must not hold up another session's), and one keepalive timer. On JDK
 * 21 and later each I/O task gets a virtual thread ({@link PeerThreads}); on JDK 17 they are pooled platform threads,
 * each ending after a few idle seconds so that a burst of connects leaves no threads behind for long.
 */
final class ClientThreads {
    /** How long a pooled I/O thread lives without work. */
    private static final Duration IO_THREAD_IDLE = Duration.ofSeconds(5);

    final ExecutorService io;
    final ScheduledExecutorService keepAlive;

    ClientThreads() {
        AtomicInteger count = new AtomicInteger();
        ExecutorService virtual = PeerThreads.perTaskOrNull("sandgate-io-");
        this.io = virtual != null ? virtual : new ThreadPoolExecutor(0, Integer.MAX_VALUE, IO_THREAD_IDLE.toMillis(),
                TimeUnit.MILLISECONDS, new SynchronousQueue<>(), r -> daemon(r, "sandgate-io-" + count.incrementAndGet()));
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sandgate-keepalive"));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Lets running I/O tasks finish and stops the timer. */
    void shutdown() {
        io.shutdown();
        keepAlive.shutdownNow();
    }
}
