package dev.sandgate.sftp.internal;

import java.nio.file.WatchEvent;

/** An event queued on a {@link PollingWatchKey}; its count grows while it is the key's latest pending event. */
final class PollingWatchEvent<T> implements WatchEvent<T> {
    private final Kind<T> kind;
    private final T context;
    private int count = 1;

    PollingWatchEvent(Kind<T> kind, T context) {
        this.kind = kind;
        this.context = context;
    }

    @Override
    public Kind<T> kind() {
        return kind;
    }

    @Override
    public T context() {
        return context;
    }

    /** Guarded by the owning key's lock until the event has been handed out by {@code pollEvents()}. */
    @Override
    public synchronized int count() {
        return count;
    }

    synchronized void repeat() {
        count++;
    }

    boolean matches(Kind<?> otherKind, Object otherContext) {
        return kind == otherKind && java.util.Objects.equals(context, otherContext);
    }

    @Override
    public String toString() {
        return kind.name() + "(" + context + ")x" + count();
    }
}
