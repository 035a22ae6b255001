package dev.sandgate.sftp;

import java.nio.file.FileSystemException;
import java.util.Objects;

/**
 * A {@link TreeTransfer} stopped at its first error. {@link #getFile()} is the source path that failed (a file, or a
 * directory whose target could not be created or whose listing failed), {@link #getOtherFile()} the matching target
 * path, and {@link #getCause()} the original failure: the {@code java.nio.file} exception the provider threw, when it
 * threw one. {@link #partialResult()} tells what was done before the transfer stopped; running the same transfer
 * again with resume on continues from there.
 *
 * <pre>{@code
 * try {
 *     transfer.run();
 * } catch (TransferFailedException e) {
 *     log.warn("{} failed ({}), {} files were copied", e.getFile(), e.getCause(), e.partialResult().filesCopied());
 * }
 * }</pre>
 */
public final class TransferFailedException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final transient TransferResult partialResult;

    /**
     * Makes the exception; a transfer makes it when it stops.
     *
     * @param source        the source path that failed
     * @param target        the matching target path, or null
     * @param reason        what went wrong, in words
     * @param cause         the original failure
     * @param partialResult what the transfer did before it stopped
     */
    public TransferFailedException(String source, String target, String reason, Throwable cause,
            TransferResult partialResult) {
        super(source, target, reason);
        initCause(cause);
        this.partialResult = Objects.requireNonNull(partialResult, "partialResult");
    }

    /**
     * What the transfer did before it stopped.
     *
     * @return what the transfer did before it stopped
     */
    public TransferResult partialResult() {
        return partialResult;
    }
}
