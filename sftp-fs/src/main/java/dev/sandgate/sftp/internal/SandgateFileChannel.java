package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.apache.sshd.sftp.client.SftpClient.Attributes;

import dev.sandgate.sftp.SftpConnectionLostException;

/**
 * A {@link FileChannel} on an SFTP handle. Sequential reads go through a {@link ReadAhead}, all writes through a
 * {@link WriteBehind}; anything that must see the file as it is (size, truncate, force, positional reads, close) first
 * waits for the writes in flight. One lock orders all operations, so many threads may share a channel.
 *
 * <p>A handle dies with its connection. A channel opened only to read re-opens its file on the reconnected file
 * system and goes on at its position (reads are idempotent); a channel that writes is not re-opened, and its writes
 * fail as {@link WriteBehind} says.
 */
final class SandgateFileChannel extends FileChannel {
    /** Replaced only when a read-only channel re-opens its file after a loss. */
    private RemoteFile file;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean sync;
    private final int requestSize;
    private final int requestsInFlight;
    private final Runnable onClose;
    /** Opens the file again on the file system's current channel; null for a channel that writes. */
    private final Reopener reopener;
    private final Object lock = new Object();
    private long position;
    /** Set when an interrupt closes the channel: nothing more is waited for. */
    private volatile boolean interrupted;
    /** A file this channel created ({@code CREATE_NEW}) is removed when an interrupt ends the channel. */
    private final boolean createdNew;
    private ReadAhead reader;
    private WriteBehind writer;

    /** Opens the file again, the way it was opened, on the file system's current SFTP channel. */
    @FunctionalInterface
    interface Reopener {
        RemoteFile reopen() throws IOException;
    }

    /** A read of the file, retried once on a re-opened handle when a loss ended it. */
    @FunctionalInterface
    private interface Read<T> {
        T run() throws IOException;
    }

    SandgateFileChannel(RemoteFile file, OpenOptions options, long position, int requestSize, int requestsInFlight,
                        Reopener reopener, Runnable onClose) {
        this.file = file;
        this.readable = options.read();
        this.writable = options.write();
        this.append = options.append();
        this.sync = options.sync();
        this.position = position;
        this.requestSize = requestSize;
        this.requestsInFlight = requestsInFlight;
        this.onClose = onClose;
        this.reopener = options.write() ? null : reopener;
        this.createdNew = options.createNew();
    }

    /**
     * Runs a read; when the connection was lost under it and this channel only reads, re-opens the file on the
     * reconnected file system and runs it once more. Called with the lock held: the caller's position stays where the
     * last completed read left it, so the read goes on at its offset.
     */
    private <T> T acrossLoss(Read<T> read) throws IOException {
        try {
            return read.run();
        } catch (SftpConnectionLostException lost) {
            if (reopener == null) {
                throw lost;
            }
            reader = null; // its requests died with the old handle
            RemoteFile reopened;
            try {
                reopened = reopener.reopen();
            } catch (IOException e) {
                e.addSuppressed(lost);
                throw e;
            }
            file = reopened;
            return read.run();
        }
    }

    /** An operation that may wait for the server. */
    @FunctionalInterface
    private interface Blocking<T> {
        T run() throws IOException;
    }

    /**
     * Runs an operation the way the JDK's interruptible channels do: a thread interrupted before or while it waits
     * (the SFTP client sets the flag again when its wait ends) closes this channel, not the file system's SFTP
     * channel, and gets a {@link ClosedByInterruptException} with its flag kept. The interrupt is decided by the flag
     * alone, whatever the failure says.
     */
    private <T> T interruptible(Blocking<T> operation) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw closedByInterrupt(null);
        }
        try {
            return operation.run();
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw closedByInterrupt(e);
            }
            throw e;
        }
    }

    private ClosedByInterruptException closedByInterrupt(Exception cause) {
        interrupted = true;
        try {
            close();
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
        return SftpErrors.closedByInterrupt(cause);
    }

    /** The file's path, as failures name it. */
    String pathName() {
        return file.path().toString();
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws IOException {
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws IOException {
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    private void flushWrites() throws IOException {
        if (writer != null) {
            writer.flush();
        }
    }

    private void dropReader() {
        if (reader != null) {
            reader.drain();
            reader = null;
        }
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        return interruptible(() -> readNow(target));
    }

    private int readNow(ByteBuffer target) throws IOException {
        synchronized (lock) {
            ensureReadable();
            if (!target.hasRemaining()) {
                return 0;
            }
            flushWrites();
            int count = acrossLoss(() -> {
                if (reader == null || reader.position() != position) {
                    dropReader();
                    reader = new ReadAhead(file, position, Math.min(requestSize, file.sftp().extensions().maxRead()),
                            bytesInFlight());
                }
                return reader.read(target);
            });
            if (count < 0) {
                reader = null; // a later read asks again, in case the file grew
                return -1;
            }
            position += count;
            return count;
        }
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            while (targets[i].hasRemaining()) {
                int count = read(targets[i]);
                if (count < 0) {
                    return total == 0 ? -1 : total;
                }
                total += count;
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return interruptible(() -> writeNow(source));
    }

    private int writeNow(ByteBuffer source) throws IOException {
        synchronized (lock) {
            ensureWritable();
            dropReader();
            int count = writer().write(position, source);
            position += count;
            syncIfAsked();
            return count;
        }
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(sources[i]);
        }
        return total;
    }

    /** What one pipeline keeps in flight, however short the server wants its requests: see {@code SftpOptions}. */
    private long bytesInFlight() {
        return (long) requestSize * requestsInFlight;
    }

    private WriteBehind writer() {
        if (writer == null) {
            writer = new WriteBehind(file, file.writeLengthFitting(Math.min(requestSize, file.sftp().extensions().maxWrite())),
                    bytesInFlight());
        }
        return writer;
    }

    /** As the JDK's: an appending channel is always at the end, wherever it was told to be. */
    @Override
    public long position() throws IOException {
        synchronized (lock) {
            ensureOpen();
            return append ? size() : position;
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("a position may not be negative: " + newPosition);
        }
        synchronized (lock) {
            ensureOpen();
            position = newPosition;
            return this;
        }
    }

    @Override
    public long size() throws IOException {
        return interruptible(this::sizeNow);
    }

    private long sizeNow() throws IOException {
        synchronized (lock) {
            ensureOpen();
            flushWrites();
            return acrossLoss(() -> file.stat().getSize());
        }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        return interruptible(() -> truncateNow(size));
    }

    private FileChannel truncateNow(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("a size may not be negative: " + size);
        }
        synchronized (lock) {
            ensureWritable();
            flushWrites();
            dropReader();
            if (size < file.stat().getSize()) {
                file.setStat(new Attributes().size(size));
            }
            if (position > size) {
                position = size;
            }
            return this;
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        interruptible(() -> {
            forceNow(metaData);
            return null;
        });
    }

    private void forceNow(boolean metaData) throws IOException {
        synchronized (lock) {
            ensureOpen();
            flushWrites();
            if (writable && file.sftp().extensions().hasFsync()) {
                file.fsync();
            }
        }
    }

    /** Through the read-ahead pipeline (the JDK's stream copies call this), leaving the position as it was. */
    @Override
    public long transferTo(long from, long count, WritableByteChannel target) throws IOException {
        synchronized (lock) {
            ensureReadable();
            long saved = position;
            position = from;
            try {
                long done = 0;
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(256 * 1024, Math.max(count, 1)));
                while (done < count) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
                    int read = read(buffer);
                    if (read <= 0) {
                        break;
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        target.write(buffer);
                    }
                    done += read;
                }
                return done;
            } finally {
                position = saved;
            }
        }
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long at, long count) throws IOException {
        ensureWritable();
        long done = 0;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(256 * 1024, Math.max(count, 1)));
        while (done < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
            int read = source.read(buffer);
            if (read <= 0) {
                break;
            }
            buffer.flip();
            write(buffer, at + done);
            done += read;
        }
        return done;
    }

    @Override
    public int read(ByteBuffer target, long at) throws IOException {
        return interruptible(() -> readNow(target, at));
    }

    private int readNow(ByteBuffer target, long at) throws IOException {
        if (at < 0) {
            throw new IllegalArgumentException("a position may not be negative: " + at);
        }
        synchronized (lock) {
            ensureReadable();
            flushWrites();
            int wanted = Math.min(target.remaining(), file.sftp().extensions().maxRead());
            if (wanted == 0) {
                return 0;
            }
            RemoteFile.Chunk chunk = acrossLoss(() -> file.read(at, wanted));
            if (chunk == null) {
                return -1;
            }
            target.put(chunk.data, 0, chunk.length);
            return chunk.length;
        }
    }

    @Override
    public int write(ByteBuffer source, long at) throws IOException {
        return interruptible(() -> writeNow(source, at));
    }

    private int writeNow(ByteBuffer source, long at) throws IOException {
        if (at < 0) {
            throw new IllegalArgumentException("a position may not be negative: " + at);
        }
        synchronized (lock) {
            ensureWritable();
            dropReader();
            int count = writer().write(at, source);
            syncIfAsked();
            return count;
        }
    }

    /** SYNC and DSYNC: each write is on the server's disk before it returns, when the server offers fsync. */
    private void syncIfAsked() throws IOException {
        if (sync) {
            writer.flush();
            if (file.sftp().extensions().hasFsync()) {
                file.fsync();
            }
        }
    }

    /** Whether this channel appends: every write lands at the end of the file, as the server opened it. */
    boolean appends() {
        return append;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("memory-mapping a remote SFTP file is not supported");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("SFTP version 3 has no file locks");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException("SFTP version 3 has no file locks");
    }

    /**
     * Closes the handle. A written file's last writes and its close go out together and every status is then taken:
     * the server takes requests on a handle in order, so the close follows the writes, and a small file costs one
     * round trip less than waiting for the writes first. Any write's failure is what {@code close()} throws.
     */
    @Override
    protected void implCloseChannel() throws IOException {
        synchronized (lock) {
            if (interrupted) {
                abandon(); // the interrupted operation told its caller
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                // closed by an interrupted thread (Files.copy's try-with-resources after its local side was interrupted):
                // no wait would end, and a written file is not complete, which the caller must hear
                interrupted = true;
                abandon();
                if (writable) {
                    throw SftpErrors.closedByInterrupt(null);
                }
                return;
            }
            IOException failure = null;
            try {
                if (writer != null) {
                    writer.sendWhatIsJoined();
                }
            } catch (IOException e) {
                failure = e;
            }
            dropReader();
            int closeId = -1;
            try {
                if (writable) {
                    closeId = file.sendClose();
                } else {
                    // nothing of the caller's depends on a read handle's close: its reply is not waited for
                    file.closeUnawaited();
                }
            } catch (IOException e) {
                failure = firstOf(failure, e);
            }
            try {
                flushWrites();
            } catch (IOException e) {
                failure = firstOf(failure, e);
            }
            try {
                if (closeId >= 0) {
                    file.awaitClose(closeId);
                }
            } catch (IOException e) {
                failure = firstOf(failure, e);
            } finally {
                onClose.run();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Ends the channel without waiting for anything (its thread was interrupted): replies still due are dropped when
     * they come, and the handle's close (then the removal of a file this channel created, so that no half upload looks
     * complete) goes out on a thread of its own, as sending may wait for the SSH window.
     */
    private void abandon() {
        if (writer != null) {
            writer.abandon();
        }
        if (reader != null) {
            reader.abandon();
            reader = null;
        }
        try {
            AbandonedHandles.closeLater(file, writable && createdNew);
        } finally {
            onClose.run();
        }
    }

    private static IOException firstOf(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }
}
