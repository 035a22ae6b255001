package dev.sandgate.sftp;

import java.nio.file.Path;

/**
 * Hears the progress of a {@link TreeTransfer}. Every method has a do-nothing default, so a listener overrides only
 * what it needs.
 *
 * <p><b>Thread safety.</b> The methods are called from the transfer's worker threads, several at once (one per file
 * in flight), and {@link #fileSkipped} also from the thread that called {@link TreeTransfer#run()}. An implementation
 * must be thread-safe, and should return quickly: a slow listener slows the transfer. An exception thrown by a
 * listener fails the transfer like an I/O error on that file.
 *
 * <pre>{@code
 * LongAdder sent = new LongAdder();
 * TreeTransfer.builder(localDir, remoteDir)
 *         .listener(new TransferListener() {
 *             public void bytesTransferred(Path source, long bytes) { sent.add(bytes); }
 *             public void fileSkipped(Path source, Path target, SkipReason reason) {
 *                 log.info("{}: {}", source, reason);
 *             }
 *         })
 *         .build()
 *         .run();
 * }</pre>
 */
public interface TransferListener {
    /** Hears nothing. */
    TransferListener NONE = new TransferListener() {
    };

    /**
     * A file's bytes are about to be written.
     *
     * @param source the file being read
     * @param target the file being written, inside the transfer's target
     * @param size the source file's whole size, also when an earlier partial copy is being continued
     */
    default void fileStarted(Path source, Path target, long size) {
    }

    /**
     * {@code bytes} more bytes of {@code source} were written to the target; called once per chunk.
     *
     * @param source the file being read, as passed to {@link #fileStarted}
     * @param bytes how many bytes this chunk added, more than 0; the sum over a file's calls is its bytes of this run
     */
    default void bytesTransferred(Path source, long bytes) {
    }

    /**
     * A file was copied completely, its size checked and its last-modified time set.
     *
     * @param source the file that was read
     * @param target the file that was written
     * @param bytes the bytes written for it in this run: less than its size when a partial copy was continued
     */
    default void fileCompleted(Path source, Path target, long bytes) {
    }

    /**
     * A file's source had more bytes than the size it was listed with (it grew while copied, or never ends, as a
     * hostile server's file may): the copy was cut at {@code listedSize}, as the file was when listed, and then
     * completed as usual. tar says "file changed as we read it" of such a file.
     *
     * @param source     the file that was read
     * @param target     the file that was written
     * @param listedSize the size the source was listed with, which is what the target holds
     */
    default void fileChanged(Path source, Path target, long listedSize) {
    }

    /**
     * An entry was not copied: a symbolic link, something that is neither a regular file nor a directory, or (when
     * resuming) a target that is already complete.
     *
     * @param source the entry not copied
     * @param target where the entry would have gone
     * @param reason why; only {@link SkipReason#UP_TO_DATE} means the target already holds the file
     */
    default void fileSkipped(Path source, Path target, SkipReason reason) {
    }
}
