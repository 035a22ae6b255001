package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off, whose writes are reported to a {@link WriteProgress}, and whose input
 * passes a {@link WebSocketMessageGuard}. OkHttp leaves Nagle on, and then each small SSH packet on a WebSocket waits
 * for the previous one's ACK: about 40 ms per round trip against a peer that delays its ACKs. TLS sockets are layered
 * over these, so their writes are reported too; the guard then moves above TLS ({@link GuardedSslSocketFactory}).
 */
final class NoDelaySocketFactory extends SocketFactory {
    private final WriteProgress progress;
    private final long maxMessage;

    NoDelaySocketFactory(WriteProgress progress, long maxMessage) {
        this.progress = progress;
        this.maxMessage = maxMessage;
    }

    @Override
    public Socket createSocket() throws SocketException {
        Socket socket = new ReportingSocket(progress, maxMessage);
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

    /** A socket whose output stream reports each write, and whose input is guarded unless TLS runs over it. */
    static final class ReportingSocket extends Socket {
        private final WriteProgress progress;
        private final long maxMessage;
        private OutputStream reporting;
        private InputStream guarded;
        private boolean underTls;

        ReportingSocket(WriteProgress progress, long maxMessage) {
            this.progress = progress;
            this.maxMessage = maxMessage;
        }

        /** TLS is being layered over this socket: its bytes are records, and the guard sits above TLS instead. */
        synchronized void layeredUnderTls() {
            underTls = true;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (underTls) {
                return super.getInputStream();
            }
            if (guarded == null) {
                guarded = new WebSocketMessageGuard(super.getInputStream(), maxMessage);
            }
            return guarded;
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
