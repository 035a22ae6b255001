package dev.sandgate.sftp;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import dev.sandgate.sftp.internal.Names;

/**
 * One run of a {@link TreeTransfer}: the calling thread walks the source and creates directories, a fixed pool of
 * worker threads copies the files. Used once.
 */
final class TransferRun {
    /** Large chunks: over SFTP each write is split into pipelined requests, so bigger means fewer waits. */
    static final int CHUNK_SIZE = 256 * 1024;
    /** How much of a partial target's end is compared with the source before continuing it. */
    static final int RESUME_CHECK_SIZE = 64 * 1024;
    static final String THREAD_PREFIX = "sandgate-transfer-";
    /**
     * The deepest directory a walk enters. A real tree stays far above it (Linux paths are at most 4096 bytes, so at
     * most 2048 levels); a hostile server could list a directory inside itself forever.
     */
    static final int MAX_DEPTH = 2048;

    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    private static final int MAX_SUPPRESSED = 10;
    private static final FileAttribute<?>[] NO_ATTRIBUTES = {};
    /** What a directory this run creates always grants its owner, so that the run can fill it. */
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** What a file this run creates always grants its owner, so that a later run can continue or rewrite it. */
    private static final Set<PosixFilePermission> OWNER_WRITE = EnumSet.of(PosixFilePermission.OWNER_WRITE);

    private final Path source;
    private final Path target;
    private final TransferListener listener;
    private final boolean resume;
    private final long maxEntries;
    private final long startNanos = System.nanoTime();

    private final LongAdder filesCopied = new LongAdder();
    private final LongAdder filesSkipped = new LongAdder();
    private final LongAdder filesResumed = new LongAdder();
    private final LongAdder filesChanged = new LongAdder();
    private final LongAdder bytesTransferred = new LongAdder();
    private final LongAdder directoriesCreated = new LongAdder();

    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final Queue<Throwable> laterFailures = new ConcurrentLinkedQueue<>();
    /** Set on the first failure or an interrupt: no file starts after it, files in flight stop at their next chunk. */
    private volatile boolean stopping;

    /** Bounds the files queued ahead of the workers, so a huge tree is not held in memory at once. */
    private final Semaphore slots;
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private final ThreadPoolExecutor pool;
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocate(CHUNK_SIZE));

    private record Failure(Path source, Path target, Throwable error) {
    }

    TransferRun(Path source, Path target, int concurrency, TransferListener listener, boolean resume,
                long maxEntries) {
        this.source = source;
        this.target = target;
        this.maxEntries = maxEntries;
        this.listener = listener;
        this.resume = resume;
        this.slots = new Semaphore(concurrency * 2);
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, THREAD_PREFIX + THREAD_NUMBERS.incrementAndGet());
                    thread.setDaemon(true);
                    threads.add(thread);
                    return thread;
                });
    }

    TransferResult execute() throws IOException {
        boolean interrupted = false;
        try {
            start();
        } catch (IOException | RuntimeException e) {
            // a SocketTimeoutException is an InterruptedIOException too: only the flag tells an interrupt
            if (!(e instanceof InterruptedIOException) || !Thread.currentThread().isInterrupted()) {
                fail(source, target, e);
            }
        } finally {
            interrupted |= awaitWorkers();
        }
        Failure first = failure.get();
        if (interrupted) {
            Thread.currentThread().interrupt();
            InterruptedIOException e = new InterruptedIOException("transfer of " + source + " interrupted");
            e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, bytesTransferred.sum());
            if (first != null) {
                e.addSuppressed(first.error());
            }
            throw e;
        }
        if (first != null) {
            TransferFailedException e = new TransferFailedException(first.source().toString(),
                    first.target() == null ? null : first.target().toString(), describe(first.error()),
                    first.error(), result());
            laterFailures.forEach(e::addSuppressed);
            throw e;
        }
        return result();
    }

    private void start() throws IOException {
        Path root = source;
        BasicFileAttributes attributes = Files.readAttributes(root, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            root = source.toRealPath();
            attributes = Files.readAttributes(root, BasicFileAttributes.class);
        }
        if (!attributes.isDirectory() && !attributes.isRegularFile()) {
            skip(source, target, TransferListener.NOT_REGULAR);
            return;
        }
        if (root.getFileSystem().equals(target.getFileSystem())
                && target.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
            throw new FileSystemException(source.toString(), target.toString(),
                    "the target is the source or lies inside it");
        }
        if (attributes.isRegularFile()) {
            Path parent = target.getParent();
            boolean fresh = parent != null && createRoot(parent, NO_ATTRIBUTES);
            submit(root, target, attributes, resume && !fresh);
        } else {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new Walker(root));
        }
    }

    /** Runs on the calling thread; creating each directory here, before its entries are visited, orders them. */
    private final class Walker extends SimpleFileVisitor<Path> {
        private final Path root;
        /** Target directories this run created: nothing in them can be resumed, so their files need no look first. */
        private final Set<Path> created = new HashSet<>();
        private final Path targetRoot = target.toAbsolutePath().normalize();
        private long entries;

        Walker(Path root) {
            this.root = root;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (stopping) {
                return FileVisitResult.TERMINATE;
            }
            Path to = null;
            try {
                countEntry(dir);
                to = targetOf(dir);
                FileAttribute<?>[] permissions = permissionsFor(dir, attrs, to, true);
                boolean fresh = dir.equals(root) ? createRoot(to, permissions) : createDirectory(to, permissions);
                if (fresh) {
                    created.add(to);
                }
                return FileVisitResult.CONTINUE;
            } catch (IOException | RuntimeException e) {
                fail(dir, to, e);
                return FileVisitResult.TERMINATE;
            }
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (stopping) {
                return FileVisitResult.TERMINATE;
            }
            Path to = null;
            try {
                countEntry(file);
                to = targetOf(file);
                if (attrs.isDirectory()) {
                    throw new FileSystemException(file.toString(), null, "the tree is deeper than " + MAX_DEPTH
                            + " levels (a directory that contains itself?); the transfer stops");
                }
                if (attrs.isRegularFile()) {
                    submit(file, to, attrs, resume && !created.contains(to.getParent()));
                } else {
                    skip(file, to,
                            attrs.isSymbolicLink() ? TransferListener.SYMBOLIC_LINK : TransferListener.NOT_REGULAR);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                    throw (InterruptedIOException) e;
                }
                fail(file, to, e);
            }
            return stopping ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
            fail(file, targetOrNull(file), exc);
            return FileVisitResult.TERMINATE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
            if (exc != null) {
                fail(dir, targetOrNull(dir), exc);
                return FileVisitResult.TERMINATE;
            }
            return stopping ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
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

    /**
     * Like {@link Files#createDirectories}, but counts each directory it creates; returns whether it created it.
     * {@code permissions} go to {@code dir} itself, not to the parents it creates.
     */
    private boolean createRoot(Path dir, FileAttribute<?>[] permissions) throws IOException {
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
            created = createDirectory(level, level == last ? permissions : NO_ATTRIBUTES);
        }
        return created;
    }

    /**
     * Creates first and looks only on failure: one round trip for a new tree, which is the latency-bound case.
     * Returns whether this call created the directory.
     */
    private boolean createDirectory(Path dir, FileAttribute<?>[] permissions) throws IOException {
        try {
            Files.createDirectory(dir, permissions);
            directoriesCreated.increment();
            return true;
        } catch (IOException e) {
            // SFTP v3 has no "already exists" status, so any failure may mean the directory is there already
            BasicFileAttributes existing = lstatOrNull(dir);
            if (existing != null && existing.isSymbolicLink()) {
                // a link where a directory goes is replaced, never entered: it could lead anywhere
                Files.delete(dir);
                return createDirectory(dir, permissions);
            }
            if (existing == null || !existing.isDirectory()) {
                throw e;
            }
            return false;
        }
    }

    private void submit(Path from, Path to, BasicFileAttributes attributes, boolean lookFirst)
            throws InterruptedIOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("transfer of " + source + " interrupted");
        }
        if (stopping) {
            slots.release();
            return;
        }
        try {
            pool.execute(() -> copyTask(from, to, attributes, lookFirst));
        } catch (RejectedExecutionException e) {
            slots.release();
            fail(from, to, e);
        }
    }

    private void copyTask(Path from, Path to, BasicFileAttributes attributes, boolean lookFirst) {
        try {
            if (!stopping) {
                copyFile(from, to, attributes, lookFirst);
            }
        } catch (Throwable e) {
            fail(from, to, e);
        } finally {
            slots.release();
        }
    }

    /** @param lookFirst whether the target may hold a complete or partial copy to skip or continue */
    private void copyFile(Path from, Path to, BasicFileAttributes attributes, boolean lookFirst) throws IOException {
        long size = attributes.size();
        FileTime modified = attributes.lastModifiedTime();
        long offset = 0;
        if (lookFirst) {
            BasicFileAttributes existing = lstatOrNull(to);
            if (existing != null && existing.isSymbolicLink()) {
                // a link where a file goes is replaced by the file, never written through: it could lead anywhere
                Files.delete(to);
                existing = null;
            }
            if (existing != null && existing.isRegularFile()) {
                long present = existing.size();
                boolean sameTime = seconds(existing.lastModifiedTime()) == seconds(modified);
                if (present == size && sameTime) {
                    skip(from, to, TransferListener.UP_TO_DATE);
                    return;
                }
                // A shorter file is never complete, whatever its time: a copy cut midway within the source's
                // second has the same one. Its tail must match the source's bytes at the same offsets.
                if (present > 0 && present < size && endsMatch(from, to, present)) {
                    offset = present;
                }
            }
        }
        listener.fileStarted(from, to, size);
        Written result = writeBytes(from, to, offset, size, permissionsFor(from, attributes, to, false));
        if (result == null) {
            return;
        }
        long written = result.bytes();
        if (offset + written != size) {
            throw new FileSystemException(from.toString(), to.toString(), "the source had " + size
                    + " bytes when listed and " + (offset + written) + " were copied (did the source change during"
                    + " the transfer?)");
        }
        if (offset > 0) {
            // a continued file is only as good as what was there before: its size must add up
            long targetSize = Files.readAttributes(to, BasicFileAttributes.class).size();
            if (targetSize != size) {
                throw new FileSystemException(from.toString(), to.toString(), "continued from byte " + offset
                        + ", the target has " + targetSize + " bytes where the source has " + size);
            }
        }
        // Only now, so that a file abandoned midway never looks complete to a resumed run
        BasicFileAttributeView view = Files.getFileAttributeView(to, BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new FileSystemException(to.toString(), null, "its provider has no basic file attribute view");
        }
        view.setTimes(modified, null, null);
        filesCopied.increment();
        if (offset > 0) {
            filesResumed.increment();
        }
        if (result.grew()) {
            filesChanged.increment();
            listener.fileChanged(from, to, size);
        }
        listener.fileCompleted(from, to, written);
    }

    /** What {@link #writeBytes} wrote, and whether the source had more than its listed size (cut there). */
    private record Written(long bytes, boolean grew) {
    }

    /**
     * Writes the source's bytes from {@code offset} up to its listed {@code size}, never more: a source that grows
     * while copied (or never ends, as a hostile server's may) is cut at the size it had when listed. Returns what was
     * written, or null when the transfer is stopping and the file was abandoned. The target is opened without
     * following a link (the caller replaced any link that was there).
     */
    private Written writeBytes(Path from, Path to, long offset, long size, FileAttribute<?>[] permissions)
            throws IOException {
        Set<OpenOption> options = new HashSet<>(List.of(WRITE, LinkOption.NOFOLLOW_LINKS));
        if (offset == 0) {
            options.addAll(List.of(CREATE, TRUNCATE_EXISTING));
        }
        ByteBuffer buffer = buffers.get();
        long written = 0;
        try (SeekableByteChannel in = Files.newByteChannel(from, READ);
             SeekableByteChannel out = Files.newByteChannel(to, options, permissions)) {
            if (offset > 0) {
                in.position(offset);
                out.position(offset);
            }
            boolean end = false;
            while (!end) {
                if (stopping) {
                    return null;
                }
                long left = size - offset - written;
                if (left <= 0) {
                    return new Written(written, hasMore(in, buffer));
                }
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), left));
                end = fill(in, buffer);
                buffer.flip();
                int chunk = buffer.remaining();
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                if (chunk > 0) {
                    written += chunk;
                    bytesTransferred.add(chunk);
                    listener.bytesTransferred(from, chunk);
                }
            }
        }
        return new Written(written, false);
    }

    /** Whether the channel has at least one more byte. */
    private static boolean hasMore(SeekableByteChannel in, ByteBuffer buffer) throws IOException {
        buffer.clear();
        buffer.limit(1);
        int read;
        do {
            read = in.read(buffer);
        } while (read == 0);
        return read > 0;
    }

    /** Reads until the buffer is full or the channel ends; returns whether it ended. */
    private static boolean fill(SeekableByteChannel in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last bytes (up to 64 KiB) of a partial target equal the source's at the same offsets. */
    private static boolean endsMatch(Path from, Path to, long present) throws IOException {
        int length = (int) Math.min(RESUME_CHECK_SIZE, present);
        long position = present - length;
        ByteBuffer expected = ByteBuffer.allocate(length);
        ByteBuffer actual = ByteBuffer.allocate(length);
        try (SeekableByteChannel in = Files.newByteChannel(from, READ);
             SeekableByteChannel existing = Files.newByteChannel(to, READ)) {
            in.position(position);
            existing.position(position);
            fill(in, expected);
            fill(existing, actual);
        }
        return !expected.hasRemaining() && !actual.hasRemaining() && expected.flip().equals(actual.flip());
    }

    /**
     * The source's permission bits for a file or directory this run may create (an existing target keeps its own);
     * none when either side lacks POSIX permissions. A file also grants its owner write, as OpenSSH's sftp does when
     * it downloads, or a cut copy of a read-only file could not be continued; a directory grants its owner
     * everything, or the run could not fill it.
     */
    private static FileAttribute<?>[] permissionsFor(Path from, BasicFileAttributes listed, Path to, boolean directory)
            throws IOException {
        if (!to.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return NO_ATTRIBUTES;
        }
        PosixFileAttributes posix;
        if (listed instanceof PosixFileAttributes carried) {
            posix = carried; // an SFTP listing carries the mode: no round trip
        } else if (from.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // the default provider hands a walk only basic attributes: one more (local) stat
            posix = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } else {
            return NO_ATTRIBUTES;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        permissions.addAll(posix.permissions());
        permissions.addAll(directory ? OWNER_ALL : OWNER_WRITE);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }

    /** What is at the path itself (a link is not followed), or null when nothing is. */
    private static BasicFileAttributes lstatOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Whole seconds, rounded down: SFTP version 3 carries no more. */
    private static long seconds(FileTime time) {
        return Math.floorDiv(time.toMillis(), 1000L);
    }

    private void skip(Path from, Path to, String reason) {
        filesSkipped.increment();
        listener.fileSkipped(from, to, reason);
    }

    private void fail(Path from, Path to, Throwable error) {
        Throwable cause = error instanceof UncheckedIOException && error.getCause() != null ? error.getCause() : error;
        if (!failure.compareAndSet(null, new Failure(from, to, cause)) && laterFailures.size() < MAX_SUPPRESSED
                && failure.get().error() != cause) {
            laterFailures.add(cause);
        }
        stopping = true;
    }

    /**
     * Lets queued tasks drain (they return at once when stopping) and waits for every worker thread to end; on an
     * interrupt it stops the transfer, interrupts the workers and still waits. Returns whether it was interrupted.
     */
    private boolean awaitWorkers() {
        boolean interrupted = Thread.interrupted();
        if (interrupted) {
            stopping = true;
            pool.shutdownNow();
        } else {
            pool.shutdown();
        }
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
                stopping = true;
                pool.shutdownNow();
            }
        }
        // Termination is signalled just before the threads exit; join them so none outlives run()
        List<Thread> workers = new ArrayList<>(threads);
        for (Thread worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    private TransferResult result() {
        return new TransferResult(filesCopied.sum(), filesSkipped.sum(), filesResumed.sum(), filesChanged.sum(),
                bytesTransferred.sum(), directoriesCreated.sum(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }
}
