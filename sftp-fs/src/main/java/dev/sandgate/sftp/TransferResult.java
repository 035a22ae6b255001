package dev.sandgate.sftp;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TreeTransfer} did: returned by {@link TreeTransfer#run()}, and carried by a
 * {@link TransferFailedException} for a transfer that stopped early.
 *
 * <pre>{@code
 * TransferResult result = TreeTransfer.builder(localDir, remoteDir).build().run();
 * System.out.printf("%d files (%d resumed), %d skipped, %d bytes in %s%n", result.filesCopied(),
 *         result.filesResumed(), result.filesSkipped(), result.bytesTransferred(), result.elapsed());
 * }</pre>
 *
 * @param filesCopied        files whose bytes were written and completed in this run, including resumed ones
 * @param filesSkipped       entries not copied: symbolic links, special files, and targets already up to date
 * @param filesResumed       of {@code filesCopied}, those that continued a partial earlier copy
 * @param filesChanged       of {@code filesCopied}, those whose source had grown past the size it was listed with:
 *                           each was cut at that size and reported to {@link TransferListener#fileChanged}
 * @param bytesTransferred   bytes actually written in this run (a resumed file counts only its missing part; a file
 *                           abandoned after an error counts what was written of it)
 * @param directoriesCreated directories that did not exist and were created, the target itself included
 * @param elapsed            how long the run took
 */
public record TransferResult(long filesCopied, long filesSkipped, long filesResumed, long filesChanged,
        long bytesTransferred, long directoriesCreated, Duration elapsed) {

    /**

     * Checks the components.

     *

     * @param filesCopied        files whose bytes were written and completed in this run, including resumed ones

     * @param filesSkipped       entries not copied: symbolic links, special files, and targets already up to date

     * @param filesResumed       of {@code filesCopied}, those that continued a partial earlier copy
     * @param filesChanged       of {@code filesCopied}, those cut at their listed size because the source had grown

     * @param bytesTransferred   bytes actually written in this run (a resumed file counts only its missing part; a file

     *        abandoned after an error counts what was written of it)

     * @param directoriesCreated directories that did not exist and were created, the target itself included

     * @param elapsed            how long the run took

     */

    public TransferResult {
        notNegative(filesCopied, "filesCopied");
        notNegative(filesSkipped, "filesSkipped");
        notNegative(filesResumed, "filesResumed");
        notNegative(filesChanged, "filesChanged");
        notNegative(bytesTransferred, "bytesTransferred");
        notNegative(directoriesCreated, "directoriesCreated");
        Objects.requireNonNull(elapsed, "elapsed");
        if (filesChanged > filesCopied) {
            throw new IllegalArgumentException(
                    "filesChanged (" + filesChanged + ") must not exceed filesCopied (" + filesCopied + ")");
        }
        if (filesResumed > filesCopied) {
            throw new IllegalArgumentException(
                    "filesResumed (" + filesResumed + ") must not exceed filesCopied (" + filesCopied + ")");
        }
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, got " + elapsed);
        }
    }

    private static void notNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
