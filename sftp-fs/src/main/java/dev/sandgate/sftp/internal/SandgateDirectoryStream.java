package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A directory's entries, read from the server batch by batch as they are iterated (memory stays flat for a huge
 * directory), each path carrying the attributes its listing gave. Iterable once, as the JDK's directory streams are.
 * A listing that fails midway (a name that is not a single name, more entries than allowed, a lost connection) ends
 * the iteration with a {@link DirectoryIteratorException}.
 */
final class SandgateDirectoryStream implements DirectoryStream<Path> {
    private final DirectoryListing listing;
    private final Filter<? super Path> filter;
    private final OpenResources resources;
    private volatile boolean closed;
    private boolean iterated;

    SandgateDirectoryStream(DirectoryListing listing, Filter<? super Path> filter, OpenResources resources) {
        this.listing = listing;
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
        return new Iterator<>() {
            private Path next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (next == null && !ended && !closed) {
                    try {
                        DirectoryListing.Entry entry = listing.next();
                        if (entry == null) {
                            ended = true;
                        } else if (filter == null || filter.accept(entry.path())) {
                            next = entry.path();
                        }
                    } catch (IOException e) {
                        ended = true;
                        throw new DirectoryIteratorException(e);
                    } catch (UncheckedIOException e) {
                        ended = true;
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
    public void close() throws IOException {
        closed = true;
        resources.remove(this);
        listing.close();
    }
}
