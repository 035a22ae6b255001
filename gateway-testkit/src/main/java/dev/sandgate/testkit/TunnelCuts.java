package dev.sandgate.testkit;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sandgate.testkit.internal.GatewaySession;

/**
 * Cuts a session's tunnels again and again at random moments, as a flaky network would, from a thread of its own:
 * made by {@link LocalGateway#cutTunnelsRepeatedly}. A resumable tunnel is cut again only once it has re-attached, so
 * every cut lands on a working connection; cutting stops after the number asked for, when the session has no tunnel
 * left, or on {@link #close()}.
 *
 * <pre>{@code
 * try (TunnelCuts cuts = gateway.cutTunnelsRepeatedly(sessionId, 10, Duration.ofMillis(10), Duration.ofMillis(200))) {
 *     Files.copy(local, remote);                   // goes on across every cut
 * }
 * }</pre>
 */
public final class TunnelCuts implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger made = new AtomicInteger();
    private volatile boolean stopped;

    TunnelCuts(GatewaySession session, int times, Duration minGap, Duration maxGap) {
        long min = minGap.toNanos();
        long max = Math.max(min + 1, maxGap.toNanos());
        this.thread = new Thread(() -> {
            try {
                for (int cut = 0; cut < times && !stopped; cut++) {
                    Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(min, max)).toMillis());
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (!session.tunnelsAttached() && !stopped && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    if (stopped || session.openTunnels() == 0) {
                        return;
                    }
                    session.cutTunnels();
                    made.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "local-gateway-tunnel-cuts " + session.id());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * How many cuts were made so far.
     *
     * @return how many cuts were made so far
     */
    public int made() {
        return made.get();
    }

    /**
     * Waits until every cut asked for was made (or cutting stopped), at most {@code limit}.
     *
     * @param limit the longest wait
     * @return how many cuts were made
     * @throws InterruptedException if interrupted while waiting
     */
    public int awaitDone(Duration limit) throws InterruptedException {
        thread.join(Math.max(1, limit.toMillis()));
        return made.get();
    }

    /** Stops cutting; a cut under way finishes. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5000);
    }
}
