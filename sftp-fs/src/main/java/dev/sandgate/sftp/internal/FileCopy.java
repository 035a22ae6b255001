package dev.sandgate.sftp.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.TransferListener;

/**
 * Copies one file of a transfer: the resume policy (skip a complete target, continue a partial one whose end matches),
 * the bytes up to the size the source was listed with and never more, the size check, and the time set last, so that
 * a file abandoned midway never looks complete. A link found where the file goes is replaced, never written through.
 */
final class FileCopy {
    /** Large chunks: over SFTP each write is split into pipelined requests, so bigger means fewer waits. */
    static final int CHUNK_SIZE = 256 * 1024;
    /** How much of a partial target's end is compared with the source before continuing it. */
    static final int RESUME_CHECK_SIZE = 64 * 1024;

    private final TransferListener listener;
    private final TransferCounts counts;
    private final TransferFailures failures;

    FileCopy(TransferListener listener, TransferCounts counts, TransferFailures failures) {
        this.listener = listener;
        this.counts = counts;
        this.failures = failures;
    }

    /** @param lookFirst whether the target may hold a complete or partial copy to skip or continue */
    void copy(Path from, Path to, BasicFileAttributes attributes, boolean lookFirst) throws IOException {
        long size = attributes.size();
        FileTime modified = attributes.lastModifiedTime();
        long offset = 0;
        if (lookFirst) {
            BasicFileAttributes existing = TargetDirectories.lstatOrNull(to);
            if (existing != null && existing.isSymbolicLink()) {
                // a link where a file goes is replaced by the file, never written through: it could lead anywhere
                Files.delete(to);
                existing = null;
            }
            if (existing != null && existing.isRegularFile()) {
                long present = existing.size();
                boolean sameTime = seconds(existing.lastModifiedTime()) == seconds(modified);
                if (present == size && sameTime) {
                    counts.filesSkipped.increment();
                    listener.fileSkipped(from, to, SkipReason.UP_TO_DATE);
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
        Written result = writeBytes(from, to, offset, size, CopyPermissions.permissionsFor(from, attributes, to, false));
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
        counts.filesCopied.increment();
        if (offset > 0) {
            counts.filesResumed.increment();
        }
        if (result.grew()) {
            counts.filesChanged.increment();
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
        // sized to what is left to copy: a 1 KiB file costs 1 KiB, not a chunk (one byte more tells a file that grew)
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_SIZE, Math.max(1, size - offset + 1)));
        long written = 0;
        try (SeekableByteChannel in = Files.newByteChannel(from, READ);
             SeekableByteChannel out = Files.newByteChannel(to, options, permissions)) {
            if (offset > 0) {
                in.position(offset);
                out.position(offset);
            }
            boolean end = false;
            while (!end) {
                if (failures.stopping()) {
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
                    counts.bytesTransferred.add(chunk);
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

    /** Whole seconds, rounded down: SFTP version 3 carries no more. */
    private static long seconds(FileTime time) {
        return Math.floorDiv(time.toMillis(), 1000L);
    }
}
