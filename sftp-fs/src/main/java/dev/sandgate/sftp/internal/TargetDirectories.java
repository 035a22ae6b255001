package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Creates a transfer's target directories and counts the ones it creates. Inside the target, a symbolic link where a
 * directory goes is replaced, never entered: it could lead anywhere. The target itself and its parents are the
 * caller's choice, links included.
 */
final class TargetDirectories {
    private final TransferCounts counts;

    TargetDirectories(TransferCounts counts) {
        this.counts = counts;
    }

    /**
     * Like {@link Files#createDirectories}, for the target and its parents; returns whether it created the target.
     * {@code permissions} go to {@code dir} itself, not to the parents it creates.
     */
    boolean createRoot(Path dir, FileAttribute<?>[] permissions) throws IOException {
        if (Files.isDirectory(dir)) {
            return false;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path level = dir.toAbsolutePath(); level != null && !Files.isDirectory(level);
                level = level.getParent()) {
            missing.push(level);
        }
        boolean created = false;
        Path last = missing.peekLast();
        for (Path level : missing) {
            created = create(level, level == last ? permissions : CopyPermissions.NONE, false);
        }
        return created;
    }

    /** Creates a directory inside the target, replacing a link found there; returns whether it created it. */
    boolean createInside(Path dir, FileAttribute<?>[] permissions) throws IOException {
        return create(dir, permissions, true);
    }

    /** Creates first and looks only on failure: one round trip for a new tree, which is the latency-bound case. */
    private boolean create(Path dir, FileAttribute<?>[] permissions, boolean replaceLink) throws IOException {
        try {
            Files.createDirectory(dir, permissions);
            counts.directoriesCreated.increment();
            return true;
        } catch (IOException e) {
            // SFTP v3 has no "already exists" status, so any failure may mean the directory is there already
            BasicFileAttributes existing = lstatOrNull(dir);
            if (replaceLink && existing != null && existing.isSymbolicLink()) {
                Files.delete(dir);
                return create(dir, permissions, false);
            }
            if (existing == null || !(existing.isDirectory() || Files.isDirectory(dir))) {
                throw e;
            }
            return false;
        }
    }

    /** What is at the path itself (a link is not followed), or null when nothing is. */
    static BasicFileAttributes lstatOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
