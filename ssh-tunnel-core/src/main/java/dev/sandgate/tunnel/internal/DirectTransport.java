package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.tunnel.EndpointNotAllowedException;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelException;
import dev.sandgate.tunnel.TunnelRequest;

/** Plain TCP to the SSH server, no gateway in between. Not API: see {@link dev.sandgate.tunnel.TransportKind#DIRECT}. */
public final class DirectTransport implements Transport {
    private final TransportOptions options;
    private final InetSocketAddress fixedAddress;

    /** @param fixedAddress where to connect, or null for each session's CONNECT target */
    public DirectTransport(TransportOptions options, InetSocketAddress fixedAddress) {
        this.options = options;
        this.fixedAddress = fixedAddress;
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        InetSocketAddress address = fixedAddress != null ? fixedAddress : target(request);
        String hostPort = address.getHostString() + ":" + address.getPort();
        String description = "TCP " + hostPort;
        // no credential travels on a plain SSH connection, so only the tunnel host allowlist applies
        String refusal = options.endpointPolicy().refusal(sshUri(address), true, HttpConnectTransport.POLICY_SETTING);
        if (refusal != null) {
            throw new EndpointNotAllowedException(description + " was not attempted: " + refusal);
        }
        Duration limit = request.timeLimit(options.connectTimeout());
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (address.isUnresolved()) {
                address = new InetSocketAddress(options.resolver().resolve(address.getHostString()).get(0),
                        address.getPort());
            }
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, limit.toMillis()));
            return new SocketTunnel(socket, new byte[0], description, "sandgate-tunnel " + request.sessionId());
        } catch (ConnectException e) {
            close(socket);
            throw new TunnelException(description + " failed: nothing accepts connections at " + hostPort, e);
        } catch (UnknownHostException e) {
            close(socket);
            throw new TunnelException(description + " failed: the host is unknown", e);
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new TunnelException(description + " failed: no answer within " + limit.toMillis() + " ms", e);
        } catch (IOException e) {
            close(socket);
            throw new TunnelException(description + " failed: " + e.getMessage(), e);
        }
    }

    /** Holds no threads or connections: each tunnel is its own socket, closed by its connection. */
    @Override
    public void close() {
    }

    private static URI sshUri(InetSocketAddress address) throws TunnelException {
        try {
            return new URI("ssh", null, address.getHostString(), address.getPort(), null, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new TunnelException("Not a host name: " + address.getHostString(), e);
        }
    }

    private static InetSocketAddress target(TunnelRequest request) throws TunnelException {
        Endpoints.Connect connect = request.endpoints().connect().orElseThrow(() -> new TunnelException("Session "
                + request.sessionId() + " names no CONNECT target, so there is no SSH address to reach directly;"
                + " use Transport.direct(address, options)"));
        return InetSocketAddress.createUnresolved(connect.targetHost(), connect.targetPort());
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // reporting the first failure
        }
    }

    @Override
    public String toString() {
        return "DirectTransport{" + (fixedAddress == null ? "CONNECT target" : fixedAddress.getHostString() + ":"
                + fixedAddress.getPort()) + ", connectTimeout=" + options.connectTimeout() + "}";
    }
}
