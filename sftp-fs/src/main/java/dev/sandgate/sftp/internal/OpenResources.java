package dev.sandgate.sftp.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every channel, stream and watch service a file system handed out and that is still open; closed with it. */
final class OpenResources {
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();

    void add(Closeable resource) {
        open.add(resource);
    }

    void remove(Closeable resource) {
        open.remove(resource);
    }

    int count() {
        return open.size();
    }

    /** Closes them all; the first failure is thrown with the others suppressed. */
    void closeAll() throws IOException {
        IOException failure = null;
        List<Closeable> resources = new ArrayList<>(open);
        for (Closeable resource : resources) {
            try {
                resource.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
