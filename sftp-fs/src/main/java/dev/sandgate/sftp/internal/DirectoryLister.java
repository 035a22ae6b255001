package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Lists one directory with what a {@link PollingWatchService} compares between two rounds. The SFTP file system
 * answers it from one directory listing with attributes (no stat per entry).
 *
 * <pre>{@code
 * DirectoryLister lister = dir -> {
 *     Map<Path, DirectoryLister.Snapshot> entries = new HashMap<>();
 *     try (DirectoryListing listing = sftp.openListing(dir, maxEntries)) {   // names checked to be single names
 *         for (DirectoryListing.Entry e = listing.next(); e != null; e = listing.next()) { entries.put(e.path(), ...); }
 *     }
 *     return entries;
 * };
 * }</pre>
 */
@FunctionalInterface
interface DirectoryLister {
    /**
     * The directory's entries (without {@code .} and {@code ..}), each child path mapped to what the listing says of
     * it.
     *
     * @throws NoSuchFileException the directory no longer exists (its watch key is then invalidated)
     * @throws IOException         the listing failed otherwise (it is tried again next round)
     */
    Map<Path, Snapshot> list(Path directory) throws IOException;

    /**
     * One entry as a listing saw it; a change of size or time is reported as {@code ENTRY_MODIFY}.
     *
     * @param size           the size in bytes
     * @param modifiedMillis the last-modified time in milliseconds since the epoch (whole seconds over SFTP v3)
     * @param directory      whether the entry is a directory
     */
    record Snapshot(long size, long modifiedMillis, boolean directory) {
    }
}
