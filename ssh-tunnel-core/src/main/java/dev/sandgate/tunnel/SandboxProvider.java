package dev.sandgate.tunnel;

import java.util.Objects;

import dev.sandgate.cert.CertificateIssuer;

/**
 * Where sandbox sessions are and how they are reached: a provider answers, once per {@link SandboxSsh}, the four
 * questions every connect asks for a session (how to log in, where the tunnel goes, how the tunnel request is
 * authenticated, how the host is trusted) with a {@link ConnectSteps}.
 *
 * <pre>{@code
 * // E2B's recipe: sshd behind websocat or websockify inside the sandbox, reached with a key of one's own
 * SandboxProvider e2b = SandboxProvider.generic(
 *         LoginMethod.key("user", keyPair),
 *         EndpointSource.webSocket(id -> URI.create("wss://8081-" + id + ".e2b.app")),
 *         TunnelAuth.none(),
 *         HostTrust.knownHosts(Path.of("known_hosts")));
 * try (SandboxSsh ssh = SandboxSsh.builder().provider(e2b).build();
 *      SshConnection connection = ssh.connect(sandboxId)) {
 *     connection.exec("uname -a");
 * }
 * }</pre>
 *
 * <p>Without {@link SandboxSsh.Builder#provider}, the builder's own settings choose Sandgate's contract (an
 * {@code apiUrl} and {@code token}, an {@code issuer} or a {@code certificateCache}) or, with {@code keyLogin} or
 * {@code certificateLogin}, the {@link #generic generic} provider. Builder settings made explicitly
 * ({@code tunnelAuth}, {@code knownHosts}, {@code hostTrust}, {@code endpoints}) override the provider's answers.
 */
@FunctionalInterface
public interface SandboxProvider {
    /**
     * Answers the four questions, once per {@link SandboxSsh}; resources made here (an API client) are handed to
     * {@link ConnectSteps.Builder#closeWith} and closed with the {@link SandboxSsh}.
     *
     * @param context the builder's shared settings (TLS trust, endpoint policy, resolver, limits, listeners)
     * @return the login, endpoints, tunnel auth and host trust for every session, and the resources to close
     */
    ConnectSteps steps(ProviderContext context);

    /**
     * Sandgate's gateway contract ({@code docs/gateway-contract.md}), the default: certificates minted by
     * {@code issuer} (a {@link dev.sandgate.cert.SandboxApi} is one) for a fresh key, cached and renewed; the
     * endpoints the mint answer names; tunnels authenticated with the session's own tunnel credential when the mint
     * answer carries one, else with {@code accountAuth}; the host trusted as the mint answer says
     * ({@link HostTrust#fromApi()}).
     *
     * @param issuer      what mints certificates
     * @param accountAuth the tunnels' auth when the mint answer carries no tunnel credential, usually
     *                    {@code TunnelAuth.bearer(token)}
     * @return the provider
     */
    static SandboxProvider sandgate(CertificateIssuer issuer, TunnelAuth accountAuth) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(accountAuth, "accountAuth");
        return context -> ConnectSteps.builder(LoginMethod.mint(dev.sandgate.cert.CertificateCache.builder(issuer)
                        .ttl(context.certificateTtl())
                        .listener(context.certificateListener())
                        .build()))
                .tunnelAuth(TunnelAuthSource.sessionCredentialElse(accountAuth))
                .build();
    }

    /**
     * Tenki's sandboxes ({@link TenkiProvider}): certificates minted through Tenki's Connect API, its WebSocket
     * gateway given, discovered or derived, its settings from {@code TENKI_*} variables when not given here, and the
     * gateway's key trusted as you choose.
     *
     * <pre>{@code
     * SandboxProvider tenki = SandboxProvider.tenki().knownHosts(Path.of("tenki_known_hosts")).build();
     * }</pre>
     *
     * @return a builder of the provider
     */
    static TenkiProvider.Builder tenki() {
        return TenkiProvider.builder();
    }

    /**
     * A key or certificate you have, a CONNECT or WebSocket endpoint, a host you trust: plain infrastructure (an SSH
     * server behind websockify, websocat or any CONNECT proxy), minting nothing. Each tunnel goes by the kind of
     * endpoint given: a WebSocket URL by WebSocket, a CONNECT proxy by HTTP CONNECT.
     *
     * @param login      a {@link LoginMethod#key key} or a {@link LoginMethod#certificate certificate}
     * @param endpoints  where each session's tunnel goes
     * @param tunnelAuth how the tunnel request is authenticated ({@link TunnelAuth#none()} for none)
     * @param hostTrust  how the host is trusted (a known_hosts file, or accept-new)
     * @return the provider
     */
    static SandboxProvider generic(LoginMethod login, EndpointSource endpoints, TunnelAuth tunnelAuth,
            HostTrust hostTrust) {
        ConnectSteps steps = ConnectSteps.builder(login)
                .endpoints(endpoints)
                .tunnelAuth(tunnelAuth)
                .hostTrust(hostTrust)
                .build();
        return context -> steps;
    }
}
