package dev.sandgate.sftp.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key of one directory registered with a {@link PollingWatchService}. It holds the directory's last snapshot
 * (touched only by the service's poller thread after registration), the registered kinds (replaced when the
 * directory is registered again) and the pending events; state changes follow {@link WatchKey}'s contract:
 * ready, signalled when an event arrives (and queued on the service once), ready again on {@link #reset()}.
 */
final class PollingWatchKey implements WatchKey {
    /** Past this many pending events, further ones fold into a single trailing {@code OVERFLOW}. */
    static final int MAX_EVENTS = 512;

    private final PollingWatchService service;
    private final Path directory;
    private final Path id;
    private volatile Set<WatchEvent.Kind<?>> kinds;
    /** File name to snapshot; only the poller thread reads or writes it after construction. */
    private Map<Path, DirectoryLister.Snapshot> lastSeen;

    // guarded by this
    private List<WatchEvent<?>> pending = new ArrayList<>();
    private boolean signalled;
    private volatile boolean valid = true;

    PollingWatchKey(PollingWatchService service, Path directory, Path id, Set<WatchEvent.Kind<?>> kinds,
            Map<Path, DirectoryLister.Snapshot> initial) {
        this.service = service;
        this.directory = directory;
        this.id = id;
        this.kinds = kinds;
        this.lastSeen = byName(initial);
    }

    Path id() {
        return id;
    }

    void kinds(Set<WatchEvent.Kind<?>> newKinds) {
        this.kinds = newKinds;
    }

    /**
     * Compares a new listing with the last one and signals the differences of the registered kinds, all of one round
     * at once, so that a consumer never sees half of a change (a file replaced by a directory is a delete and a create).
     */
    void update(Map<Path, DirectoryLister.Snapshot> listing) {
        Map<Path, DirectoryLister.Snapshot> before = lastSeen;
        Map<Path, DirectoryLister.Snapshot> now = byName(listing);
        lastSeen = now;
        Set<WatchEvent.Kind<?>> wanted = kinds;
        List<PollingWatchEvent<?>> changes = new ArrayList<>();
        for (Path name : before.keySet()) {
            if (!now.containsKey(name)) {
                changes.add(event(ENTRY_DELETE, name));
            }
        }
        for (Map.Entry<Path, DirectoryLister.Snapshot> entry : now.entrySet()) {
            Path name = entry.getKey();
            DirectoryLister.Snapshot was = before.get(name);
            DirectoryLister.Snapshot is = entry.getValue();
            if (was == null) {
                changes.add(event(ENTRY_CREATE, name));
            } else if (was.directory() != is.directory()) {
                // a file replaced by a directory (or the reverse) is another entry under the same name
                changes.add(event(ENTRY_DELETE, name));
                changes.add(event(ENTRY_CREATE, name));
            } else if (was.size() != is.size() || was.modifiedMillis() != is.modifiedMillis()) {
                changes.add(event(ENTRY_MODIFY, name));
            }
        }
        changes.removeIf(change -> !wanted.contains(change.kind()));
        if (!changes.isEmpty()) {
            signalEvents(changes);
        }
    }

    private static Map<Path, DirectoryLister.Snapshot> byName(Map<Path, DirectoryLister.Snapshot> listing) {
        Map<Path, DirectoryLister.Snapshot> named = new HashMap<>(Math.max(16, listing.size() * 2));
        for (Map.Entry<Path, DirectoryLister.Snapshot> entry : listing.entrySet()) {
            Path name = entry.getKey().getFileName();
            if (name != null && entry.getValue() != null) {
                named.put(name, entry.getValue());
            }
        }
        return named;
    }

    /** Queues events (a repeat of the latest one is counted, not queued) and signals the key once. */
    private synchronized void signalEvents(List<PollingWatchEvent<?>> events) {
        if (!valid) {
            return;
        }
        for (PollingWatchEvent<?> event : events) {
            PollingWatchEvent<?> last = pending.isEmpty() ? null : (PollingWatchEvent<?>) pending.get(pending.size() - 1);
            if (last != null && (last.kind() == OVERFLOW || last.matches(event.kind(), event.context()))) {
                last.repeat();
            } else if (pending.size() >= MAX_EVENTS) {
                pending.add(new PollingWatchEvent<>(OVERFLOW, null));
            } else {
                pending.add(event);
            }
        }
        signal();
    }

    @SuppressWarnings("unchecked")
    private static PollingWatchEvent<?> event(WatchEvent.Kind<?> kind, Path context) {
        return new PollingWatchEvent<>((WatchEvent.Kind<Path>) kind, context);
    }

    /** The directory is gone or the listing says it is not a directory: invalid, but queued with what is pending. */
    synchronized void invalidateAndSignal() {
        if (valid) {
            valid = false;
            signal();
        }
    }

    /** The service closed: invalid, and never queued again. */
    void invalidate() {
        valid = false;
    }

    private void signal() {
        if (!signalled) {
            signalled = true;
            service.enqueue(this);
        }
    }

    @Override
    public boolean isValid() {
        return valid;
    }

    @Override
    public synchronized List<WatchEvent<?>> pollEvents() {
        List<WatchEvent<?>> events = pending;
        pending = new ArrayList<>();
        return events;
    }

    @Override
    public synchronized boolean reset() {
        if (!valid) {
            return false;
        }
        if (signalled) {
            if (pending.isEmpty()) {
                signalled = false;
            } else {
                service.enqueue(this);
            }
        }
        return true;
    }

    @Override
    public void cancel() {
        valid = false;
        service.cancelled(this);
    }

    @Override
    public Path watchable() {
        return directory;
    }

    @Override
    public String toString() {
        return "PollingWatchKey[" + directory + (valid ? "" : ", invalid") + "]";
    }
}
