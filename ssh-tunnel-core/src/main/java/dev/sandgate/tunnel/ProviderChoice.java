package dev.sandgate.tunnel;

import dev.sandgate.cert.CertificateListener;
import dev.sandgate.cert.SandboxApi;

/**
 * Turns a {@link SandboxSsh.Builder}'s settings into the connect steps: the provider set, or the one the settings
 * imply (the generic provider for a login of one's own, else Sandgate's contract with the builder's API client,
 * issuer or certificate cache), with the settings made explicitly put over the provider's answers.
 */
final class ProviderChoice {
    private ProviderChoice() {
    }

    /** Refuses settings that contradict each other or leave a step unanswered. */
    static void check(SandboxSsh.Builder b) {
        if (b.provider != null && (givenLogin(b) || b.issuer != null || b.certificates != null || b.apiUrlGiven
                || b.token != null)) {
            throw new IllegalStateException("provider(...) answers the login, the API and the tunnels' auth: give it,"
                    + " or keyLogin(...), certificateLogin(...), issuer(...), certificateCache(...), apiUrl(...) or"
                    + " token(...), not both (tunnelAuth(...) and hostTrust(...) may go over a provider's answers)");
        }
        if (givenLogin(b)) {
            if (b.issuer != null || b.certificates != null) {
                throw new IllegalStateException("keyLogin(...) and certificateLogin(...) mint nothing: drop issuer(...)"
                        + " and certificateCache(...), or the login of your own");
            }
            if (b.endpoints == null || (b.knownHosts == null && b.hostTrust == null)) {
                throw new IllegalStateException("keyLogin(...) and certificateLogin(...) mint nothing, so nothing names"
                        + " the session's endpoints or host: give endpoints(...) and knownHosts(...) (or hostTrust(...))");
            }
            if (b.tunnelAuth == null && b.token == null) {
                // the environment's account token is never sent to endpoints the caller named for a login of its own
                throw new IllegalStateException("keyLogin(...) and certificateLogin(...) need the tunnels' auth given:"
                        + " tunnelAuth(...) (TunnelAuth.none() for a bridge that wants none) or token(...); "
                        + SandboxApi.ENV_API_TOKEN + " is not sent to endpoints you name");
            }
            return;
        }
        if (b.provider == null && token(b) == null && (needsApi(b) || b.tunnelAuth == null)) {
            throw new IllegalStateException("No token: call token(...) or set " + SandboxApi.ENV_API_TOKEN);
        }
    }

    /**
     * The steps; an API client built here is among their resources, closed with the {@link SandboxSsh}.
     *
     * @param certificateListener the builder's listener with the client's own counting in front of it
     */
    static ConnectSteps steps(SandboxSsh.Builder b, CertificateListener certificateListener) {
        SandboxApi api = needsApi(b) ? buildApi(b) : null;
        ProviderContext context = new ProviderContext(b.tlsTrust, b.endpointPolicy, b.resolver, b.connectTimeout,
                b.certificateTtl, certificateListener);
        ConnectSteps.Builder steps;
        try {
            steps = provider(b, api).steps(context).toBuilder();
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            throw e;
        }
        if (api != null) {
            steps.closeWith(api);
        }
        if (b.endpoints != null) {
            steps.endpoints(EndpointSource.given(b.endpoints));
        }
        if (b.tunnelAuth != null) {
            steps.tunnelAuth(b.tunnelAuth);
        }
        if (b.knownHosts != null) {
            steps.hostTrust(HostTrust.fromApi().whenApiNamesNone(HostTrust.knownHosts(b.knownHosts)));
        }
        if (b.hostTrust != null) {
            steps.hostTrust(b.hostTrust);
        }
        if (b.transportKind != null) {
            steps.transport(b.transportKind);
        }
        return steps.build();
    }

    private static SandboxProvider provider(SandboxSsh.Builder b, SandboxApi api) {
        if (b.provider != null) {
            return b.provider;
        }
        if (givenLogin(b)) {
            LoginMethod login = b.keyLoginPair != null ? LoginMethod.key(b.keyLoginUser, b.keyLoginPair)
                    : LoginMethod.certificate(b.fileCredentials);
            // endpoints(...), knownHosts(...) and tunnelAuth(...) are laid over it as over any provider's answers;
            // a token given explicitly goes as bearer, the environment's never
            return SandboxProvider.generic(login, EndpointSource.minted(),
                    b.token != null ? TunnelAuth.bearer(b.token) : TunnelAuth.none(), HostTrust.fromApi());
        }
        TunnelAuth accountAuth = token(b) != null ? TunnelAuth.bearer(token(b)) : TunnelAuth.none();
        if (b.certificates != null) {
            return context -> ConnectSteps.builder(LoginMethod.mint(b.certificates))
                    .tunnelAuth(TunnelAuthSource.sessionCredentialElse(accountAuth))
                    .build();
        }
        return SandboxProvider.sandgate(api != null ? api : b.issuer, accountAuth);
    }

    /** The token given, else {@code SANDGATE_API_TOKEN}'s, read only now that nothing explicit was given. */
    private static String token(SandboxSsh.Builder b) {
        if (b.token != null) {
            return b.token;
        }
        String fromEnvironment = System.getenv(SandboxApi.ENV_API_TOKEN);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.trim();
    }

    private static boolean givenLogin(SandboxSsh.Builder b) {
        return b.keyLoginPair != null || b.fileCredentials != null;
    }

    private static boolean needsApi(SandboxSsh.Builder b) {
        return b.provider == null && b.issuer == null && b.certificates == null && !givenLogin(b);
    }

    private static SandboxApi buildApi(SandboxSsh.Builder b) {
        try {
            return b.apiBuilder.build();
        } catch (IllegalStateException missing) {
            throw new IllegalStateException("No sandbox API URL: call apiUrl(...), set " + SandboxApi.ENV_API_URL
                    + ", or give an issuer(...) or certificateCache(...)", missing);
        }
    }
}
