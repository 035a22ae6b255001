package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

import org.apache.sshd.client.channel.ChannelDirectTcpip;

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
 */
public final class RemoteStream implements Closeable {
    private final ChannelDirectTcpip channel;
    private final String target;

    RemoteStream(ChannelDirectTcpip channel, String target) {
        this.channel = channel;
        this.target = target;
    }

    /**
     * What the far end sends; end of stream when it closes its side.
     *
     * @return what the far end sends; end of stream when it closes its side
     */
    public InputStream getInputStream() {
        return channel.getInvertedOut();
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
