package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.HashSet;
import java.util.Set;

import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.UnsafeNameException;

/**
 * Walks a transfer's source on the calling thread: creates each target directory before its entries are visited
 * (which orders them), hands each regular file to the workers, reports what it leaves out, and bounds the walk in
 * entries. Every target path is checked here to lie inside the target, whatever the source's file system let through.
 */
final class TransferWalker extends SimpleFileVisitor<Path> {
    private final TransferRun run;
    private final Path root;
    private final Path target;
    private final long maxEntries;
    private final boolean resume;
    /** Target directories this run created: nothing in them can be resumed, so their files need no look first. */
    private final Set<Path> created = new HashSet<>();
    private final Path targetRoot;
    private long entries;

    TransferWalker(TransferRun run, Path root, Path target, long maxEntries, boolean resume) {
        this.run = run;
        this.root = root;
        this.target = target;
        this.targetRoot = target.toAbsolutePath().normalize();
        this.maxEntries = maxEntries;
        this.resume = resume;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (run.stopping()) {
            return FileVisitResult.TERMINATE;
        }
        Path to = null;
        try {
            countEntry(dir);
            to = targetOf(dir);
            FileAttribute<?>[] permissions = CopyPermissions.permissionsFor(dir, attrs, to, true);
            boolean fresh = dir.equals(root) ? run.directories().createRoot(to, permissions)
                    : run.directories().createInside(to, permissions);
            if (fresh) {
                created.add(to);
            }
            return FileVisitResult.CONTINUE;
        } catch (IOException | RuntimeException e) {
            run.fail(dir, to, e);
            return FileVisitResult.TERMINATE;
        }
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (run.stopping()) {
            return FileVisitResult.TERMINATE;
        }
        Path to = null;
        try {
            countEntry(file);
            to = targetOf(file);
            if (attrs.isDirectory()) {
                throw new FileSystemException(file.toString(), null, "the tree is deeper than " + TransferRun.MAX_DEPTH
                        + " levels (a directory that contains itself?); the transfer stops");
            }
            if (attrs.isRegularFile()) {
                run.submit(file, to, attrs, resume && !created.contains(to.getParent()));
            } else {
                run.skip(file, to,
                        attrs.isSymbolicLink() ? SkipReason.SYMBOLIC_LINK : SkipReason.NOT_REGULAR);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                throw (InterruptedIOException) e;
            }
            run.fail(file, to, e);
        }
        return run.stopping() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) {
        run.fail(file, targetOrNull(file), exc);
        return FileVisitResult.TERMINATE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
        if (exc != null) {
            run.fail(dir, targetOrNull(dir), exc);
            return FileVisitResult.TERMINATE;
        }
        return run.stopping() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
    }

    private void countEntry(Path entry) throws FileSystemException {
        if (++entries > maxEntries) {
            throw new FileSystemException(entry.toString(), null, "the source holds more than " + maxEntries
                    + " entries (TreeTransfer.Builder.maxEntries); the transfer stops");
        }
    }

    /**
     * The target path of a source entry; names go over as strings because the providers may differ. Each name is
     * checked to be a single name of the target's file system, and the result to lie inside the target, whatever
     * the source's file system let through: no entry is ever created, replaced or written outside the target.
     */
    private Path targetOf(Path entry) throws UnsafeNameException {
        Path path = target;
        if (!entry.equals(root)) {
            String separator = target.getFileSystem().getSeparator();
            for (Path name : root.relativize(entry)) {
                String text = name.toString();
                if (!Names.isSingleName(text, separator)) {
                    throw new UnsafeNameException(entry.toString(), text, Names.visible(text));
                }
                path = path.resolve(text);
            }
            Path normal = path.toAbsolutePath().normalize();
            if (!normal.startsWith(targetRoot) || normal.equals(targetRoot)) {
                throw new UnsafeNameException(entry.toString(), entry.toString(), Names.visible(entry.toString()));
            }
        }
        return path;
    }

    private Path targetOrNull(Path entry) {
        try {
            return targetOf(entry);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
