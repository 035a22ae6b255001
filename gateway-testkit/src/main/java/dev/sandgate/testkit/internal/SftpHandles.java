package dev.sandgate.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.Map;

/** The open files and directories of one SFTP channel, by handle; a bounded number, all closed when it ends. */
final class SftpHandles implements Closeable {
    /** At most this many handles are open at once on a channel. */
    static final int MAX_OPEN = 1024;

    /** What a handle refers to: a real file (channel set), a made-up file (entry set) or a directory (listing set). */
    static final class Open {
        final String path;
        final FileChannel file;
        final boolean append;
        final FakeEntry fake;
        final DirectoryListing listing;

        Open(String path, FileChannel file, boolean append, FakeEntry fake, DirectoryListing listing) {
            this.path = path;
            this.file = file;
            this.append = append;
            this.fake = fake;
            this.listing = listing;
        }

        void close() throws IOException {
            if (file != null) {
                file.close();
            }
            if (listing != null) {
                listing.close();
            }
        }
    }

    private final Map<String, Open> open = new HashMap<>();
    private long next;

    boolean isFull() {
        return open.size() >= MAX_OPEN;
    }

    String add(Open handle) {
        String name = Long.toString(++next);
        open.put(name, handle);
        return name;
    }

    /** The open handle, or null. */
    Open get(String handle) {
        return open.get(handle);
    }

    /** The path a handle was opened on, or null for an unknown handle. */
    String pathOf(String handle) {
        Open handleOpen = open.get(handle);
        return handleOpen == null ? null : handleOpen.path;
    }

    Open remove(String handle) {
        return open.remove(handle);
    }

    @Override
    public void close() {
        for (Open handle : open.values()) {
            try {
                handle.close();
            } catch (IOException ignored) {
                // the channel is going away; the file was only read or written through this handle
            }
        }
        open.clear();
    }
}
