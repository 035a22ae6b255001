package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.TunnelException;

/**
 * Opens the TCP (and TLS) connection to a proxy or gateway that a tunnel's HTTP handshake then runs on, within a
 * deadline, and reads the bounded error bodies of refusals. Shared by the CONNECT and WebSocket transports.
 */
final class PeerSockets {
    static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration UNKNOWN_LENGTH_BODY_WAIT = Duration.ofMillis(300);

    private PeerSockets() {
    }

    /**
     * A connected socket with {@code TCP_NODELAY}, its read timeout set to the time left, TLS done (host name
     * checked against the certificate) when {@code tls}. The caller closes it on any later failure.
     */
    static Socket open(TransportOptions options, String host, int port, boolean tls, long deadline) throws IOException {
        // URI.getHost() keeps an IPv6 literal's brackets; the resolver and TLS want the address alone
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses = options.resolver().resolve(name);
        IOException lastFailure = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, port), millisLeft(deadline));
            } catch (ConnectException | NoRouteToHostException e) {
                // the next address may answer
                closeQuietly(socket);
                lastFailure = e;
                continue;
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
            return secure(options, socket, name, port, tls, deadline);
        }
        throw lastFailure != null ? lastFailure : new UnknownHostException(name + " resolved to no address");
    }

    private static Socket secure(TransportOptions options, Socket socket, String host, int port, boolean tls,
            long deadline) throws IOException {
        try {
            socket.setSoTimeout(millisLeft(deadline));
            if (!tls) {
                return socket;
            }
            SSLSocket secure = (SSLSocket) options.tlsTrust().socketFactory().createSocket(socket, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            socket = secure;
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * What went wrong opening a tunnel through {@code peer} ("proxy", "gateway") at host:port, in words; a
     * {@link TunnelException} already raised, and an interruption, are passed through.
     */
    static IOException failure(IOException e, String description, String peer, String host, int port,
            Duration limit) {
        if (e instanceof TunnelException) {
            return (TunnelException) e;
        }
        if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
            return e;
        }
        if (e instanceof ConnectException) {
            return new TunnelException(description + " failed: nothing accepts connections at " + host + ":" + port
                    + " (" + e.getMessage() + ")", e);
        }
        if (e instanceof UnknownHostException) {
            return new TunnelException(description + " failed: the " + peer + " host " + host + " is unknown", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new TunnelException(description + " failed: the " + peer + " did not answer within "
                    + limit.toMillis() + " ms", e);
        }
        if (e instanceof SSLException) {
            return new TunnelException(description + " failed: TLS with the " + peer + " failed (" + e.getMessage()
                    + "); check the TLS trust (TransportOptions or SandboxSsh.Builder.tlsTrust)", e);
        }
        return new TunnelException(description + " failed: " + e.getMessage(), e);
    }

    static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /**
     * At most {@link #MAX_ERROR_BODY} bytes of a refusal's body: what came with the head, then what the socket gives
     * by the deadline. A body of unknown length is read only briefly: the peer may keep the connection open after it.
     */
    static String errorBody(Socket socket, HttpResponseHead head, long deadline) throws IOException {
        long bodyDeadline = head.contentLength >= 0 ? deadline
                : Math.min(deadline, System.nanoTime() + UNKNOWN_LENGTH_BODY_WAIT.toNanos());
        InputStream in = new DeadlineInputStream(socket, socket.getInputStream(), bodyDeadline);
        byte[] body = new byte[MAX_ERROR_BODY];
        int length = Math.min(head.leftover.length, MAX_ERROR_BODY);
        System.arraycopy(head.leftover, 0, body, 0, length);
        long wanted = head.contentLength < 0 ? MAX_ERROR_BODY : Math.min(head.contentLength, MAX_ERROR_BODY);
        try {
            while (length < wanted) {
                int n = in.read(body, length, (int) wanted - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (IOException e) {
            // the status alone still explains the refusal
        }
        return new String(body, 0, length, StandardCharsets.UTF_8);
    }

    static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to add to the failure being reported
        }
    }
}
