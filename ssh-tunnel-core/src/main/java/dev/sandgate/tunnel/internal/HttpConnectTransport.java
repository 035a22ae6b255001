package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;
import dev.sandgate.tunnel.TunnelRequest;

/** Opens tunnels with HTTP CONNECT through a {@code http://} or {@code https://} proxy. Not API: see {@link Transport#httpConnect()}. */
public final class HttpConnectTransport implements Transport {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final TransportOptions options;

    public HttpConnectTransport(TransportOptions options) {
        this.options = options;
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        Endpoints.Connect endpoint = request.endpoints().connect().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no HTTP CONNECT endpoint; use Transport.webSocket()"));
        URI proxy = endpoint.proxyUrl();
        boolean tls = "https".equalsIgnoreCase(proxy.getScheme());
        String host = proxy.getHost();
        int port = proxy.getPort() > 0 ? proxy.getPort() : (tls ? 443 : 80);
        String description = "HTTP CONNECT " + endpoint.target() + " via " + proxy.getScheme() + "://" + host + ":" + port;
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());

        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            if (tls) {
                socket = startTls(socket, host, port);
            }
            OutputStream out = socket.getOutputStream();
            out.write(connectRequest(endpoint.target(), request.bearerToken()).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ProxyResponseHead head = ProxyResponseHead.read(in);
            if (head.status / 100 == 2) {
                socket.setSoTimeout(0);
                return new HttpConnectTunnel(socket, head.leftover, description);
            }
            String body = readErrorBody(in, head);
            socket.close();
            throw new TunnelRefusedException(TunnelRefusedException.Reason.ofHttpStatus(head.status), head.status,
                    GatewayErrorBody.message(body, request.bearerToken()), description);
        } catch (TunnelException e) {
            closeQuietly(socket);
            throw e;
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: nothing accepts connections at " + host + ":" + port
                    + " (" + e.getMessage() + ")", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: the proxy did not answer within "
                    + options.connectTimeout().toMillis() + " ms", e);
        } catch (SSLException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: TLS with the proxy failed (" + e.getMessage()
                    + "); check the TransportOptions' tlsTrust", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: " + e.getMessage(), e);
        }
    }

    private Socket startTls(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) options.tlsTrust().socketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    private static String connectRequest(String target, String token) {
        return "CONNECT " + target + " HTTP/1.1\r\n"
                + "Host: " + target + "\r\n"
                + "Proxy-Authorization: Bearer " + token + "\r\n"
                + "User-Agent: sandgate\r\n"
                + "\r\n";
    }

    private static String readErrorBody(InputStream in, ProxyResponseHead head) {
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to add to the failure being reported
        }
    }

    @Override
    public String toString() {
        return "HttpConnectTransport{connectTimeout=" + options.connectTimeout() + ", " + options.tlsTrust() + "}";
    }
}
