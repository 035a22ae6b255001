package dev.sandgate.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a tunnel request proves itself to the gateway or proxy: the headers sent with the HTTP CONNECT request or the
 * WebSocket upgrade. Bearer is what the gateway contract asks for and {@link SandboxSsh}'s default; plain proxies
 * and bridges may want basic auth, a header of their own, a cookie, or nothing.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl(apiUrl).token(token)
 *         .tunnelAuth(TunnelAuth.basic("proxy-user", proxyPassword))
 *         .build();
 * }</pre>
 *
 * <p>Header values never appear in messages or in {@code toString()}.
 */
public interface TunnelAuth {
    /** Which kind of tunnel request the headers are for. */
    enum Kind {
        /** An HTTP CONNECT request to a proxy: credentials go in {@code Proxy-Authorization}. */
        HTTP_CONNECT,
        /** A WebSocket upgrade to the gateway: credentials go in {@code Authorization}. */
        WEBSOCKET
    }

    /**
     * The headers to send with the first request.
     *
     * @param kind whether the request is a CONNECT to a proxy (credentials in {@code Proxy-Authorization}) or a
     *        WebSocket upgrade (in {@code Authorization})
     * @return header names and values to add to the first request; empty for none
     */
    Map<String, String> headers(Kind kind);

    /**
     * The headers for a second try after the gateway answered 401 or 407 with these challenges (the values of
     * {@code Proxy-Authenticate} or {@code WWW-Authenticate}), or empty to give up. Asked at most once per tunnel.
     *
     * @param challenges the values of every {@code Proxy-Authenticate} or {@code WWW-Authenticate} header, in order
     * @param kind whether the request is a CONNECT to a proxy or a WebSocket upgrade
     * @return the headers for the second request, or empty to fail with the 401 or 407
     */
    default Optional<Map<String, String>> answerChallenge(Kind kind, List<String> challenges) {
        return Optional.empty();
    }

    /**
     * {@code Bearer <token>}: the gateway contract's default.
     *
     * @param token the bearer token
     * @return {@code Bearer <token>}: the gateway contract's default
     */
    static TunnelAuth bearer(String token) {
        return HeaderAuth.credential("bearer", "Bearer " + nonBlank(token, "token"), false);
    }

    /**
     * HTTP basic auth, sent with the first request (as curl's and most clients' proxy settings do).
     *
     * @param password any text without control characters; may be empty
     * @param user the user name, not blank and without {@code :}
     * @return HTTP basic auth, sent with the first request (as curl's and most clients' proxy settings do)
     */
    static TunnelAuth basic(String user, String password) {
        return HeaderAuth.credential("basic", basicCredential(user, password), false);
    }

    /**
     * HTTP basic auth sent only when the proxy asks for it with a 401 or 407 challenge naming {@code Basic}.
     *
     * @param password any text without control characters; may be empty
     * @param user the user name, not blank and without {@code :}
     * @return HTTP basic auth sent only when the proxy asks for it with a 401 or 407 challenge naming {@code Basic}
     */
    static TunnelAuth basicWhenChallenged(String user, String password) {
        return HeaderAuth.credential("basic when challenged", basicCredential(user, password), true);
    }

    /**
     * A header of the gateway's own, such as {@code X-Gateway-Key}, sent as it is with both kinds of tunnel.
     *
     * @param value the header's value, without line breaks or control characters
     * @param name the header's name, an HTTP token such as {@code X-Gateway-Key}
     * @return a header of the gateway's own, such as {@code X-Gateway-Key}, sent as it is with both kinds of tunnel
     */
    static TunnelAuth header(String name, String value) {
        return HeaderAuth.fixed("header " + Headers.name(name), name, Headers.value(value, "value"));
    }

    /**
     * A cookie, e.g. a load balancer's session cookie: {@code Cookie: name=value}.
     *
     * @param value the cookie's value, without line breaks or control characters; sent as it is, not encoded
     * @param name the cookie's name, an HTTP token
     * @return auth that sends {@code Cookie: name=value} with both kinds of tunnel
     */
    static TunnelAuth cookie(String name, String value) {
        return HeaderAuth.fixed("cookie " + Headers.name(name), "Cookie", name + "=" + Headers.value(value, "value"));
    }

    /**
     * No credentials, for a proxy or bridge that needs none.
     *
     * @return auth that adds no header and answers no challenge
     */
    static TunnelAuth none() {
        return HeaderAuth.NONE;
    }

    private static String basicCredential(String user, String password) {
        Objects.requireNonNull(password, "password");
        if (nonBlank(user, "user").indexOf(':') >= 0) {
            throw new IllegalArgumentException("A basic-auth user name must not contain ':'");
        }
        Headers.value(password, "password");
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String nonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return Headers.value(value.trim(), name);
    }
}
