package dev.sandgate.sftp.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;

import dev.sandgate.sftp.UnsafeNameException;

/**
 * One open directory, read one {@code READDIR} batch at a time as the caller asks for entries, so that a listing of
 * millions of entries holds one batch in memory, not all of them. This is where a name from the server becomes a
 * path: each is checked to be a single name first (a name such as {@code ../../x} or {@code a/b} fails the listing
 * with an {@link UnsafeNameException}), and a listing that goes on past {@code maxEntries} fails too.
 */
final class DirectoryListing implements Closeable {
    /** A child of the directory, with the attributes the listing carried. */
    record Entry(SandgatePath path, SandgateAttributes attributes) {
    }

    /** {@code .} and {@code ..}, which a listing may carry besides its entries. */
    private static final int DOT_ENTRIES = 2;

    private final RemoteSftp sftp;
    private final SandgatePath directory;
    private final SftpClient.CloseableHandle handle;
    private final long maxEntries;
    private final AtomicReference<Boolean> endSaid = new AtomicReference<>();
    private Iterator<DirEntry> batch = Collections.emptyIterator();
    private long received;
    private long batches;
    private boolean ended;
    private final AtomicBoolean closed = new AtomicBoolean();

    DirectoryListing(RemoteSftp sftp, SandgatePath directory, SftpClient.CloseableHandle handle, long maxEntries) {
        this.sftp = sftp;
        this.directory = directory;
        this.handle = handle;
        this.maxEntries = maxEntries;
    }

    /** The next entry ({@code .} and {@code ..} left out), or null at the end of the listing. */
    synchronized Entry next() throws IOException {
        for (;;) {
            while (batch.hasNext()) {
                DirEntry entry = batch.next();
                if (++received > maxEntries + DOT_ENTRIES) {
                    throw tooLong();
                }
                String name = entry.getFilename();
                if (name.equals(".") || name.equals("..")) {
                    continue;
                }
                if (!Names.isSingleName(name, "/")) {
                    throw new UnsafeNameException(directory.toString(), name, Names.visible(name));
                }
                SandgateAttributes attributes = new SandgateAttributes(entry.getAttributes());
                return new Entry(directory.resolve(name).withListing(attributes), attributes);
            }
            if (ended || closed.get()) {
                return null;
            }
            readBatch();
        }
    }

    private void readBatch() throws IOException {
        // an endless run of empty batches costs a round trip each: bound it like the entries
        if (++batches > maxEntries + DOT_ENTRIES) {
            throw tooLong();
        }
        List<DirEntry> entries;
        try {
            entries = sftp.client().readDir(handle, endSaid);
        } catch (IOException e) {
            throw sftp.failure(e, directory);
        } catch (RuntimeException e) {
            throw sftp.malformed(e, directory);
        }
        if (entries == null) {
            ended = true;
            return;
        }
        batch = entries.iterator();
        ended = Boolean.TRUE.equals(endSaid.get());
    }

    private FileSystemException tooLong() {
        return new FileSystemException(directory.toString(), null, "the listing holds more than " + maxEntries
                + " entries (SftpOptions.maxDirectoryEntries); raise it if the directory is really that large");
    }

    /**
     * Closes the directory handle; a listing read to its end is closed all the same. Idempotent, and callable from
     * another thread while a batch is awaited (the file system's close does that).
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            handle.close();
        } catch (IOException e) {
            throw sftp.failure(e, directory);
        } catch (RuntimeException e) {
            throw sftp.malformed(e, directory);
        }
    }
}
