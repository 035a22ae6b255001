package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLSocket;

import jdk.net.ExtendedSocketOptions;

import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;

/**
 * A tunnel over a socket (an accepted CONNECT, or plain TCP): a reader thread, named after the tunnel, pushes bytes;
 * {@link #send} writes them. The reader is a virtual thread where the JDK has them ({@link PeerThreads}) and reads into
 * a buffer that is small while the peer is quiet ({@link TunnelBuffers}).
 */
final class SocketTunnel implements Tunnel {
    /** Reads shorter than this are replies to requests, answered with an immediate acknowledgement. */
    private static final int SHORT_READ = 1024;

    private final Socket socket;
    private final byte[] leftover;
    private final String description;
    private final String readerName;
    private final OutputStream out;
    /** A lock, not a monitor: a virtual thread blocked writing under a monitor would pin its carrier on JDK 21-23. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param readerName the reader thread's name, which says which session it serves */
    SocketTunnel(Socket socket, byte[] leftover, String description, String readerName) throws IOException {
        this.socket = socket;
        this.readerName = readerName;
        this.leftover = leftover;
        this.description = description;
        this.out = socket.getOutputStream();
    }

    /**
     * Whether this socket takes {@code TCP_QUICKACK} (Linux). Peers and proxies that send small packets without
     * {@code TCP_NODELAY} (sshd outside a terminal session, tinyproxy) hold each one back until the previous one is
     * acknowledged; a delayed acknowledgement then stalls SFTP replies for up to 40 ms, which cut uploads through
     * tinyproxy to a fifth.
     */
    private boolean quickAck() {
        try {
            return socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Linux leaves quick-ACK mode on its own, so it is asked for again after each short read: a reply to a request,
     * the case where a held-back acknowledgement stalls the peer. Bulk data arrives in long reads and is left to the
     * kernel's delayed acknowledgements, which let a proxy without {@code TCP_NODELAY} gather its small writes into
     * long segments; acknowledging every read made tinyproxy send 7 KiB segments where OpenSSH's client got 42 KiB
     * ones, and cost a system call per read. A socket that refuses it is only slower: the tunnel goes on without it
     * (a broken socket shows on the next read).
     */
    private boolean rearmQuickAck() {
        try {
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void start(Receiver receiver) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Tunnel already started: " + description);
        }
        PeerThreads.start(readerName, () -> readLoop(receiver));
    }

    private void readLoop(Receiver receiver) {
        IOException failure = null;
        TunnelBuffers.Adaptive buffers = new TunnelBuffers.Adaptive();
        try {
            if (leftover.length > 0) {
                receiver.onBytes(ByteBuffer.wrap(leftover));
            }
            InputStream in = socket.getInputStream();
            int n;
            boolean quickAck = quickAck();
            while ((n = in.read(buffers.buffer())) >= 0) {
                if (quickAck && n < SHORT_READ) {
                    quickAck = rearmQuickAck();
                }
                if (n > 0) {
                    receiver.onBytes(ByteBuffer.wrap(buffers.buffer(), 0, n));
                }
                buffers.afterRead(n);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                failure = new TunnelException(description + " broke: " + e.getMessage(), e);
            }
        } finally {
            buffers.release();
            close();
            receiver.onClosed(failure);
        }
    }

    @Override
    public void send(ByteBuffer bytes) throws IOException {
        writeLock.lock();
        try {
            if (closed.get()) {
                throw new TunnelException(description + " is closed");
            }
            if (bytes.hasArray()) {
                out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                out.write(copy);
            }
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        // TLS sockets cannot half-close; SSH sends its own EOF, so nothing is lost
        if (!(socket instanceof SSLSocket) && !closed.get()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to report to
            }
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
