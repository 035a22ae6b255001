package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off, whose writes are reported to a {@link WriteProgress}. OkHttp leaves Nagle
 * on, and then each small SSH packet on a WebSocket waits for the previous one's ACK: about 40 ms per round trip
 * against a peer that delays its ACKs. TLS sockets are layered over these, so their writes are reported too.
 */
final class NoDelaySocketFactory extends SocketFactory {
    private final WriteProgress progress;

    NoDelaySocketFactory(WriteProgress progress) {
        this.progress = progress;
    }

    @Override
    public Socket createSocket() throws SocketException {
        Socket socket = new ReportingSocket(progress);
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress... local) throws IOException {
        Socket socket = createSocket();
        if (local.length > 0) {
            socket.bind(local[0]);
        }
        socket.connect(remote);
        return socket;
    }

    /** A socket whose output stream reports each write. */
    private static final class ReportingSocket extends Socket {
        private final WriteProgress progress;
        private OutputStream reporting;

        ReportingSocket(WriteProgress progress) {
            this.progress = progress;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (reporting == null) {
                reporting = progress.reporting(super.getOutputStream());
            }
            return reporting;
        }
    }
}
