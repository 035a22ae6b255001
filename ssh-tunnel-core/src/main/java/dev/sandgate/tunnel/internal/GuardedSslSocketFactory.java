package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.function.BiFunction;

import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets whose decrypted input passes a {@link WebSocketMessageGuard}. OkHttp layers TLS over the plain socket
 * its {@code SocketFactory} made, so the plain socket sees only TLS records: the guard has to sit above TLS, in this
 * wrapper, which otherwise hands every call to the JDK's own TLS socket.
 */
final class GuardedSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final long maxMessage;

    GuardedSslSocketFactory(SSLSocketFactory delegate, long maxMessage) {
        this.delegate = delegate;
        this.maxMessage = maxMessage;
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        if (plain instanceof NoDelaySocketFactory.ReportingSocket) {
            // the plain socket now carries TLS records, not WebSocket frames
            ((NoDelaySocketFactory.ReportingSocket) plain).layeredUnderTls();
        }
        return new GuardedSslSocket((SSLSocket) delegate.createSocket(plain, host, port, autoClose), maxMessage);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new GuardedSslSocket((SSLSocket) delegate.createSocket(host, port), maxMessage);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new GuardedSslSocket((SSLSocket) delegate.createSocket(host, port, localHost, localPort), maxMessage);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new GuardedSslSocket((SSLSocket) delegate.createSocket(host, port), maxMessage);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return new GuardedSslSocket((SSLSocket) delegate.createSocket(address, port, localAddress, localPort), maxMessage);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    /** An {@link SSLSocket} that is the JDK's in all but its input stream. */
    private static final class GuardedSslSocket extends SSLSocket {
        private final SSLSocket tls;
        private final long maxMessage;
        private InputStream guarded;

        GuardedSslSocket(SSLSocket tls, long maxMessage) {
            this.tls = tls;
            this.maxMessage = maxMessage;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (guarded == null) {
                guarded = new WebSocketMessageGuard(tls.getInputStream(), maxMessage);
            }
            return guarded;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return tls.getOutputStream();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return tls.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            tls.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return tls.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return tls.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            tls.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return tls.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return tls.getHandshakeSession();
        }

        @Override
        public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
            tls.addHandshakeCompletedListener(listener);
        }

        @Override
        public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
            tls.removeHandshakeCompletedListener(listener);
        }

        @Override
        public void startHandshake() throws IOException {
            tls.startHandshake();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            tls.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return tls.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            tls.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return tls.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            tls.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return tls.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            tls.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return tls.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return tls.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters parameters) {
            tls.setSSLParameters(parameters);
        }

        @Override
        public String getApplicationProtocol() {
            return tls.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return tls.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, java.util.List<String>, String> selector) {
            tls.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLSocket, java.util.List<String>, String> getHandshakeApplicationProtocolSelector() {
            return tls.getHandshakeApplicationProtocolSelector();
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            tls.connect(endpoint);
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            tls.connect(endpoint, timeout);
        }

        @Override
        public void bind(SocketAddress local) throws IOException {
            tls.bind(local);
        }

        @Override
        public InetAddress getInetAddress() {
            return tls.getInetAddress();
        }

        @Override
        public InetAddress getLocalAddress() {
            return tls.getLocalAddress();
        }

        @Override
        public int getPort() {
            return tls.getPort();
        }

        @Override
        public int getLocalPort() {
            return tls.getLocalPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return tls.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return tls.getLocalSocketAddress();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            tls.setTcpNoDelay(on);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return tls.getTcpNoDelay();
        }

        @Override
        public void setSoLinger(boolean on, int linger) throws SocketException {
            tls.setSoLinger(on, linger);
        }

        @Override
        public int getSoLinger() throws SocketException {
            return tls.getSoLinger();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            tls.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return tls.getSoTimeout();
        }

        @Override
        public void setSendBufferSize(int size) throws SocketException {
            tls.setSendBufferSize(size);
        }

        @Override
        public int getSendBufferSize() throws SocketException {
            return tls.getSendBufferSize();
        }

        @Override
        public void setReceiveBufferSize(int size) throws SocketException {
            tls.setReceiveBufferSize(size);
        }

        @Override
        public int getReceiveBufferSize() throws SocketException {
            return tls.getReceiveBufferSize();
        }

        @Override
        public void setKeepAlive(boolean on) throws SocketException {
            tls.setKeepAlive(on);
        }

        @Override
        public boolean getKeepAlive() throws SocketException {
            return tls.getKeepAlive();
        }

        @Override
        public void close() throws IOException {
            tls.close();
        }

        @Override
        public void shutdownInput() throws IOException {
            tls.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            tls.shutdownOutput();
        }

        @Override
        public boolean isConnected() {
            return tls.isConnected();
        }

        @Override
        public boolean isBound() {
            return tls.isBound();
        }

        @Override
        public boolean isClosed() {
            return tls.isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return tls.isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return tls.isOutputShutdown();
        }

        @Override
        public String toString() {
            return tls.toString();
        }
    }
}
