package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.Objects;

/**
 * The stream {@code Files.newOutputStream} gives (and {@code Files.copy} to this file system writes to): every write
 * goes through the channel's write-behind pipeline. An interrupted write or close throws an
 * {@link java.io.InterruptedIOException}, as a stream's caller expects, with the thread's flag kept and the stream
 * closed; a file the stream created ({@code CREATE_NEW}, as {@code Files.copy} opens it) is then removed.
 */
final class RemoteOutputStream extends OutputStream {
    private final SandgateFileChannel channel;

    RemoteOutputStream(SandgateFileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] source, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length);
        ByteBuffer buffer = ByteBuffer.wrap(source, offset, length);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (ClosedByInterruptException e) {
            throw SftpErrors.interrupted(channel.pathName(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } catch (ClosedByInterruptException e) {
            throw SftpErrors.interrupted(channel.pathName(), e);
        }
    }
}
