package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.Refusal;
import dev.sandgate.tunnel.EndpointNotAllowedException;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRefusedException;
import dev.sandgate.tunnel.TunnelRequest;

/**
 * Opens tunnels with HTTP CONNECT through a {@code http://} or {@code https://} proxy. A 401 or 407 challenge is
 * answered once, on a new connection, when the request's {@link TunnelAuth} has an answer. Not API: see
 * {@link Transport#httpConnect()}.
 */
public final class HttpConnectTransport implements Transport {
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration UNKNOWN_LENGTH_BODY_WAIT = Duration.ofMillis(300);
    static final String POLICY_SETTING = "SandboxSsh.Builder.endpointPolicy (or TransportOptions.endpointPolicy)";

    private final TransportOptions options;

    public HttpConnectTransport(TransportOptions options) {
        this.options = options;
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        Endpoints.Connect endpoint = request.endpoints().connect().orElseThrow(() -> new TunnelException(
                "Session " + request.sessionId() + " has no HTTP CONNECT endpoint; use Transport.webSocket()"));
        String refusal = options.endpointPolicy().refusal(endpoint.proxyUrl(), true, POLICY_SETTING);
        if (refusal != null) {
            throw new EndpointNotAllowedException("HTTP CONNECT " + endpoint.target() + " was not attempted: " + refusal);
        }
        Duration limit = request.timeLimit(options.connectTimeout());
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, String> headers = request.auth().headers(TunnelAuth.Kind.HTTP_CONNECT);
        List<String> secrets = new ArrayList<>(GatewayErrorBody.secrets(headers));
        String readerName = "sandgate-tunnel " + request.sessionId();
        Attempt first = attempt(endpoint, headers, deadline, limit, secrets, readerName);
        if (first.tunnel != null) {
            return first.tunnel;
        }
        Optional<Map<String, String>> answer = first.challenges.isEmpty() ? Optional.empty()
                : request.auth().answerChallenge(TunnelAuth.Kind.HTTP_CONNECT, first.challenges);
        if (answer.isEmpty()) {
            throw first.refusal;
        }
        secrets.addAll(GatewayErrorBody.secrets(answer.get()));
        Attempt second = attempt(endpoint, answer.get(), deadline, limit, secrets, readerName);
        if (second.tunnel != null) {
            return second.tunnel;
        }
        throw second.refusal;
    }

    /** One CONNECT on a new connection: an open tunnel, or a refusal with the challenges that came with it. */
    private static final class Attempt {
        final Tunnel tunnel;
        final TunnelRefusedException refusal;
        final List<String> challenges;

        Attempt(Tunnel tunnel, TunnelRefusedException refusal, List<String> challenges) {
            this.tunnel = tunnel;
            this.refusal = refusal;
            this.challenges = challenges;
        }
    }

    private Attempt attempt(Endpoints.Connect endpoint, Map<String, String> headers, long deadline, Duration limit,
            List<String> secrets, String readerName) throws TunnelException {
        URI proxy = endpoint.proxyUrl();
        boolean tls = "https".equalsIgnoreCase(proxy.getScheme());
        String host = proxy.getHost();
        int port = proxy.getPort() > 0 ? proxy.getPort() : (tls ? 443 : 80);
        String description = "HTTP CONNECT " + endpoint.target() + " via " + proxy.getScheme() + "://" + host + ":" + port;

        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(options.resolver().resolve(host).get(0), port), millisLeft(deadline));
            socket.setSoTimeout(millisLeft(deadline));
            if (tls) {
                socket = startTls(socket, host, port);
            }
            OutputStream out = socket.getOutputStream();
            out.write(connectRequest(endpoint.target(), headers).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new DeadlineInputStream(socket, socket.getInputStream(), deadline);
            ProxyResponseHead head = ProxyResponseHead.read(in);
            if (head.status / 100 == 2) {
                socket.setSoTimeout(0);
                return new Attempt(new SocketTunnel(socket, head.leftover, description, readerName), null, List.of());
            }
            // a body of unknown length is read only briefly: the proxy may keep the connection open after it
            long bodyDeadline = head.contentLength >= 0 ? deadline
                    : Math.min(deadline, System.nanoTime() + UNKNOWN_LENGTH_BODY_WAIT.toNanos());
            String body = readErrorBody(new DeadlineInputStream(socket, socket.getInputStream(), bodyDeadline), head);
            socket.close();
            List<String> challenges = new ArrayList<>(head.values("proxy-authenticate"));
            challenges.addAll(head.values("www-authenticate"));
            boolean challenged = head.status == 401 || head.status == 407;
            return new Attempt(null, new TunnelRefusedException(Refusal.ofHttpStatus(head.status), head.status,
                    GatewayErrorBody.message(body, secrets), description), challenged ? challenges : List.of());
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: nothing accepts connections at " + host + ":" + port
                    + " (" + e.getMessage() + ")", e);
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: the proxy host " + host + " is unknown", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: the proxy did not answer within " + limit.toMillis()
                    + " ms", e);
        } catch (SSLException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: TLS with the proxy failed (" + e.getMessage()
                    + "); check the TLS trust (TransportOptions or SandboxSsh.Builder.tlsTrust)", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new TunnelException(description + " failed: " + e.getMessage(), e);
        }
    }

    private static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private Socket startTls(Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) options.tlsTrust().socketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /** The request head; the target was checked by {@link Endpoints.Connect} and the headers by {@link TunnelAuth}. */
    private static String connectRequest(String target, Map<String, String> headers) {
        StringBuilder request = new StringBuilder()
                .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("User-Agent: sandgate\r\n\r\n").toString();
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
