package dev.sandgate.sftp.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WatchService} for a file system that sends no change notifications: one poller thread lists every
 * registered directory each {@code interval} and reports the differences from the previous listing as
 * {@code ENTRY_CREATE}, {@code ENTRY_MODIFY} (size or last-modified time changed) and {@code ENTRY_DELETE} events,
 * each with the entry's file name as context. Changes that cancel out between two rounds are not seen.
 *
 * <pre>{@code
 * WatchService watcher = new PollingWatchService(Duration.ofSeconds(2), sftpLister);
 * WatchKey key = watcher.register(dir, new WatchEvent.Kind<?>[] {ENTRY_CREATE});   // from SftpPath.register
 * }</pre>
 *
 * <p>The directory's first listing is taken by {@link #register} itself, so every change after it returns is seen.
 * A listing that fails is tried again next round; one that says the directory no longer exists invalidates its key,
 * which is then queued once more with whatever events were pending. The poller is a daemon thread started by the
 * first registration and ended by {@link #close()} (after the listing it may be doing at the time).
 */
final class PollingWatchService implements WatchService {
    private static final Logger LOG = LoggerFactory.getLogger(PollingWatchService.class);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    static final String THREAD_PREFIX = "sandgate-watch-";

    /** Put on the queue by close() to wake every taker; each one puts it back for the next. */
    private static final WatchKey CLOSED = new WatchKey() {
        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public java.util.List<WatchEvent<?>> pollEvents() {
            return java.util.List.of();
        }

        @Override
        public boolean reset() {
            return false;
        }

        @Override
        public void cancel() {
        }

        @Override
        public java.nio.file.Watchable watchable() {
            throw new UnsupportedOperationException();
        }
    };

    private final Duration interval;
    private final DirectoryLister lister;
    private final ThreadFactory threadFactory;
    private final Map<Path, PollingWatchKey> keys = new ConcurrentHashMap<>();
    private final BlockingQueue<WatchKey> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Registrations one at a time, so that one directory never gets two keys. */
    private final Object registration = new Object();
    private volatile boolean closed;
    private volatile Runnable onClose = () -> { };
    private Thread poller;  // guarded by registration

    /** A service whose poller is a daemon thread named {@code sandgate-watch-N}. */
    PollingWatchService(Duration interval, DirectoryLister lister) {
        this(interval, lister, task -> new Thread(task, THREAD_PREFIX + THREAD_NUMBERS.incrementAndGet()));
    }

    /**
     * @param interval      the time between two rounds of listings; positive
     * @param lister        lists one directory
     * @param threadFactory makes the poller thread (which is made a daemon before it starts)
     */
    PollingWatchService(Duration interval, DirectoryLister lister, ThreadFactory threadFactory) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + dev.sandgate.cert.Visible.duration(interval));
        }
        this.interval = interval;
        this.lister = Objects.requireNonNull(lister, "lister");
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
    }

    /**
     * Registers a directory, listing it once before returning. Registering a directory that already has a valid key
     * returns that key, now watching {@code kinds} instead.
     *
     * @throws UnsupportedOperationException a kind other than the three entry kinds and OVERFLOW, or any modifier
     * @throws IllegalArgumentException      no entry kind given
     * @throws NoSuchFileException           the directory does not exist (or another error of the lister)
     * @throws ClosedWatchServiceException   the service is closed
     */
    PollingWatchKey register(Path directory, WatchEvent.Kind<?>[] kinds, WatchEvent.Modifier... modifiers)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Set<WatchEvent.Kind<?>> wanted = kinds(kinds, modifiers);
        Path id = directory.toAbsolutePath().normalize();
        synchronized (registration) {
            ensureOpen();
            PollingWatchKey existing = keys.get(id);
            if (existing != null && existing.isValid()) {
                existing.kinds(wanted);
                return existing;
            }
            Map<Path, DirectoryLister.Snapshot> initial = lister.list(directory);
            PollingWatchKey key = new PollingWatchKey(this, directory, id, wanted, initial);
            keys.put(id, key);
            // close() sets the flag before it invalidates the keys it finds: one of the two sees the other
            if (closed) {
                key.invalidate();
                keys.remove(id, key);
                throw new ClosedWatchServiceException();
            }
            startPoller();
            return key;
        }
    }

    private static Set<WatchEvent.Kind<?>> kinds(WatchEvent.Kind<?>[] kinds, WatchEvent.Modifier... modifiers) {
        Objects.requireNonNull(kinds, "kinds");
        for (WatchEvent.Modifier modifier : modifiers) {
            Objects.requireNonNull(modifier, "modifier");
            throw new UnsupportedOperationException("modifier not supported: " + modifier.name());
        }
        Set<WatchEvent.Kind<?>> wanted = new HashSet<>();
        for (WatchEvent.Kind<?> kind : kinds) {
            Objects.requireNonNull(kind, "kind");
            if (kind == ENTRY_CREATE || kind == ENTRY_MODIFY || kind == ENTRY_DELETE) {
                wanted.add(kind);
            } else if (kind != OVERFLOW) {
                throw new UnsupportedOperationException("event kind not supported: " + kind.name());
            }
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("no entry event kind to register");
        }
        return Set.copyOf(wanted);
    }

    private void startPoller() {
        if (poller == null) {
            Thread thread = threadFactory.newThread(this::pollUntilClosed);
            thread.setDaemon(true);
            poller = thread;
            thread.start();
        }
    }

    private void pollUntilClosed() {
        try {
            while (!closing.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                for (PollingWatchKey key : keys.values()) {
                    if (closed) {
                        return;
                    }
                    if (key.isValid()) {
                        pollOnce(key);
                    }
                }
            }
        } catch (InterruptedException e) {
            // Someone wants this thread gone: close rather than leave watchers waiting for events that never come
            LOG.debug("watch service poller interrupted, closing the service");
            close();
        }
    }

    private void pollOnce(PollingWatchKey key) {
        Map<Path, DirectoryLister.Snapshot> listing;
        try {
            listing = lister.list(key.watchable());
        } catch (NoSuchFileException | NotDirectoryException e) {
            keys.remove(key.id(), key);
            key.invalidateAndSignal();
            return;
        } catch (IOException | RuntimeException e) {
            LOG.debug("listing {} failed, trying again next round", key.watchable(), e);
            return;
        }
        if (listing == null) {
            LOG.debug("listing {} returned nothing, trying again next round", key.watchable());
            return;
        }
        key.update(listing);
    }

    void enqueue(PollingWatchKey key) {
        queue.add(key);
    }

    void cancelled(PollingWatchKey key) {
        keys.remove(key.id(), key);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ClosedWatchServiceException();
        }
    }

    private WatchKey checked(WatchKey key) {
        if (key == CLOSED) {
            queue.add(CLOSED);
            throw new ClosedWatchServiceException();
        }
        if (key != null) {
            ensureOpen();
        }
        return key;
    }

    @Override
    public WatchKey poll() {
        ensureOpen();
        return checked(queue.poll());
    }

    @Override
    public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
        ensureOpen();
        return checked(queue.poll(timeout, unit));
    }

    @Override
    public WatchKey take() throws InterruptedException {
        ensureOpen();
        return checked(queue.take());
    }

    /** Invalidates every key, wakes every thread waiting for a key, and ends the poller; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        for (PollingWatchKey key : keys.values()) {
            key.invalidate();
        }
        keys.clear();
        queue.clear();
        queue.add(CLOSED);
        onClose.run();
    }

    /** Runs once when the service closes (its file system stops tracking it). */
    void onClose(Runnable action) {
        this.onClose = Objects.requireNonNull(action, "action");
    }

    @Override
    public String toString() {
        return "PollingWatchService[every " + interval + ", " + keys.size() + " keys" + (closed ? ", closed" : "")
                + "]";
    }
}
