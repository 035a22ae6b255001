package dev.sandgate.tunnel;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;

/**
 * Where a session's tunnel goes: the endpoints the mint answer named, endpoints discovered or derived by a provider,
 * or given.
 *
 * <pre>{@code
 * EndpointSource websockify = EndpointSource.webSocket(id -> URI.create("wss://" + id + ".sandboxes.example/ssh"));
 * EndpointSource proxy = EndpointSource.connect(URI.create("https://proxy.example:3128"), id -> id + ".internal:22");
 * EndpointSource discovered = (id, minted) -> discover(id).orElseGet(() -> derive(id));
 * }</pre>
 */
@FunctionalInterface
public interface EndpointSource {
    /**
     * Where the session's tunnel goes.
     *
     * @param sessionId the session's id
     * @param minted    the mint answer of this connect's login, or empty when nothing was minted
     * @return the CONNECT proxy and target, the WebSocket URL, or both; never null
     * @throws IOException when they cannot be found (a discovery call that failed and has no fallback)
     */
    Endpoints endpoints(String sessionId, Optional<IssuedCertificate> minted) throws IOException;

    /**
     * The endpoints the mint answer names: the default, for a login that mints.
     *
     * @return a source that fails with {@code IllegalStateException} for a login that mints nothing
     */
    static EndpointSource minted() {
        return (sessionId, minted) -> minted.orElseThrow(() -> new IllegalStateException("Nothing was minted for "
                + sessionId + ", so no mint answer names its endpoints: give the endpoints")).endpoints();
    }

    /**
     * Endpoints by session, from a function.
     *
     * @param bySession the endpoints of each session
     * @return a source that fails with {@code NullPointerException} when the function gives null
     */
    static EndpointSource given(Function<String, Endpoints> bySession) {
        Objects.requireNonNull(bySession, "bySession");
        return (sessionId, minted) -> Objects.requireNonNull(bySession.apply(sessionId),
                () -> "the endpoints function gave null for " + sessionId);
    }

    /**
     * A WebSocket URL ({@code ws://} or {@code wss://}) by session: a gateway, websockify, websocat. The tunnel is
     * opened by WebSocket, as every tunnel to a session whose endpoints name only a WebSocket URL.
     *
     * @param urlBySession the URL of each session
     * @return a source of WebSocket endpoints only
     */
    static EndpointSource webSocket(Function<String, URI> urlBySession) {
        Objects.requireNonNull(urlBySession, "urlBySession");
        return given(id -> new Endpoints(null, new Endpoints.WebSocket(urlBySession.apply(id))));
    }

    /**
     * An HTTP CONNECT proxy and a {@code host:port} target by session.
     *
     * @param proxyUrl        the proxy ({@code http://} or {@code https://})
     * @param targetBySession the {@code host:port} of each session
     * @return a source of HTTP CONNECT endpoints only, all through {@code proxyUrl}
     */
    static EndpointSource connect(URI proxyUrl, Function<String, String> targetBySession) {
        Objects.requireNonNull(proxyUrl, "proxyUrl");
        Objects.requireNonNull(targetBySession, "targetBySession");
        return given(id -> new Endpoints(new Endpoints.Connect(proxyUrl, targetBySession.apply(id)), null));
    }
}
