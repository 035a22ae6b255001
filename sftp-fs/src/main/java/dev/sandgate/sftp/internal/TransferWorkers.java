package dev.sandgate.sftp.internal;

import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files of one transfer run in flight: at most {@code concurrency} at once, each a task on an executor that may be
 * shared with other runs (by default {@link #SHARED}), so that fifty transfers do not make fifty pools. The run knows
 * its own tasks: {@link #awaitAll} returns once every one of them has ended, and an interrupt stops only its own.
 */
final class TransferWorkers {
    /** The most threads the shared default executor starts, for every transfer of the JVM together. */
    static final int SHARED_THREADS = 64;
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    /**
     * The default executor: at most {@value #SHARED_THREADS} daemon threads for the whole JVM, started as files are
     * handed to it, each ending after 2 s without work; further files wait in its queue.
     */
    static final ThreadPoolExecutor SHARED = shared();

    private final Executor executor;
    private final Semaphore slots;
    private final Object lock = new Object();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private int outstanding;
    private volatile boolean stopped;

    TransferWorkers(int concurrency, Executor executor) {
        this.slots = new Semaphore(concurrency);
        this.executor = executor;
    }

    private static ThreadPoolExecutor shared() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(SHARED_THREADS, SHARED_THREADS, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, TransferRun.THREAD_PREFIX + THREAD_NUMBERS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Waits until fewer than {@code concurrency} of this run's files are in flight, then hands the task to the
     * executor; the slot is freed when the task ends.
     *
     * @throws java.util.concurrent.RejectedExecutionException when a caller's executor refuses the task
     */
    void submit(Runnable task, String what) throws InterruptedIOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("transfer of " + what + " interrupted");
        }
        synchronized (lock) {
            outstanding++;
        }
        try {
            executor.execute(() -> run(task));
        } catch (RuntimeException e) {
            finished();
            throw e;
        }
    }

    private void run(Runnable task) {
        Thread thread = Thread.currentThread();
        running.add(thread);
        try {
            if (stopped) {
                return; // queued before the run stopped: nothing to do
            }
            task.run();
        } finally {
            running.remove(thread);
            if (stopped) {
                // this run may have interrupted the thread; the executor's next task must not inherit that
                Thread.interrupted();
            }
            finished();
        }
    }

    private void finished() {
        slots.release();
        synchronized (lock) {
            outstanding--;
            lock.notifyAll();
        }
    }

    /**
     * Waits until every task of this run has ended (queued ones return at once when the run is stopping). On an
     * interrupt it calls {@code onInterrupt}, interrupts this run's running tasks and still waits. Returns whether it
     * was interrupted.
     */
    boolean awaitAll(Runnable onInterrupt) {
        boolean interrupted = Thread.interrupted();
        if (interrupted) {
            stop(onInterrupt);
        }
        synchronized (lock) {
            while (outstanding > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop(onInterrupt);
                }
            }
        }
        return interrupted;
    }

    private void stop(Runnable onInterrupt) {
        onInterrupt.run();
        stopped = true;
        running.forEach(Thread::interrupt);
    }
}
