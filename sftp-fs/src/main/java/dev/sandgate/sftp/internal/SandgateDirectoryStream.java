package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A directory's entries, read in one listing whose attributes ride along on each path. Iterable once, as the JDK's
 * directory streams are.
 */
final class SandgateDirectoryStream implements DirectoryStream<Path> {
    private final List<Path> entries;
    private final Filter<? super Path> filter;
    private final OpenResources resources;
    private volatile boolean closed;
    private boolean iterated;

    SandgateDirectoryStream(List<Path> entries, Filter<? super Path> filter, OpenResources resources) {
        this.entries = entries;
        this.filter = filter;
        this.resources = resources;
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (closed) {
            throw new IllegalStateException("the directory stream is closed");
        }
        if (iterated) {
            throw new IllegalStateException("a directory stream can be iterated only once");
        }
        iterated = true;
        Iterator<Path> all = entries.iterator();
        return new Iterator<>() {
            private Path next;

            @Override
            public boolean hasNext() {
                while (next == null && !closed && all.hasNext()) {
                    Path candidate = all.next();
                    try {
                        if (filter == null || filter.accept(candidate)) {
                            next = candidate;
                        }
                    } catch (IOException e) {
                        throw new DirectoryIteratorException(e);
                    } catch (UncheckedIOException e) {
                        throw new DirectoryIteratorException(e.getCause());
                    }
                }
                return next != null;
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Path result = next;
                next = null;
                return result;
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        resources.remove(this);
    }
}
