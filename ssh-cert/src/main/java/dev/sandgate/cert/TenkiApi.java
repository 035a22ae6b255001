package dev.sandgate.cert;

import java.io.Closeable;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandgate.cert.internal.ApiErrors;
import dev.sandgate.cert.internal.TenkiResponses;
import dev.sandgate.cert.internal.Checks;
import dev.sandgate.cert.internal.RetryPolicy;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenki's sandbox SSH API (Connect protocol, JSON): mints certificates as a {@link CertificateIssuer} through
 * {@code IssueSandboxSSHCert}, and finds the session's WebSocket gateway (an override, else
 * {@code ListActiveSSHGateways}, else the name derived from the API's host). Every certificate it gives logs in as
 * {@code tenki} and names no host keys: Tenki gives no host CA, so the caller's host trust must vouch for the
 * gateway (a known_hosts file, or accept-new).
 *
 * <pre>{@code
 * try (TenkiApi tenki = TenkiApi.builder().build()) {     // TENKI_AUTH_TOKEN, TENKI_API_ENDPOINT, ...
 *     IssuedCertificate issued = tenki.issue(sessionId, SshKeys.generate(), Duration.ofMinutes(10));
 *     URI gateway = issued.endpoints().webSocket().orElseThrow().url();   // wss://.../v1/ssh/<session id>
 * }
 * }</pre>
 *
 * <p>Settings that are not given come from the environment, the same variables Tenki's own SDKs read, first match
 * wins: the token from {@value #ENV_AUTH_TOKEN} then {@value #ENV_API_KEY}; the API from {@value #ENV_API_ENDPOINT}
 * then {@value #ENV_API_URL} then {@value #DEFAULT_API_URL}; the gateway from {@value #ENV_GATEWAY_URL}, then
 * discovery, then derivation. A token goes the way its prefix says, on API calls and WebSocket upgrades alike
 * ({@link #authHeaderName}): {@code tk_} as a bearer token, {@code ory_st_} as {@code X-Session-Token}, any other
 * as the cookie {@code tenki_session}. Thread-safe; the token never appears in messages or {@link #toString()}.
 */
public final class TenkiApi implements CertificateIssuer, Closeable {
    /** The token, first choice. */
    public static final String ENV_AUTH_TOKEN = "TENKI_AUTH_TOKEN";
    /** The token, second choice. */
    public static final String ENV_API_KEY = "TENKI_API_KEY";
    /** The API base URL, first choice. */
    public static final String ENV_API_ENDPOINT = "TENKI_API_ENDPOINT";
    /** The API base URL, second choice. */
    public static final String ENV_API_URL = "TENKI_API_URL";
    /** The gateway URL that replaces the discovered or derived one's scheme and host. */
    public static final String ENV_GATEWAY_URL = "TENKI_SANDBOX_GATEWAY_URL";
    /** The API base URL when nothing else names one. */
    public static final String DEFAULT_API_URL = "https://api.tenki.cloud";
    /** The SSH login name of every Tenki session. */
    public static final String USERNAME = TenkiResponses.TENKI_USER;

    private static final String SERVICE = "tenki.sandbox.v1.SSHGatewayClientService";
    private static final Logger LOG = LoggerFactory.getLogger(TenkiApi.class);

    private final SandboxApi calls;
    private final URI baseUrl;
    private final URI gatewayOverride;
    private final boolean discovery;
    private final ObjectMapper mapper = new ObjectMapper();

    private TenkiApi(SandboxApi calls, URI baseUrl, URI gatewayOverride, boolean discovery) {
        this.calls = calls;
        this.baseUrl = baseUrl;
        this.gatewayOverride = gatewayOverride;
        this.discovery = discovery;
    }

    /** {@return a builder that reads nothing yet: what is left unset comes from the environment at {@code build()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the API's base URL} */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * The header a token goes in, by its prefix: {@code Authorization} for {@code tk_}, {@code X-Session-Token} for
     * {@code ory_st_}, {@code Cookie} for any other.
     *
     * @param token a Tenki token: {@code tk_...}, {@code ory_st_...}, or a session cookie's value
     * @return the header's name
     */
    public static String authHeaderName(String token) {
        return token.startsWith("tk_") ? "Authorization" : token.startsWith("ory_st_") ? "X-Session-Token" : "Cookie";
    }

    /**
     * The value of {@link #authHeaderName}'s header for a token: {@code Bearer <token>}, the token, or
     * {@code tenki_session=<token>}.
     *
     * @param token a Tenki token: {@code tk_...}, {@code ory_st_...}, or a session cookie's value
     * @return the header's value (a secret: never log it)
     */
    public static String authHeaderValue(String token) {
        return token.startsWith("tk_") ? "Bearer " + token : token.startsWith("ory_st_") ? token
                : "tenki_session=" + token;
    }

    /**
     * The token Tenki's own SDKs would use: {@value #ENV_AUTH_TOKEN}, else {@value #ENV_API_KEY}.
     *
     * @param environment a variable's value by name, null when unset ({@code System::getenv})
     * @return the token, or empty when neither is set
     */
    public static Optional<String> environmentToken(Function<String, String> environment) {
        for (String name : List.of(ENV_AUTH_TOKEN, ENV_API_KEY)) {
            String value = environment.apply(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    /**
     * {@code IssueSandboxSSHCert}: a certificate for {@code keyPair} with principal {@code session:<id>}, its renewal
     * time ({@code renewalAfter} counted from now) and the session's gateway URL ({@link #gatewayUrl}).
     */
    @Override
    public IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl) throws SandboxApiException {
        return issue(sessionId, keyPair, ttl, null);
    }

    /**
     * As {@link #issue(String, KeyPair, Duration)}, within {@code timeout} for the mint and for the discovery each
     * (null for this client's own limits).
     */
    @Override
    public IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl, Duration timeout)
            throws SandboxApiException {
        Checks.sessionId(sessionId);
        ObjectNode body = mapper.createObjectNode();
        body.put("sessionId", sessionId);
        body.put("publicKey", SshKeys.publicKeyLine(keyPair.getPublic()));
        body.put("requestedTtl", Math.max(1, ttl.toSeconds()) + "s");
        String what = "IssueSandboxSSHCert for " + sessionId;
        JsonNode answer = calls.post(body, what, RetryPolicy.MINT, timeout, SERVICE, "IssueSandboxSSHCert");
        Instant minted = Instant.now();
        Endpoints endpoints = new Endpoints(null, new Endpoints.WebSocket(gatewayUrl(sessionId, timeout)));
        try {
            return TenkiResponses.tenkiCertificate(answer, keyPair, sessionId, ttl, minted, endpoints);
        } catch (IllegalArgumentException e) {
            throw new InvalidResponseException(what + " returned an unusable certificate: " + e.getMessage(), 200,
                    null, null, e);
        }
    }

    /**
     * The session's WebSocket URL: the override's scheme and host (with its port) when one was given, else the first
     * healthy gateway {@code ListActiveSSHGateways} names with a {@code wsBridgeEndpoint}, else {@code sandbox-gateway.}
     * and the API's host ({@code api.X} and {@code app.X} become {@code sandbox-gateway.X}) with the API's port; the
     * path {@code /v1/ssh/<session id>} after the endpoint's own; {@code http} becomes {@code ws}, {@code https} or
     * none {@code wss}. A discovery that fails or lists none is not an error: the derived URL is used.
     *
     * @param sessionId the session's id
     * @param timeout   a bound on the discovery call, or null for this client's own limits
     * @return a {@code ws://} or {@code wss://} URL ending in {@code /v1/ssh/<session id>}; never fails for want of
     *         a discovered gateway
     */
    public URI gatewayUrl(String sessionId, Duration timeout) {
        Checks.sessionId(sessionId);
        if (gatewayOverride != null) {
            // nothing is discovered or derived: an API on an address, which derives no name, is fine here
            return overridden(sessionId, gatewayOverride);
        }
        return sessionUrl(discovered(timeout).orElseGet(() -> derived(baseUrl)), sessionId);
    }

    private Optional<URI> discovered(Duration timeout) {
        if (!discovery) {
            return Optional.empty();
        }
        try {
            JsonNode answer = calls.post(mapper.createObjectNode(), "ListActiveSSHGateways", RetryPolicy.NONE,
                    timeout, SERVICE, "ListActiveSSHGateways");
            List<URI> gateways = TenkiResponses.tenkiGateways(answer);
            return gateways.isEmpty() ? Optional.empty() : Optional.of(gateways.get(0));
        } catch (SandboxApiException e) {
            LOG.debug("Gateway discovery failed, using the derived gateway: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code api.X} or {@code app.X} as {@code sandbox-gateway.X}, any other host H as {@code sandbox-gateway.H}. */
    static URI derived(URI api) {
        String host = api.getHost();
        String lower = host.toLowerCase(Locale.ROOT);
        String gateway = lower.startsWith("api.") || lower.startsWith("app.") ? "sandbox-gateway." + host.substring(4)
                : "sandbox-gateway." + host;
        return build(api.getScheme(), gateway, api.getPort(), "");
    }

    /** The endpoint as ws or wss, its path extended by {@code /v1/ssh/<id>}, its query and fragment dropped. */
    static URI sessionUrl(URI endpoint, String sessionId) {
        String path = endpoint.getPath() == null ? "" : endpoint.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return build(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort(), path + "/v1/ssh/" + sessionId);
    }

    /** The override's scheme and host (with its port), its path dropped as Tenki's SDKs drop it, and the session's. */
    static URI overridden(String sessionId, URI override) {
        return build(override.getScheme(), override.getHost(), override.getPort(), "/v1/ssh/" + sessionId);
    }

    private static URI build(String scheme, String host, int port, String path) {
        String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        String wsScheme = s.equals("http") || s.equals("ws") ? "ws" : "wss";
        try {
            return new URI(wsScheme, null, host, port, path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a usable gateway URL: " + Checks.escaped(host) + " " + path, e);
        }
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return "TenkiApi{" + baseUrl + (gatewayOverride == null ? "" : ", gateway " + gatewayOverride) + "}";
    }

    /**
     * Builds a {@link TenkiApi}. What is not set here is read from the environment at {@link #build()} (the variables
     * of {@link TenkiApi}); what is set here is never overridden by it.
     */
    public static final class Builder {
        private String token;
        private String baseUrl;
        private String gatewayUrl;
        private boolean discovery = true;
        private Function<String, String> environment = System::getenv;
        private final SandboxApi.Builder calls = new SandboxApi.Builder(
                (request, token) -> request.header(authHeaderName(token), authHeaderValue(token))
                        .header("Connect-Protocol-Version", "1"),
                ApiErrors::ofConnect);

        private Builder() {
        }

        /**
         * The token; default {@value TenkiApi#ENV_AUTH_TOKEN}, else {@value TenkiApi#ENV_API_KEY}.
         *
         * @param token the token ({@code tk_...}, {@code ory_st_...} or a session cookie's value)
         * @return this builder
         */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("The Tenki token is " + (token == null ? "missing (null)" : "blank")
                        + ": set " + ENV_AUTH_TOKEN + " or pass the token to token(...)");
            }
            this.token = token.trim();
            return this;
        }

        /**
         * The API's base URL; default {@value TenkiApi#ENV_API_ENDPOINT}, else {@value TenkiApi#ENV_API_URL}, else
         * {@value TenkiApi#DEFAULT_API_URL}.
         *
         * @param baseUrl the API's base URL
         * @return this builder
         */
        public Builder apiUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl").toString();
            return this;
        }

        /**
         * The gateway whose scheme and host (with its port) replace the discovered or derived URL's; default
         * {@value TenkiApi#ENV_GATEWAY_URL}, else none. With one, nothing is discovered.
         *
         * @param gatewayUrl the gateway, such as {@code https://gw.example}
         * @return this builder
         */
        public Builder gatewayUrl(URI gatewayUrl) {
            Objects.requireNonNull(gatewayUrl, "gatewayUrl");
            this.gatewayUrl = gatewayUrl.toString();
            return this;
        }

        /**
         * Whether to ask {@code ListActiveSSHGateways} before deriving the gateway's name; default true.
         *
         * @param discovery whether to discover
         * @return this builder
         */
        public Builder discovery(boolean discovery) {
            this.discovery = discovery;
            return this;
        }

        /**
         * Where the defaults are read; default {@code System::getenv}. For tests, and for tools that keep settings
         * elsewhere.
         *
         * @param environment a variable's value by name, null when unset
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Which TLS certificates to trust; default the JVM's.
         *
         * @param tlsTrust the certificates to trust
         * @return this builder
         */
        public Builder tlsTrust(TlsTrust tlsTrust) {
            calls.tlsTrust(tlsTrust);
            return this;
        }

        /**
         * Where the token may go; default {@link EndpointPolicy#requireTls()}.
         *
         * @param policy which API base URLs may receive the token; {@link #build()} refuses one it does not allow
         * @return this builder
         */
        public Builder endpointPolicy(EndpointPolicy policy) {
            calls.endpointPolicy(policy);
            return this;
        }

        /**
         * How host names are resolved; default the system's.
         *
         * @param resolver how the API's host name is turned into addresses
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            calls.resolver(resolver);
            return this;
        }

        /**
         * The limit for each whole call; default 60 s.
         *
         * @param timeout how long one try of a call may take, from connecting to the last byte of the answer; positive
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            calls.callTimeout(timeout);
            return this;
        }

        /**
         * Builds the client, taking what was not set from the environment.
         *
         * @return a client for the token and URLs; it opens no connection before its first call, and is closed by
         *         its user
         * @throws IllegalStateException if there is no token here or in the environment, or a URL is not usable or
         *                               not allowed by the endpoint policy
         */
        public TenkiApi build() {
            String token = this.token != null ? this.token : environmentToken(environment).orElse(null);
            if (token == null) {
                throw new IllegalStateException("No Tenki token: call token(...) or set " + ENV_AUTH_TOKEN + " or "
                        + ENV_API_KEY);
            }
            String base = baseUrl != null ? baseUrl : first(ENV_API_ENDPOINT, ENV_API_URL);
            base = base != null ? base : DEFAULT_API_URL;
            HttpUrl parsed = HttpUrl.parse(base);
            if (parsed == null) {
                throw new IllegalStateException("The Tenki API URL is not an http(s) URL: '" + Checks.escaped(base)
                        + "'");
            }
            String gateway = gatewayUrl != null ? gatewayUrl : first(ENV_GATEWAY_URL);
            URI override = null;
            if (gateway != null) {
                try {
                    override = new URI(gateway.contains("://") ? gateway : "https://" + gateway);
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("The Tenki gateway URL is not a URL: '" + Checks.escaped(gateway)
                            + "'");
                }
                if (override.getHost() == null) {
                    throw new IllegalStateException("The Tenki gateway URL names no host: '" + Checks.escaped(gateway)
                            + "'");
                }
                Checks.host(override.getHost(), ENV_GATEWAY_URL);
            }
            try {
                calls.baseUrl(parsed.toString()).token(Checks.headerValue(token, "token"));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return new TenkiApi(calls.build(), parsed.uri(), override, discovery);
        }

        private String first(String... names) {
            for (String name : names) {
                String value = environment.apply(name);
                if (value != null && !value.isBlank()) {
                    return value.trim();
                }
            }
            return null;
        }
    }
}
