package dev.sandgate.sftp.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.common.SftpConstants;

/** An open SFTP file handle: single requests, and the send/receive halves the pipelines use. */
final class RemoteFile implements Closeable {
    /** What a read request brought back: bytes, or null at the end of the file. */
    static final class Chunk {
        final byte[] data;
        final int length;

        Chunk(byte[] data, int length) {
            this.data = data;
            this.length = length;
        }
    }

    private final RemoteSftp sftp;
    private final SandgatePath path;
    private final byte[] handle;
    private final SftpClient.CloseableHandle minaHandle;
    private boolean closed;

    RemoteFile(RemoteSftp sftp, SandgatePath path, byte[] handle) {
        this.sftp = sftp;
        this.path = path;
        this.handle = handle;
        this.minaHandle = new SftpClient.CloseableHandle(path.remotePath(), handle) {
            @Override
            public boolean isOpen() {
                return !closed;
            }

            @Override
            public void close() {
                // the handle is closed by RemoteFile.close
            }
        };
    }

    SandgatePath path() {
        return path;
    }

    RemoteSftp sftp() {
        return sftp;
    }

    int sendRead(long offset, int length) throws IOException {
        Buffer request = RemoteSftp.request(handle.length + 16);
        request.putBytes(handle);
        request.putLong(offset);
        request.putInt(length);
        return sftp.send(SftpConstants.SSH_FXP_READ, request, path);
    }

    /**
     * The reply to a read request of {@code requested} bytes: its bytes, or null at the end of the file. The length
     * the server states is checked against what was asked and what arrived before anything is allocated.
     */
    Chunk receiveRead(int id, int requested) throws IOException {
        SftpReply reply = sftp.reply(id, path);
        byte[] data;
        try {
            data = reply.data(requested);
        } catch (IOException e) {
            throw sftp.failure(e, path);
        }
        return data == null ? null : new Chunk(data, data.length);
    }

    int sendWrite(long offset, ByteBuffer source, int length) throws IOException {
        Buffer request = RemoteSftp.request(handle.length + 16 + length);
        request.putBytes(handle);
        request.putLong(offset);
        request.putInt(length);
        int start = request.wpos();
        source.get(request.array(), start, length);
        request.wpos(start + length);
        return sftp.send(SftpConstants.SSH_FXP_WRITE, request, path);
    }

    void receiveStatus(int id) throws IOException {
        sftp.expectStatus(id, path);
    }

    /** One synchronous read at an offset: up to {@code length} bytes, or null at the end of the file. */
    Chunk read(long offset, int length) throws IOException {
        return receiveRead(sendRead(offset, length), length);
    }

    Attributes stat() throws IOException {
        try {
            return sftp.client().stat(minaHandle);
        } catch (IOException e) {
            throw sftp.failure(e, path);
        }
    }

    void setStat(Attributes attributes) throws IOException {
        try {
            sftp.client().setStat(minaHandle, attributes);
        } catch (IOException e) {
            throw sftp.failure(e, path);
        }
    }

    void fsync() throws IOException {
        try {
            sftp.extensions().fsync().fsync(minaHandle);
        } catch (IOException e) {
            throw sftp.failure(e, path);
        }
    }

    /** Copies on the server ({@code copy-data}); the caller checked that the server offers it. */
    void copyTo(RemoteFile target, long length) throws IOException {
        try {
            sftp.extensions().copyData().copyData(minaHandle, 0, length, target.minaHandle, 0);
        } catch (IOException e) {
            throw sftp.failure(e, path, target.path);
        }
    }

    /**
     * The longest write of at most {@code requestSize} bytes whose whole {@code WRITE} message fills a whole number of
     * the channel's packets. A 32 KiB write is 29 bytes longer than a 32 KiB packet and costs a second, tiny packet
     * (with its own future, buffer and cipher pass); 32 739 bytes fit one. Measured direct to OpenSSH's sshd, 512 MiB
     * uploads, 8 rounds: 266 against 243 MB/s median.
     */
    int writeLengthFitting(int requestSize) {
        // length, type, id, the handle as a string, offset, the data's length
        int overhead = 4 + 1 + 4 + 4 + handle.length + 8 + 4;
        long packet = sftp.channelPacketSize();
        if (packet <= overhead || packet > Integer.MAX_VALUE) {
            return requestSize;
        }
        long packets = (requestSize + (long) overhead) / packet;
        return packets == 0 ? requestSize : (int) (packets * packet - overhead);
    }

    /**
     * How many requests of {@code requestSize} bytes keep {@code bytesInFlight} in flight: at least one, at most
     * 1024. A server that takes shorter requests than asked for gets more of them, not fewer bytes in flight.
     */
    static int requestsWithin(long bytesInFlight, int requestSize) {
        long requests = (bytesInFlight + requestSize - 1) / requestSize;
        return (int) Math.max(1, Math.min(1024, requests));
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            awaitClose(sendClose());
        }
    }

    /**
     * Sends the close and returns its request id, for {@link #awaitClose}: replies to requests sent before it (writes
     * in flight) can be taken in between.
     */
    int sendClose() throws IOException {
        closed = true;
        return sftp.send(SftpConstants.SSH_FXP_CLOSE, closeRequest(), path);
    }

    /** Waits for the status of a close sent with {@link #sendClose}. */
    void awaitClose(int id) throws IOException {
        sftp.expectStatus(id, path);
    }

    /**
     * Sends the close and returns without its reply, saving a round trip. Only for a handle whose close cannot lose
     * anything (one that was only read): the server takes requests in order, so whatever the caller sends next on
     * this file system comes after the close.
     */
    void closeUnawaited() throws IOException {
        if (!closed) {
            closed = true;
            sftp.sendUnawaited(SftpConstants.SSH_FXP_CLOSE, closeRequest(), path);
        }
    }

    private Buffer closeRequest() {
        Buffer request = RemoteSftp.request(handle.length + 4);
        request.putBytes(handle);
        return request;
    }
}
