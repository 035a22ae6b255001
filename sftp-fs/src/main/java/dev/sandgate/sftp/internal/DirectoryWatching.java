package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;

/** {@code newWatchService} and {@code Path.register}: a {@link PollingWatchService} fed by directory listings. */
final class DirectoryWatching {
    private final SandgateFileSystem fileSystem;

    DirectoryWatching(SandgateFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    WatchService newWatchService() {
        PollingWatchService service = new PollingWatchService(fileSystem.options().watchInterval(), this::snapshot);
        fileSystem.resources().add(service);
        service.onClose(() -> fileSystem.resources().remove(service));
        return service;
    }

    WatchKey register(SandgatePath directory, WatchService watcher, WatchEvent.Kind<?>[] events,
                      WatchEvent.Modifier... modifiers) throws IOException {
        if (!(watcher instanceof PollingWatchService)) {
            throw new ProviderMismatchException("the watch service was not made by this file system");
        }
        return ((PollingWatchService) watcher).register(directory, events, modifiers);
    }

    /** What the watch service compares between two polls: each entry's size, modification time and kind. */
    private Map<Path, DirectoryLister.Snapshot> snapshot(Path directory) throws IOException {
        SandgatePath ours = fileSystem.path(directory);
        Map<Path, DirectoryLister.Snapshot> snapshot = new HashMap<>();
        try (DirectoryListing listing = fileSystem.directoryEntries().openListing(ours)) {
            for (DirectoryListing.Entry entry = listing.next(); entry != null; entry = listing.next()) {
                SandgateAttributes attributes = entry.attributes();
                snapshot.put(entry.path(), new DirectoryLister.Snapshot(attributes.size(),
                        attributes.lastModifiedTime().toMillis(), attributes.isDirectory()));
            }
        }
        return snapshot;
    }
}
