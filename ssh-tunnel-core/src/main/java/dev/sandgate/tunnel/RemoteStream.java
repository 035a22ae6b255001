package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

import org.apache.sshd.client.channel.ChannelDirectTcpip;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * A TCP connection to a host and port as seen from inside the sandbox (an SSH {@code direct-tcpip} channel), used
 * like a socket without any local port. Made by {@link SshConnection#openStream(String, int)}.
 *
 * <pre>{@code
 * try (RemoteStream stream = connection.openStream("127.0.0.1", 8000)) {
 *     stream.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
 *     stream.shutdownOutput();
 *     String answer = new String(stream.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
 * }
 * }</pre>
 *
 * <p>A read ends in {@link ConnectionLostException}, never a clean end of stream, when the SSH connection ended before
 * the far end closed its side ({@link #connectionLost()}); an interrupted read closes the stream and throws
 * {@link java.io.InterruptedIOException}, the thread's interrupt flag still set.
 */
public final class RemoteStream implements Closeable {
    private final ChannelDirectTcpip channel;
    private final String target;
    private final ChannelStreams streams;
    private final InputStream input;

    RemoteStream(ChannelDirectTcpip channel, String target, ConnectionRecord record, Supplier<String> description) {
        this.channel = channel;
        this.target = target;
        this.streams = new ChannelStreams(channel, record, description, () -> channel.close(true));
        this.input = streams.input(channel.getInvertedOut(), "the stream to " + target);
    }

    /**
     * What the far end sends; end of stream when it closes its side, {@link ConnectionLostException} when the
     * connection ended first.
     *
     * @return what the far end sends
     */
    public InputStream getInputStream() {
        return input;
    }

    /**
     * Whether the SSH connection ended before the far end closed its side: what was read is not all it sent.
     *
     * <pre>{@code
     * byte[] answer = stream.getInputStream().readAllBytes();   // throws ConnectionLostException then
     * }</pre>
     *
     * @return whether the stream was cut by the connection's end; false while it is open or after a normal end
     */
    public boolean connectionLost() {
        return streams.lost();
    }

    /**
     * What goes to the far end; writes wait while its window is full.
     *
     * @return what goes to the far end; writes wait while its window is full
     */
    public OutputStream getOutputStream() {
        return channel.getInvertedIn();
    }

    /**
     * Half-close: tells the far end nothing more will be sent, while its answer can still be read.
     *
     * @throws java.io.IOException if the channel cannot be half-closed
     */
    public void shutdownOutput() throws java.io.IOException {
        channel.getInvertedIn().close();
    }

    /** {@return whether it is still open} */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes both directions. Idempotent. */
    @Override
    public void close() {
        channel.close(false);
    }

    @Override
    public String toString() {
        return "RemoteStream{" + target + (isOpen() ? "" : ", closed") + "}";
    }
}
