package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import dev.sandgate.sftp.SftpConnectionLostException;
import dev.sandgate.sftp.SftpTimeoutException;
import dev.sandgate.sftp.WriteOutcomeUnknownException;

/**
 * The one place where SFTP failures become {@code java.nio.file} exceptions carrying the paths involved.
 *
 * <p>SFTP version 3 servers (OpenSSH's among them) answer most failures with the generic {@code SSH_FX_FAILURE};
 * operations that can tell several causes apart look at the paths afterwards and call the specific factories here.
 */
final class SftpErrors {
    private SftpErrors() {
    }

    /** Translates a failure of an operation on {@code file} (and {@code other}, for two-path operations). */
    static IOException translate(IOException failure, String file, String other, RemoteSftp sftp) {
        if (failure instanceof FileSystemException || failure instanceof InterruptedIOException) {
            return failure;
        }
        if (failure instanceof BoundedSftpClient.RequestTimedOut timedOut) {
            return withCause(new SftpTimeoutException(file, timedOut.limit()), failure);
        }
        if (failure instanceof SftpException) {
            return fromStatus(((SftpException) failure).getStatus(), failure, file, other, sftp);
        }
        if (failure instanceof BoundedSftpClient.ChannelEnded || sftp != null && !sftp.isOpen()) {
            return lost(file, other, sftp, failure);
        }
        return withCause(new FileSystemException(file, other, String.valueOf(failure.getMessage())), failure);
    }

    private static IOException fromStatus(int status, IOException failure, String file, String other, RemoteSftp sftp) {
        String message = failure.getMessage();
        switch (status) {
            case SftpConstants.SSH_FX_NO_SUCH_FILE:
            case SftpConstants.SSH_FX_NO_SUCH_PATH:
                return withCause(new NoSuchFileException(file, other, null), failure);
            case SftpConstants.SSH_FX_PERMISSION_DENIED:
            case SftpConstants.SSH_FX_WRITE_PROTECT:
                return withCause(new AccessDeniedException(file, other, null), failure);
            case SftpConstants.SSH_FX_FILE_ALREADY_EXISTS:
                return withCause(new FileAlreadyExistsException(file, other, null), failure);
            case SftpConstants.SSH_FX_DIR_NOT_EMPTY:
                return withCause(new DirectoryNotEmptyException(file), failure);
            case SftpConstants.SSH_FX_NOT_A_DIRECTORY:
                return withCause(new NotDirectoryException(file), failure);
            case SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY:
                return withCause(new FileSystemException(file, other, "Is a directory"), failure);
            case SftpConstants.SSH_FX_OP_UNSUPPORTED:
                return withCause(new FileSystemException(file, other,
                        "the SFTP server does not support this operation (" + message + ")"), failure);
            case SftpConstants.SSH_FX_NO_CONNECTION:
            case SftpConstants.SSH_FX_CONNECTION_LOST:
                return lost(file, other, sftp, failure);
            default:
                return withCause(new FileSystemException(file, other, message), failure);
        }
    }

    /**
     * The SFTP channel or the SSH connection under it ended; what comes next is decided by what the file system knows
     * of its connection: the next call reconnects, or reconnecting failed (that failure is the cause), or there is no
     * way back.
     */
    static SftpConnectionLostException lost(String file, String other, RemoteSftp sftp, IOException cause) {
        String session = sftp == null ? "the session" : "session " + sftp.sessionId();
        ReopeningSftp owner = sftp == null ? null : sftp.owner();
        IOException gaveUp = owner == null ? null : owner.gaveUp();
        SftpConnectionLostException lost;
        if (gaveUp != null) {
            lost = new SftpConnectionLostException(file, other, "the connection to " + session
                    + " was lost and reconnecting failed (" + gaveUp.getMessage()
                    + "); open a new file system on a new connection");
            lost.initCause(gaveUp);
            if (cause != null) {
                lost.addSuppressed(cause);
            }
            return lost;
        }
        String next = owner == null ? "open a new file system on a new connection"
                : owner.reconnects() ? "the next call reconnects"
                : "it does not reconnect (no ReconnectPolicy, or it was closed); open a new file system on a new"
                        + " connection";
        return withCause(new SftpConnectionLostException(file, other,
                "the connection to " + session + " was lost; " + next), cause);
    }

    /**
     * A write channel met a loss while bytes it had taken were not acknowledged: some may be on the server, some not.
     * {@code acknowledged} is the count of bytes the server confirmed before.
     */
    static WriteOutcomeUnknownException writeOutcomeUnknown(String file, long acknowledged,
                                                           SftpConnectionLostException loss) {
        return withCause(new WriteOutcomeUnknownException(file, "the connection was lost while writes were not yet"
                + " acknowledged: their outcome is unknown and the file is not complete (" + acknowledged
                + " bytes acknowledged before); " + loss.getReason()), loss);
    }

    /**
     * A write channel whose writes were all acknowledged when its connection was lost: the file's handle died with
     * the connection and is not re-opened (a resend could not be proved safe).
     */
    static SftpConnectionLostException writeChannelLost(String file, long acknowledged,
                                                        SftpConnectionLostException loss) {
        return withCause(new SftpConnectionLostException(file, null, "the connection was lost; the "
                + acknowledged + " bytes written before were acknowledged, and this channel is not re-opened: open the"
                + " file again. " + loss.getReason()), loss);
    }

    /**
     * A write channel's failure, told again to a later call: a fresh exception of the same kind (the caller may hold
     * the first, and try-with-resources adds the close failure to it as suppressed, which must not be itself).
     */
    static FileSystemException earlierWriteFailed(IOException failure) {
        String file = failure instanceof FileSystemException named ? named.getFile() : null;
        String reason = "an earlier write failed: " + failure.getMessage();
        FileSystemException again = failure instanceof WriteOutcomeUnknownException
                ? new WriteOutcomeUnknownException(file, reason)
                : failure instanceof SftpConnectionLostException ? new SftpConnectionLostException(file, null, reason)
                : new FileSystemException(file, null, reason);
        return withCause(again, failure);
    }

    /**
     * A channel operation (or a close) ended by its thread's interrupt, as {@code java.nio} channels say it; the
     * thread's flag stays set. {@code cause} is the failure of the wait that the interrupt ended, or null.
     */
    static ClosedByInterruptException closedByInterrupt(Throwable cause) {
        return withCause(new ClosedByInterruptException(), cause);
    }

    /**
     * The same interrupt told through a stream ({@code Files.newInputStream}, {@code newOutputStream},
     * {@code Files.copy}), whose callers expect an {@link InterruptedIOException}; the thread's flag stays set.
     */
    static InterruptedIOException interrupted(String file, Throwable cause) {
        InterruptedIOException e = new InterruptedIOException(file == null ? "interrupted" : file + ": interrupted");
        e.initCause(cause);
        return e;
    }

    static NoSuchFileException noSuchFile(String file, IOException cause) {
        return cause instanceof NoSuchFileException same ? same : withCause(new NoSuchFileException(file), cause);
    }

    /** A path whose parent is not a directory, as the JDK says it ({@code ENOTDIR} on a path's way). */
    static FileSystemException parentNotDirectory(String file, IOException cause) {
        return withCause(new FileSystemException(file, null, "Not a directory"), cause);
    }

    /** {@code NOFOLLOW_LINKS} was given and a link is there: Linux's {@code ELOOP}. */
    static FileSystemException linkWhereNoneMayBe(String file) {
        return new FileSystemException(file, null,
                "Too many levels of symbolic links (NOFOLLOW_LINKS was given and this is a link)");
    }

    static FileSystemException linkLoop(String file) {
        return new FileSystemException(file, null, "Too many levels of symbolic links");
    }

    static AccessDeniedException accessDenied(String file, String reason) {
        return new AccessDeniedException(file, null, reason);
    }

    static AtomicMoveNotSupportedException noAtomicMove(String source, String target, String reason) {
        return new AtomicMoveNotSupportedException(source, target, reason);
    }

    /** What SFTP version 3 cannot do at all, said with the path. */
    static FileSystemException unsupported(String file, String reason) {
        return new FileSystemException(file, null, reason);
    }

    /** A stat answered with success and no attributes at all (MINA's server, for what it cannot decide). */
    static FileSystemException unreadableAttributes(String file) {
        return new FileSystemException(file, null, "the SFTP server could not read its attributes"
                + " (a symbolic link loop, or a file where a directory should be)");
    }

    /**
     * A reply MINA's client decoded that could not be read: a length beyond what arrived, a count beyond its bytes.
     * MINA's buffers refuse those before allocating, with an unchecked exception.
     */
    static FileSystemException malformed(String file, RuntimeException cause) {
        return withCause(new FileSystemException(file, null, "the SFTP server sent a malformed reply ("
                + Names.visible(String.valueOf(cause.getMessage())) + ")"), cause);
    }

    static FileAlreadyExistsException alreadyExists(String file) {
        return alreadyExists(file, null);
    }

    /** Something is at the path; {@code cause} is the bare failure this explains, or null. */
    static FileAlreadyExistsException alreadyExists(String file, IOException cause) {
        return withCause(new FileAlreadyExistsException(file), cause);
    }

    static NotDirectoryException notDirectory(String file, IOException cause) {
        return withCause(new NotDirectoryException(file), cause);
    }

    static DirectoryNotEmptyException notEmpty(String file) {
        return notEmpty(file, null);
    }

    static DirectoryNotEmptyException notEmpty(String file, IOException cause) {
        return withCause(new DirectoryNotEmptyException(file), cause);
    }

    static NotLinkException notLink(String file) {
        return new NotLinkException(file, null, "Not a symbolic link");
    }

    static FileSystemException isDirectory(String file, IOException cause) {
        return withCause(new FileSystemException(file, null, "Is a directory"), cause);
    }

    private static <E extends Throwable> E withCause(E exception, Throwable cause) {
        if (cause != null && exception.getCause() == null) {
            exception.initCause(cause);
        }
        return exception;
    }
}
