package dev.sandgate.cert;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.sandgate.cert.internal.Checks;

/**
 * Where a sandbox session's SSH bytes can be sent: an HTTP CONNECT proxy with its target, a WebSocket URL, or both.
 *
 * <pre>{@code
 * Endpoints endpoints = issued.endpoints();
 * endpoints.connect().ifPresent(c -> System.out.println("CONNECT " + c.target() + " via " + c.proxyUrl()));
 * }</pre>
 */
public final class Endpoints {
    /** A DNS name or IPv4 address, or an IPv6 address in brackets: what may stand before the port of a target. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");

    /**
     * An HTTP CONNECT proxy ({@code http://} or {@code https://}) and the {@code host:port} to ask it for.
     *
     * @param proxyUrl the CONNECT proxy's URL
     * @param target   the {@code host:port} to ask the proxy for
     */
    public record Connect(URI proxyUrl, String target) {
        /**
         * Checks that the proxy URL is {@code http://} or {@code https://} and that the target is {@code host:port}.
         *
         * @param proxyUrl the CONNECT proxy's URL; over {@code https://} the CONNECT runs inside TLS
         * @param target a host name, IPv4 address or bracketed IPv6 address, a colon, and a port from 1 to 65535
         */
        public Connect {
            Objects.requireNonNull(proxyUrl, "proxyUrl");
            Objects.requireNonNull(target, "target");
            String scheme = proxyUrl.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("CONNECT proxy URL must be http:// or https://, got " + proxyUrl);
            }
            checkTarget(target);
        }

        /**
         * The host part of {@link #target()}.
         *
         * @return the host part of {@link #target()}
         */
        public String targetHost() {
            String host = target.substring(0, target.lastIndexOf(':'));
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }

        /** Shows the proxy URL without any user info it may carry. */
        @Override
        public String toString() {
            return "Connect[proxyUrl=" + withoutUserInfo(proxyUrl) + ", target=" + target + "]";
        }

        /**
         * The port part of {@link #target()}.
         *
         * @return the port part of {@link #target()}
         */
        public int targetPort() {
            return Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        }

        /** A host (name, IPv4, or IPv6 in brackets), a colon, and a port from 1 to 65535; nothing else. */
        private static void checkTarget(String target) {
            int colon = target.lastIndexOf(':');
            String port = colon < 0 ? "" : target.substring(colon + 1);
            boolean valid = colon > 0 && port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1
                    && Integer.parseInt(port) <= 65535 && HOST.matcher(target.substring(0, colon)).matches();
            if (!valid) {
                throw new IllegalArgumentException("CONNECT target must be host:port with a port from 1 to 65535, got '"
                        + Checks.escaped(target) + "'");
            }
        }
    }

    /**
     * A WebSocket URL ({@code ws://} or {@code wss://}).
     *
     * @param url the WebSocket URL
     */
    public record WebSocket(URI url) {
        /** Shows the URL without user info or query, either of which may carry a credential. */
        @Override
        public String toString() {
            return "WebSocket[url=" + withoutUserInfo(url) + "]";
        }

        /**
         * Checks that the URL is {@code ws://} or {@code wss://}.
         *
         * @param url the URL to upgrade to a WebSocket; user info or a query in it are not shown by {@link #toString()}
         */
        public WebSocket {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("WebSocket URL must be ws:// or wss://, got " + url);
            }
        }
    }

    private final Connect connect;
    private final WebSocket webSocket;

    private static String withoutUserInfo(URI uri) {
        String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
        return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * Endpoints with either way in, or both.
     *
     * @param connect   the HTTP CONNECT endpoint, or null
     * @param webSocket the WebSocket endpoint, or null
     */
    public Endpoints(Connect connect, WebSocket webSocket) {
        if (connect == null && webSocket == null) {
            throw new IllegalArgumentException("At least one endpoint (connect or websocket) is required");
        }
        this.connect = connect;
        this.webSocket = webSocket;
    }

    /** {@return the HTTP CONNECT proxy and target, or empty when there is only a WebSocket endpoint} */
    public Optional<Connect> connect() {
        return Optional.ofNullable(connect);
    }

    /** {@return the WebSocket endpoint, or empty when there is only an HTTP CONNECT endpoint} */
    public Optional<WebSocket> webSocket() {
        return Optional.ofNullable(webSocket);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoints && Objects.equals(((Endpoints) o).connect, connect)
                && Objects.equals(((Endpoints) o).webSocket, webSocket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connect, webSocket);
    }

    @Override
    public String toString() {
        return "Endpoints{connect=" + connect + ", webSocket=" + webSocket + "}";
    }
}
