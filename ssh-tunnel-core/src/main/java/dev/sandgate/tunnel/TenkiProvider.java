package dev.sandgate.tunnel;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.TenkiApi;

/**
 * Tenki's sandboxes: certificates minted through Tenki's Connect API ({@link TenkiApi}: principal
 * {@code session:<id>}, login {@code tenki}, renewed {@code renewalAfter} after each mint), the WebSocket gateway
 * given, discovered or derived, the token sent the way its prefix says, and the gateway's host key checked against a
 * known_hosts file you name, or recorded on first use only when you ask for it. Tenki names no host CA, so there is
 * no host trust by default: choose {@link Builder#knownHosts} or {@link Builder#acceptNewHostKeys}.
 *
 * <pre>{@code
 * SandboxProvider tenki = SandboxProvider.tenki()     // TENKI_AUTH_TOKEN, TENKI_API_ENDPOINT, TENKI_SANDBOX_GATEWAY_URL
 *         .acceptNewHostKeys(Path.of(home, ".sandgate", "tenki_known_hosts"))
 *         .build();
 * try (SandboxSsh ssh = SandboxSsh.builder().provider(tenki).build();
 *      SshConnection connection = ssh.connect(sessionId)) {
 *     System.out.print(connection.exec("uname -a").stdoutText());
 * }
 * }</pre>
 *
 * <p>Settings not given come from the environment when the {@link SandboxSsh} is built, first match wins, as Tenki's
 * own SDKs read them: the token from {@code TENKI_AUTH_TOKEN} then {@code TENKI_API_KEY}; the API from
 * {@code TENKI_API_ENDPOINT} then {@code TENKI_API_URL} then {@code https://api.tenki.cloud}; the gateway from
 * {@code TENKI_SANDBOX_GATEWAY_URL}, then {@code ListActiveSSHGateways}, then {@code sandbox-gateway.} and the API's
 * host. Its gateway is WebSocket only, so this provider chooses {@link TransportKind#WEB_SOCKET}. The
 * API client trusts, resolves and keeps to the {@link SandboxSsh.Builder}'s TLS trust, resolver and
 * endpoint policy, and closes with the {@link SandboxSsh}.
 */
public final class TenkiProvider implements SandboxProvider {
    private final String token;
    private final URI apiUrl;
    private final URI gatewayUrl;
    private final boolean discovery;
    private final Function<String, String> environment;
    private final HostTrust hostTrust;

    private TenkiProvider(Builder builder) {
        this.token = builder.token;
        this.apiUrl = builder.apiUrl;
        this.gatewayUrl = builder.gatewayUrl;
        this.discovery = builder.discovery;
        this.environment = builder.environment;
        this.hostTrust = builder.hostTrust;
    }

    /** {@return a builder with discovery on and no host trust, which {@link Builder#build()} requires} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ConnectSteps steps(ProviderContext context) {
        String chosen = token != null ? token : TenkiApi.environmentToken(environment).orElseThrow(() ->
                new IllegalStateException("No Tenki token: call token(...) or set " + TenkiApi.ENV_AUTH_TOKEN + " or "
                        + TenkiApi.ENV_API_KEY));
        TenkiApi.Builder api = TenkiApi.builder()
                .environment(environment)
                .token(chosen)
                .discovery(discovery)
                .tlsTrust(context.tlsTrust())
                .endpointPolicy(context.endpointPolicy())
                .resolver(context.resolver());
        if (apiUrl != null) {
            api.apiUrl(apiUrl);
        }
        if (gatewayUrl != null) {
            api.gatewayUrl(gatewayUrl);
        }
        TenkiApi tenki = api.build();
        return ConnectSteps.builder(LoginMethod.mint(CertificateCache.builder(tenki)
                        .ttl(context.certificateTtl())
                        .listener(context.certificateListener())
                        .build()))
                .endpoints(EndpointSource.minted())
                .tunnelAuth(tunnelAuth(chosen))
                .hostTrust(hostTrust)
                .transport(TransportKind.WEB_SOCKET)
                .closeWith(tenki)
                .build();
    }

    /** The WebSocket upgrade carries the token as the API calls do: by its prefix. */
    static TunnelAuth tunnelAuth(String token) {
        switch (TenkiApi.authHeaderName(token)) {
            case "Authorization": return TunnelAuth.bearer(token);
            case "X-Session-Token": return TunnelAuth.header("X-Session-Token", token);
            default: return TunnelAuth.cookie("tenki_session", token);
        }
    }

    /** Shows the API and gateway settings and the host trust; never the token. */
    @Override
    public String toString() {
        return "TenkiProvider{" + (apiUrl == null ? "API from the environment" : apiUrl)
                + (gatewayUrl == null ? "" : ", gateway " + gatewayUrl) + ", " + hostTrust + "}";
    }

    /** Builds a {@link TenkiProvider}; only the host trust must be chosen. */
    public static final class Builder {
        private String token;
        private URI apiUrl;
        private URI gatewayUrl;
        private boolean discovery = true;
        private Function<String, String> environment = System::getenv;
        private HostTrust hostTrust;

        private Builder() {
        }

        /**
         * The token; default {@code TENKI_AUTH_TOKEN}, else {@code TENKI_API_KEY}. {@code tk_...} goes as a bearer
         * token, {@code ory_st_...} as {@code X-Session-Token}, any other as the cookie {@code tenki_session}.
         *
         * @param token a Tenki token: {@code tk_...}, {@code ory_st_...}, or a session cookie's value
         * @return this builder
         */
        public Builder token(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("The Tenki token is " + (token == null ? "missing (null)" : "blank")
                        + ": set " + TenkiApi.ENV_AUTH_TOKEN + " or pass the token to token(...)");
            }
            this.token = token.trim();
            return this;
        }

        /**
         * The API's base URL; default {@code TENKI_API_ENDPOINT}, else {@code TENKI_API_URL}, else
         * {@code https://api.tenki.cloud}.
         *
         * @param apiUrl the API's base URL
         * @return this builder
         */
        public Builder apiUrl(URI apiUrl) {
            this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
            return this;
        }

        /**
         * The gateway whose scheme and host (with its port) replace the discovered or derived URL's (the path stays
         * {@code /v1/ssh/<session id>}); default {@code TENKI_SANDBOX_GATEWAY_URL}, else discovery, else derivation.
         *
         * @param gatewayUrl the gateway, such as {@code https://gw.example}; only its scheme, host and port are used
         * @return this builder
         */
        public Builder gatewayUrl(URI gatewayUrl) {
            this.gatewayUrl = Objects.requireNonNull(gatewayUrl, "gatewayUrl");
            return this;
        }

        /**
         * Whether to ask {@code ListActiveSSHGateways} for the gateway before deriving its name; default true.
         *
         * @param discovery whether to discover
         * @return this builder
         */
        public Builder discovery(boolean discovery) {
            this.discovery = discovery;
            return this;
        }

        /**
         * Where the defaults are read; default {@code System::getenv}. For tests, and for tools that keep these
         * settings elsewhere.
         *
         * @param environment a variable's value by name, null when unset
         * @return this builder
         */
        public Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Trusts the gateway keys this OpenSSH known_hosts file lists (never written): a gateway is named by its
         * WebSocket URL's host, with the port when it is not the scheme's default ({@link HostTrust#knownHosts}).
         *
         * @param file a known_hosts file in OpenSSH's format, read again at each connect; a missing one refuses all
         * @return this builder
         */
        public Builder knownHosts(Path file) {
            return hostTrust(HostTrust.knownHosts(file));
        }

        /**
         * Records the first key each gateway presents in {@code file} and refuses a different one later
         * ({@link HostTrust#acceptNew}, OpenSSH's {@code StrictHostKeyChecking=accept-new}), as Tenki's own tooling
         * does. Only when you ask for it: the first connection's path must be one you trust.
         *
         * @param file the file Sandgate records gateway keys in
         * @return this builder
         */
        public Builder acceptNewHostKeys(Path file) {
            return hostTrust(HostTrust.acceptNew(file));
        }

        /**
         * Any other host trust policy (a known_hosts file with {@code @cert-authority} lines is one
         * {@link #knownHosts} reads too).
         *
         * @param hostTrust what decides whether a gateway's host key is the one to trust
         * @return this builder
         */
        public Builder hostTrust(HostTrust hostTrust) {
            this.hostTrust = Objects.requireNonNull(hostTrust, "hostTrust");
            return this;
        }

        /**
         * Builds the provider; the environment is read when a {@link SandboxSsh} is built with it.
         *
         * @return a provider that makes its Tenki API client when a {@link SandboxSsh} is built, and closes it with it
         * @throws IllegalStateException if no host trust was chosen (Tenki names no host CA, and accept-new is never
         *                               a default)
         */
        public TenkiProvider build() {
            if (hostTrust == null) {
                throw new IllegalStateException("Tenki names no host CA, so the gateway's key must be trusted another"
                        + " way: call knownHosts(file), or acceptNewHostKeys(file) to record it on first use");
            }
            return new TenkiProvider(this);
        }
    }
}
