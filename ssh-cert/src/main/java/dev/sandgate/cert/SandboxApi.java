package dev.sandgate.cert;

import java.io.Closeable;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandgate.cert.internal.ApiErrors;
import dev.sandgate.cert.internal.ApiResponses;
import dev.sandgate.cert.internal.Checks;
import dev.sandgate.cert.internal.RetryPolicy;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * The sandbox REST API (gateway contract v1): sessions, and certificate minting as a {@link CertificateIssuer}.
 *
 * <pre>{@code
 * try (SandboxApi api = SandboxApi.builder()
 *         .baseUrl("https://api.example.com/v1")
 *         .token(System.getenv("SANDGATE_API_TOKEN"))
 *         .build()) {
 *     SandboxSession session = api.createSession(NewSession.builder().build());
 *     IssuedCertificate issued = api.issue(session.id(), SshKeys.generate(), Duration.ofMinutes(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Every failure is a {@link SandboxApiException} naming the call and the API's answer;
 * the token never appears in messages or in {@link #toString()}.
 */
public final class SandboxApi implements CertificateIssuer, Closeable {
    /** Environment variable read by {@link Builder} for the base URL when none is set. */
    public static final String ENV_API_URL = "SANDGATE_API_URL";
    /** Environment variable read by {@link Builder} for the bearer token when none is set. */
    public static final String ENV_API_TOKEN = "SANDGATE_API_TOKEN";

    /** The HTTP client, its URLs and retries; shared with {@link TenkiApi}, which speaks another dialect through it. */
    private final ApiCalls calls;
    private final ObjectMapper mapper = new ObjectMapper();

    private SandboxApi(Builder builder) {
        this.calls = new ApiCalls(builder);
    }

    /**
     * {@return a builder; the base URL and the token not given to it are read from {@value #ENV_API_URL} and
     * {@value #ENV_API_TOKEN} when {@link Builder#build()} runs, and only then: a process that serves several accounts
     * should give both, so that no call goes out with the environment's token by accident}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The API's base URL, such as {@code https://api.example.com/v1}.
     *
     * @return the API's base URL, such as {@code https://api.example.com/v1}
     */
    public URI baseUrl() {
        return calls.baseUrl().uri();
    }

    /**
     * {@code POST /sessions}: creates a session.
     *
     * <p>The call carries an {@code Idempotency-Key} header: the request's own {@linkplain NewSession#idempotencyKey()
     * key}, or else a new random UUID, the same on each retry of this call. With it the call is retried (within
     * {@link Builder#maxRetries} and {@link Builder#maxRetryWait}) after a 5xx, a 429, or no answer at all (a timeout, a
     * connection that broke), since a gateway that honours the key answers a repeat with the session the first try
     * made instead of making another. A gateway may ignore the key (the contract makes it optional); a retry there
     * after a lost answer makes a second session, and the first is left to its ttl.
     *
     * <pre>{@code
     * SandboxSession session = api.createSession(NewSession.builder().ttl(Duration.ofHours(2)).build());
     * }</pre>
     *
     * @param request the session's ttl, image, metadata and public key, and the idempotency key if it has one
     * @return the session made (or, for a key already used with this request, the session it made)
     * @throws IdempotencyKeyReusedException if the request's key was already used with another request
     * @throws SandboxApiException if the API cannot be reached, refuses or answers badly
     */
    public SandboxSession createSession(NewSession request) throws SandboxApiException {
        ObjectNode body = mapper.createObjectNode();
        body.put("ttl", request.ttl().toSeconds());
        request.image().ifPresent(image -> body.put("image", image));
        ObjectNode metadata = body.putObject("metadata");
        request.metadata().forEach(metadata::put);
        request.sshPublicKey().ifPresent(key -> body.put("ssh_public_key", key));
        String key = request.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
        String what = "POST /sessions (Idempotency-Key " + key + ")";
        try {
            return ApiResponses.session(calls.call("POST", calls.url("sessions"), body, what, RetryPolicy.KEYED_CREATE, null, key));
        } catch (SandboxApiException e) {
            if (e.status() / 100 == 4 && IdempotencyKeyReusedException.ERROR_CODE.equals(e.errorCode())) {
                throw new IdempotencyKeyReusedException(e.getMessage() + " (the key was first used with another"
                        + " request: use a new key for a new session, or the same request for the session it made)",
                        e.status(), e.apiMessage(), key, null);
            }
            throw e;
        }
    }

    /**
     * {@code GET /sessions/{id}}.
     *
     * @param sessionId the session's id
     * @return {@code GET /sessions/{id}}
     * @throws SandboxApiException if the API cannot be reached, refuses or answers badly
     */
    public SandboxSession getSession(String sessionId) throws SandboxApiException {
        String what = "GET /sessions/" + sessionId;
        return ApiResponses.session(calls.call("GET", sessionUrl(sessionId), null, what, RetryPolicy.IDEMPOTENT));
    }

    /**
     * {@code GET /sessions?limit&offset}: one page of sessions.
     *
     * @param limit the largest number to return
     * @param offset how many to skip
     * @return {@code GET /sessions?limit&offset}: one page of sessions
     * @throws SandboxApiException if the API cannot be reached, refuses or answers badly
     */
    public SessionPage listSessions(int limit, int offset) throws SandboxApiException {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("limit must be at least 1 and offset at least 0, got limit=" + limit
                    + " offset=" + offset);
        }
        HttpUrl url = calls.url("sessions").newBuilder()
                .addQueryParameter("limit", Integer.toString(limit))
                .addQueryParameter("offset", Integer.toString(offset))
                .build();
        return ApiResponses.sessionPage(calls.call("GET", url, null, "GET /sessions", RetryPolicy.IDEMPOTENT));
    }

    /**
     * {@code DELETE /sessions/{id}}: stops and removes a session.
     *
     * @param sessionId the session's id
     * @throws SandboxApiException if the API cannot be reached, refuses or answers badly
     */
    public void deleteSession(String sessionId) throws SandboxApiException {
        calls.call("DELETE", sessionUrl(sessionId), null, "DELETE /sessions/" + sessionId, RetryPolicy.NONE);
    }

    /** {@code POST /sessions/{id}/ssh/certificates}: mints a user certificate for {@code keyPair}. */
    @Override
    public IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl) throws SandboxApiException {
        return issue(sessionId, keyPair, ttl, null);
    }

    /**
     * As {@link #issue(String, KeyPair, Duration)}, within {@code timeout} for the whole mint, retries included
     * (null for this client's own limits).
     */
    @Override
    public IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl, Duration timeout)
            throws SandboxApiException {
        ObjectNode body = mapper.createObjectNode();
        body.put("public_key", SshKeys.publicKeyLine(keyPair.getPublic()));
        body.put("ttl_seconds", ttl.toSeconds());
        String what = "POST /sessions/" + sessionId + "/ssh/certificates";
        JsonNode answer = calls.call("POST", sessionUrl(sessionId, "ssh", "certificates"), body, what, RetryPolicy.MINT,
                timeout, null);
        try {
            return ApiResponses.issuedCertificate(answer, keyPair, sessionId, ttl, Instant.now());
        } catch (IllegalArgumentException e) {
            throw new InvalidResponseException(what + " returned an unusable grant: " + e.getMessage(), 201, null, null, e);
        }
    }

    /**
     * A POST of {@code body} to the base URL extended by {@code segments}, with this client's auth, limits, retries
     * and error reading: the machinery another dialect of API ({@link TenkiApi}'s Connect calls) reuses.
     *
     * @param limit a bound on the whole call, retries included, or null for this client's own limits
     */
    JsonNode post(JsonNode body, String what, RetryPolicy retryPolicy, Duration limit, String... segments)
            throws SandboxApiException {
        return calls.call("POST", calls.url(segments), body, what, retryPolicy, limit, null);
    }

    /** The URL of a session's resource, after checking that the id cannot escape its path segment. */
    private HttpUrl sessionUrl(String sessionId, String... more) {
        String[] segments = new String[more.length + 2];
        segments[0] = "sessions";
        segments[1] = Checks.sessionId(sessionId);
        System.arraycopy(more, 0, segments, 2, more.length);
        return calls.url(segments);
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return "SandboxApi{" + calls.baseUrl() + "}";
    }

    /**
     * Builds a {@link SandboxApi}. A base URL or token not given is read from {@value #ENV_API_URL} or
     * {@value #ENV_API_TOKEN} by {@link #build()}; what is given is never replaced, and a variable that is set but
     * wrong does not matter when its setting was given.
     */
    public static final class Builder {
        // the settings that ApiCalls and ApiExchange read are package-private; the rest are the builder's own
        HttpUrl baseUrl;
        String token;
        TlsTrust tlsTrust;
        Duration connectTimeout = Duration.ofSeconds(10);
        Duration readTimeout = Duration.ofSeconds(30);
        Duration callTimeout = Duration.ofSeconds(60);
        int maxRetries = 3;
        Duration maxRetryWait = Duration.ofSeconds(30);
        HostResolver resolver = HostResolver.SYSTEM;
        final BiConsumer<Request.Builder, String> authorize;
        final ApiExchange.ErrorReader errors;
        private EndpointPolicy endpointPolicy = EndpointPolicy.requireTls();
        /** Whether {@link #build()} falls back to the {@code SANDGATE_*} variables; not for another dialect. */
        private final boolean readsEnvironment;

        /** A builder for another dialect of API, which reads no {@code SANDGATE_*} variable. */
        Builder(BiConsumer<Request.Builder, String> authorize, ApiExchange.ErrorReader errors) {
            this.authorize = Objects.requireNonNull(authorize, "authorize");
            this.errors = Objects.requireNonNull(errors, "errors");
            this.readsEnvironment = false;
        }

        private Builder() {
            this.authorize = (request, token) -> request.header("Authorization", "Bearer " + token);
            this.errors = ApiErrors::of;
            this.readsEnvironment = true;
        }

        /**
         * The API's base URL, e.g. {@code https://api.example.com/v1}.
         *
         * @param baseUrl the API's base URL, such as https://api.example.com/v1
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            if (baseUrl == null) {
                throw new IllegalArgumentException("The API URL is missing (null): set " + ENV_API_URL
                        + " or pass the URL to baseUrl(...)");
            }
            HttpUrl parsed = HttpUrl.parse(baseUrl);
            if (parsed == null) {
                throw new IllegalArgumentException("Not an http(s) URL: '" + baseUrl + "'");
            }
            if (!parsed.username().isEmpty() || !parsed.password().isEmpty() || parsed.query() != null) {
                throw new IllegalArgumentException(
                        "The base URL must not carry credentials or a query; pass the token with token(...)");
            }
            this.baseUrl = parsed;
            return this;
        }

        /**
         * Sets the API's base URL, as {@link #baseUrl(String)} does.
         *
         * @param baseUrl the API's base URL, such as https://api.example.com/v1
         * @return this builder
         */
        public Builder baseUrl(URI baseUrl) {
            return baseUrl(baseUrl.toString());
        }

        /**
         * The bearer token sent with every call.
         *
         * @param token the bearer token
         * @return this builder
         * @throws IllegalArgumentException if the token is null or blank (the message names {@code SANDGATE_API_TOKEN};
         *                                  it never holds a token)
         */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                // typically token(System.getenv(...)) with the variable unset: say how to give one
                throw new IllegalArgumentException("The API token is " + (token == null ? "missing (null)" : "blank")
                        + ": set " + ENV_API_TOKEN + " or pass the token to token(...)");
            }
            this.token = Checks.headerValue(token.trim(), "token");
            return this;
        }

        /**
         * Which TLS certificates to trust for an https base URL; default the JVM's trust store.
         *
         * @param tlsTrust the certificates to trust
         * @return this builder
         */
        public Builder tlsTrust(TlsTrust tlsTrust) {
            this.tlsTrust = Objects.requireNonNull(tlsTrust, "tlsTrust");
            return this;
        }

        /**
         * How long to wait for a TCP connection; default 10 s.
         *
         * @param timeout how long to wait for a TCP (and TLS) connection to the API; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long to wait for any single read or write; default 30 s.
         *
         * @param timeout how long one read or write may wait for the API; positive
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Checks.positive(timeout, "readTimeout");
            return this;
        }

        /**
         * The limit for a whole call; default 60 s.
         *
         * @param timeout how long one try of a call may take, from connecting to the last byte of the answer; positive
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Checks.positive(timeout, "callTimeout");
            return this;
        }

        /**
         * How often a failed call may be retried; default 3. GETs retry on 5xx and 429, a certificate mint only on
         * 429 and 503 that say when to retry ({@code Retry-After}); creating a session, which carries an
         * {@code Idempotency-Key}, retries on 5xx, 429 and when no answer came (a timeout, a broken connection);
         * deleting a session never retries. {@code 0} turns every retry off.
         *
         * @param maxRetries how many tries may follow the first one; 0 or more
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * The most time a call may spend waiting between retries, all waits together; default 30 s. A longer
         * {@code Retry-After} is not waited for. The tries themselves are bounded by the timeouts.
         *
         * @param wait the most time the waits of one call may add up to; zero or more
         * @return this builder
         */
        public Builder maxRetryWait(Duration wait) {
            this.maxRetryWait = Checks.notNegative(wait, "maxRetryWait");
            return this;
        }


        /**
         * Where the token may go; default {@link EndpointPolicy#requireTls()}: an {@code http://} base URL is refused
         * unless its host is loopback or the policy allows cleartext.
         *
         * @param policy which base URLs may receive the token; checked by {@link #build()}
         * @return this builder
         */
        public Builder endpointPolicy(EndpointPolicy policy) {
            this.endpointPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How host names are resolved; default the system's.
         *
         * @param resolver how host names resolve
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Builds the client.
         *
         * @return a client for the base URL and token; it opens no connection before its first call
         * @throws IllegalStateException if no base URL or token was given, here or in the environment, or the base
         *                               URL is one the {@link #endpointPolicy} does not allow
         */
        public SandboxApi build() {
            if (baseUrl == null && readsEnvironment && isSet(System.getenv(ENV_API_URL))) {
                try {
                    baseUrl(System.getenv(ENV_API_URL).trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(ENV_API_URL + " is not a usable API URL (" + e.getMessage()
                            + "): fix it, or call baseUrl(...)", e);
                }
            }
            if (token == null && readsEnvironment && isSet(System.getenv(ENV_API_TOKEN))) {
                token = System.getenv(ENV_API_TOKEN).trim();
            }
            if (baseUrl == null) {
                throw new IllegalStateException("No API base URL: call baseUrl(...) or set " + ENV_API_URL);
            }
            String refusal = endpointPolicy.refusal(baseUrl.uri(), false, "SandboxApi.Builder.endpointPolicy");
            if (refusal != null) {
                throw new IllegalStateException("Refusing the API URL: " + refusal);
            }
            if (token == null) {
                throw new IllegalStateException("No API token: call token(...) or set " + ENV_API_TOKEN);
            }
            return new SandboxApi(this);
        }

        private static boolean isSet(String value) {
            return value != null && !value.isBlank();
        }
    }
}
