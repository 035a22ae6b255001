package dev.sandgate.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's four answers for every session: how to log in, where the tunnel goes, how the tunnel request is
 * authenticated, and how the host is trusted; plus which transport carries the tunnel, when the endpoints leave a
 * choice, and what to close with the {@link SandboxSsh}. Only the login has no default.
 *
 * <pre>{@code
 * ConnectSteps steps = ConnectSteps.builder(LoginMethod.key("user", keyPair))   // 1. login
 *         .endpoints(EndpointSource.webSocket(id -> URI.create("wss://gw.example/ssh/" + id)))  // 2. endpoint
 *         .tunnelAuth(TunnelAuth.bearer(token))                                  // 3. tunnel auth
 *         .hostTrust(HostTrust.acceptNew(Path.of("sandgate_known_hosts")))      // 4. host trust
 *         .build();
 * }</pre>
 */
public final class ConnectSteps {
    private final LoginMethod login;
    private final EndpointSource endpoints;
    private final TunnelAuthSource tunnelAuth;
    private final HostTrust hostTrust;
    private final TransportKind transport;
    private final List<AutoCloseable> resources;

    private ConnectSteps(Builder builder) {
        this.login = builder.login;
        this.endpoints = builder.endpoints;
        this.tunnelAuth = builder.tunnelAuth;
        this.hostTrust = builder.hostTrust;
        this.transport = builder.transport;
        this.resources = List.copyOf(builder.resources);
    }

    /**
     * Starts with the one answer that has no default.
     *
     * @param login how to log in
     * @return a builder: endpoints default to the mint answer's, tunnel auth to the session's own credential (else
     *         none), host trust to {@link HostTrust#fromApi()}
     */
    public static Builder builder(LoginMethod login) {
        return new Builder(login);
    }

    /** {@return how to log in} */
    public LoginMethod login() {
        return login;
    }

    /** {@return where the tunnel goes} */
    public EndpointSource endpoints() {
        return endpoints;
    }

    /** {@return how the tunnel request is authenticated} */
    public TunnelAuthSource tunnelAuth() {
        return tunnelAuth;
    }

    /** {@return how the host is trusted} */
    public HostTrust hostTrust() {
        return hostTrust;
    }

    /** {@return the transport the provider chose, or empty to follow each session's endpoints} */
    public Optional<TransportKind> transport() {
        return Optional.ofNullable(transport);
    }

    /** {@return what is closed with the {@link SandboxSsh}} */
    List<AutoCloseable> resources() {
        return resources;
    }

    /** {@return a builder holding these answers, for overriding some} */
    Builder toBuilder() {
        Builder builder = new Builder(login).endpoints(endpoints).tunnelAuth(tunnelAuth).hostTrust(hostTrust);
        builder.transport = transport;
        builder.resources.addAll(resources);
        return builder;
    }

    /** Shows the login and the host trust; never a key or a token. */
    @Override
    public String toString() {
        return login + ", " + hostTrust;
    }

    /** Builds {@link ConnectSteps}. */
    public static final class Builder {
        private final LoginMethod login;
        private EndpointSource endpoints = EndpointSource.minted();
        private TunnelAuthSource tunnelAuth = TunnelAuthSource.sessionCredentialElse(TunnelAuth.none());
        private HostTrust hostTrust = HostTrust.fromApi();
        private TransportKind transport;
        private final List<AutoCloseable> resources = new ArrayList<>();

        private Builder(LoginMethod login) {
            this.login = Objects.requireNonNull(login, "login");
        }

        /**
         * Where each session's tunnel goes; default {@link EndpointSource#minted()}.
         *
         * @param endpoints what names each session's tunnel endpoints, asked at each connect
         * @return this builder
         */
        public Builder endpoints(EndpointSource endpoints) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        /**
         * How tunnel requests are authenticated; default the session's own tunnel credential when the mint answer
         * carries one, else nothing.
         *
         * @param tunnelAuth what gives each tunnel request its credential, asked at each connect
         * @return this builder
         */
        public Builder tunnelAuth(TunnelAuthSource tunnelAuth) {
            this.tunnelAuth = Objects.requireNonNull(tunnelAuth, "tunnelAuth");
            return this;
        }

        /**
         * Authenticates every tunnel request the same way.
         *
         * @param tunnelAuth the credential sent with every tunnel request, whatever the session
         * @return this builder
         */
        public Builder tunnelAuth(TunnelAuth tunnelAuth) {
            return tunnelAuth(TunnelAuthSource.fixed(tunnelAuth));
        }

        /**
         * How the host is trusted; default {@link HostTrust#fromApi()}.
         *
         * @param hostTrust what decides whether the server's host key or certificate is the session's
         * @return this builder
         */
        public Builder hostTrust(HostTrust hostTrust) {
            this.hostTrust = Objects.requireNonNull(hostTrust, "hostTrust");
            return this;
        }

        /**
         * The transport for every session; default none, so that each tunnel follows its session's endpoints (HTTP
         * CONNECT when they name a proxy, else WebSocket). A {@link SandboxSsh.Builder#transport} overrides it.
         *
         * @param kind the transport a gateway that offers several should be reached by
         * @return this builder
         */
        public Builder transport(TransportKind kind) {
            this.transport = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * Closes this resource (an API client the provider made) when the {@link SandboxSsh} closes.
         *
         * @param resource closed after the SSH client stops, in the order given; a failure is reported by
         *        {@link SandboxSsh#close()} after the rest are closed
         * @return this builder
         */
        public Builder closeWith(AutoCloseable resource) {
            resources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Builds the steps.
         *
         * @return the answers given, with the defaults for the rest
         */
        public ConnectSteps build() {
            return new ConnectSteps(this);
        }
    }
}
