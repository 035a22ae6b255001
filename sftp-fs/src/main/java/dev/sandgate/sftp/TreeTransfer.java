package dev.sandgate.sftp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;

import dev.sandgate.sftp.internal.TransferRun;

/**
 * Copies a directory tree (or one file) with many files in flight at once. Copying small files one after the other
 * over SFTP spends nearly all its time waiting for round trips; this helper keeps {@link Builder#concurrency(int)}
 * files open at the same time so those waits overlap.
 *
 * <pre>{@code
 * try (FileSystem remote = SandboxFileSystems.open(connection)) {
 *     TransferResult result = TreeTransfer.builder(Path.of("build/site"), remote.getPath("www"))
 *             .concurrency(32)
 *             .build()
 *             .run();
 *     System.out.println(result.filesCopied() + " files, " + result.bytesTransferred() + " bytes");
 * }
 * }</pre>
 *
 * <p><b>What is copied.</b> When the source is a directory, its contents are copied into the target directory, which
 * is created (with any missing parents) if needed; subdirectories are created before their files, and empty ones are
 * created too. When the source is a regular file, the target names the file to write, and its parent directories are
 * created if needed. Source and target may belong to different providers, such as the default file system and an
 * SFTP one: names are carried over as strings. Each file's bytes are written through
 * {@link java.nio.file.Files#newByteChannel} in large chunks, up to the size the source had when listed and never
 * more: a source that grew meanwhile (or never ends, as a hostile sandbox's file may) is cut at that size, counted in
 * {@link TransferResult#filesChanged()} and reported to {@link TransferListener#fileChanged} ("file changed as we read
 * it", in tar's words). A source that shrank fails the transfer. Then the file's last-modified time is set to the
 * source's. Directories' times are not copied.
 *
 * <p><b>A hostile source.</b> Every target lies inside {@code target}: each source name goes over as one name of the
 * target's file system (never empty, {@code .}, {@code ..}, or holding a separator or NUL), and the resulting path is
 * checked to lie inside the target after normalisation; a name that breaks this fails the transfer with an
 * {@link UnsafeNameException} before anything is written for it (a sandbox file system refuses such a listing
 * itself). At most {@link Builder#maxEntries(long)} entries and 2048 levels are walked.
 *
 * <p><b>Links in the target.</b> A symbolic link found in the target where a file or directory of the source goes is
 * replaced (the link is deleted, what it points to is left alone) and never written through, as tar and rsync do,
 * unlike {@code cp}: a link planted in the target cannot make a copy land elsewhere. Files are opened with
 * {@link java.nio.file.LinkOption#NOFOLLOW_LINKS}. The target itself and its parents may be links: the caller chose
 * them.
 *
 * <p><b>Permissions</b> go over much as OpenSSH's {@code sftp} carries them: a file or directory this run creates
 * asks for the source's permission bits (an executable stays executable; a {@code 0600} file stays private), which
 * the creating side's umask may trim (the local file system and OpenSSH's {@code sftp-server} apply one; MINA's
 * server sets the bits as asked). A file is also given {@code u+w}, so that a cut copy of a read-only file can be
 * continued, and a directory {@code u+rwx}, so that the run can fill it; both stay. A target that already exists
 * keeps its own permissions. Owners, groups and the set-user-id, set-group-id and sticky bits are never copied (they
 * cannot be: {@code PosixFilePermission} has no such bits); neither are permissions when either side has no POSIX
 * view.
 *
 * <p><b>Symbolic links</b> inside the tree are not followed and not copied: each one is reported to
 * {@link TransferListener#fileSkipped} and counted in {@link TransferResult#filesSkipped()}, as is anything that is
 * neither a regular file nor a directory, with the reason {@link SkipReason#SYMBOLIC_LINK} or
 * {@link SkipReason#NOT_REGULAR}. A link is not recreated on the other side either: a tree from a sandbox
 * whose links point outside it could otherwise make a later write land outside the target. A source that is itself a
 * link is followed.
 *
 * <p><b>Resume</b> (on by default). A target file with the source's size and last-modified time, compared to the
 * whole second (SFTP version 3 carries seconds), is skipped as up to date. A target file that is shorter than the
 * source is taken for an interrupted earlier copy, whatever its time: if its last bytes (up to 64 KiB) match the
 * source at the same offsets, writing continues from its end, and the target's size is checked afterwards; otherwise
 * it is rewritten. Every other existing target file is rewritten. A file is given the source's time only after all
 * its bytes were written, so a file left incomplete by a failure never looks complete to a later run. Files in a
 * directory this run created are written without looking at the target first.
 *
 * <p><b>What it costs.</b> Threads: none of its own. Its files are copied on a pool shared by every transfer of the
 * JVM (at most 64 threads, ending after 2 s idle) or on the {@linkplain Builder#executor executor} given; at most
 * {@linkplain Builder#concurrency(int) concurrency} files of a run are in flight, the rest wait. Memory: a buffer per
 * file in flight, as large as the file up to 256 KiB, plus the SFTP pipelines' requests in flight (about 1 MiB a large
 * file); the tree is walked as it goes, never held whole.
 *
 * <p><b>Failures.</b> The transfer stops at the first error: no new file is started, files in flight are abandoned
 * at their next chunk, every file copy of the run has ended, and {@link #run()} throws a {@link TransferFailedException}
 * naming the source path that failed and carrying the {@linkplain TransferFailedException#partialResult() partial
 * result}. If the calling thread is interrupted, the transfer stops the same way, the interrupt flag is kept and
 * {@code run()} throws an {@link InterruptedIOException}.
 *
 * <p>A {@code TreeTransfer} is immutable and may be {@linkplain #run() run} several times, even at once.
 */
public final class TreeTransfer {
    /** The default number of files in flight. */
    public static final int DEFAULT_CONCURRENCY = 64;
    /** The largest number of files in flight. */
    public static final int MAX_CONCURRENCY = 256;
    /** The default bound on the entries (files, directories, links) a transfer walks: ten million. */
    public static final long DEFAULT_MAX_ENTRIES = 10_000_000;

    private final Path source;
    private final Path target;
    private final int concurrency;
    private final TransferListener listener;
    private final boolean resume;
    private final long maxEntries;
    private final Executor executor;

    private TreeTransfer(Builder builder) {
        this.source = builder.source;
        this.target = builder.target;
        this.concurrency = builder.concurrency;
        this.listener = builder.listener;
        this.resume = builder.resume;
        this.maxEntries = builder.maxEntries;
        this.executor = builder.executor;
    }

    /**
     * Starts a transfer of {@code source} (a directory whose contents are copied into {@code target}, or a regular
     * file copied to the file {@code target}).
     *
     * @param source the directory or regular file to copy; a symbolic link here is followed
     * @param target the directory to copy into, or the file to write when {@code source} is a file; any provider
     * @return a builder with {@value #DEFAULT_CONCURRENCY} files in flight, resume on and no listener
     */
    public static Builder builder(Path source, Path target) {
        return new Builder(source, target);
    }

    /**
     * Copies the tree, blocking until every file is done and every file copy of this run has ended.
     *
     * @return what was copied and skipped
     * @throws TransferFailedException  the transfer stopped at an error; nothing is left in flight
     * @throws InterruptedIOException   the calling thread was interrupted (its interrupt flag is set again)
     * @throws IOException              never otherwise: every I/O failure is a {@code TransferFailedException}
     */
    public TransferResult run() throws IOException {
        return new TransferRun(source, target, concurrency, listener, resume, maxEntries, executor).execute();
    }

    @Override
    public String toString() {
        return "TreeTransfer[" + source + " -> " + target + ", concurrency=" + concurrency + ", resume=" + resume
                + "]";
    }

    /**
     * Configures a {@link TreeTransfer}; each setter checks its value at once.
     *
     * <pre>{@code
     * TreeTransfer transfer = TreeTransfer.builder(remote.getPath("results"), Path.of("out"))
     *         .concurrency(8)
     *         .resume(false)          // always rewrite every file
     *         .listener(progress)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final Path source;
        private final Path target;
        private int concurrency = DEFAULT_CONCURRENCY;
        private TransferListener listener = TransferListener.NONE;
        private boolean resume = true;
        private long maxEntries = DEFAULT_MAX_ENTRIES;
        private Executor executor;

        private Builder(Path source, Path target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
        }

        /**
         * How many files are copied at once, each on a thread of the executor: 1 to {@value TreeTransfer#MAX_CONCURRENCY},
         * {@value TreeTransfer#DEFAULT_CONCURRENCY} by default.
         *
         * @param concurrency how many files may be in flight at once
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
                throw new IllegalArgumentException(
                        "concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Hears progress; it must be thread-safe (see {@link TransferListener}).
         *
         * @param listener the listener to tell
         * @return this builder
         */
        public Builder listener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether complete target files are skipped and partial ones continued (true by default).
         *
         * @param resume true to skip up-to-date files and continue cut ones; false to rewrite every file
         * @return this builder
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * The most entries (files, directories, links) the transfer walks, {@value TreeTransfer#DEFAULT_MAX_ENTRIES}
         * by default; past it the transfer fails. A hostile server can list without end; memory stays flat either
         * way (listings are read as they are walked), this bounds the time.
         *
         * @param maxEntries the most entries to walk, at least 1
         * @return this builder
         */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * The threads that copy the files, to share with other transfers and the caller's own work. By default every
         * transfer of the JVM shares one pool of at most 64 daemon threads ({@code sandgate-transfer-N}), started as
         * files are handed to it and ending after 2 s without work. Either way, {@link #concurrency(int)} bounds how
         * many files of one run are in flight; a run's files wait for a thread when the executor is busy. The
         * executor must run every task it accepts (a task it rejects fails the transfer). A run that is interrupted
         * interrupts the threads running its own files and clears their interrupt flag when they finish.
         *
         * <pre>{@code
         * ExecutorService copies = Executors.newFixedThreadPool(16);
         * TreeTransfer.builder(source, target).executor(copies).build().run();
         * }</pre>
         *
         * @param executor runs the file copies
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** {@return a new {@code TreeTransfer} with what was given to this builder} */
        public TreeTransfer build() {
            return new TreeTransfer(this);
        }
    }
}
