package dev.sandgate.sftp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandgate file systems open in this JVM, by session: what serves a session's {@code sandgate:} URIs. Several may
 * be open on one session (each {@code SandboxFileSystems.open} makes one); the earliest still open serves its URIs,
 * so closing one leaves the URIs working while another is open.
 */
final class OpenFileSystems {
    private final Map<String, List<SandgateFileSystem>> bySession = new ConcurrentHashMap<>();

    /** Registers a file system; it serves its session's URIs once those opened before it are closed. */
    void add(SandgateFileSystem fileSystem) {
        bySession.compute(fileSystem.sessionId(), (session, open) -> {
            List<SandgateFileSystem> list = open == null ? new ArrayList<>() : open;
            list.add(fileSystem);
            return list;
        });
    }

    /** Registers a file system unless one is open for its session; returns whether it did. */
    boolean addIfNone(SandgateFileSystem fileSystem) {
        boolean[] added = {false};
        bySession.compute(fileSystem.sessionId(), (session, open) -> {
            if (open != null && !open.isEmpty()) {
                return open;
            }
            added[0] = true;
            List<SandgateFileSystem> list = new ArrayList<>();
            list.add(fileSystem);
            return list;
        });
        return added[0];
    }

    void remove(SandgateFileSystem fileSystem) {
        bySession.computeIfPresent(fileSystem.sessionId(), (session, open) -> {
            open.remove(fileSystem);
            return open.isEmpty() ? null : open;
        });
    }

    boolean hasAny(String session) {
        return bySession.containsKey(session);
    }

    /** The file system that serves the session's URIs, or null when none is open. */
    SandgateFileSystem serving(String session) {
        SandgateFileSystem[] first = {null};
        bySession.computeIfPresent(session, (key, open) -> {
            first[0] = open.isEmpty() ? null : open.get(0);
            return open;
        });
        return first[0];
    }
}
