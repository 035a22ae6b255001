package dev.sandgate.sftp.internal;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of one transfer run: a fixed pool of {@code concurrency} threads, with at most twice that many
 * files queued ahead of them (a huge tree is never held in memory at once). Every thread has ended when
 * {@link #awaitAll} returns.
 */
final class TransferWorkers {
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private final Semaphore slots;
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private final ThreadPoolExecutor pool;

    TransferWorkers(int concurrency) {
        this.slots = new Semaphore(concurrency * 2);
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, TransferRun.THREAD_PREFIX + THREAD_NUMBERS.incrementAndGet());
                    thread.setDaemon(true);
                    threads.add(thread);
                    return thread;
                });
    }

    /** Waits for a queue slot, then hands the task to a worker; the slot is freed when the task ends. */
    void submit(Runnable task, String what) throws InterruptedIOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("transfer of " + what + " interrupted");
        }
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /**
     * Lets queued tasks drain (they return at once when the run is stopping) and waits for every worker thread to
     * end; on an interrupt it calls {@code onInterrupt}, interrupts the workers and still waits. Returns whether it
     * was interrupted.
     */
    boolean awaitAll(Runnable onInterrupt) {
        boolean interrupted = Thread.interrupted();
        if (interrupted) {
            onInterrupt.run();
            pool.shutdownNow();
        } else {
            pool.shutdown();
        }
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                onInterrupt.run();
                pool.shutdownNow();
            }
        }
        // Termination is signalled just before the threads exit; join them so none outlives the run
        List<Thread> workers = new ArrayList<>(threads);
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }
}
