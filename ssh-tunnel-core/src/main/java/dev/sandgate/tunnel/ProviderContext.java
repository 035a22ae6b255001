package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.CertificateListener;
import dev.sandgate.cert.EndpointPolicy;
import dev.sandgate.cert.HostResolver;
import dev.sandgate.cert.TlsTrust;

/**
 * The settings of a {@link SandboxSsh.Builder} that a {@link SandboxProvider} builds its steps with: an API client
 * it makes should trust, resolve and send tokens as the rest of Sandgate does.
 *
 * <pre>{@code
 * SandboxProvider provider = context -> ConnectSteps.builder(LoginMethod.mint(CertificateCache.builder(myIssuer)
 *                 .ttl(context.certificateTtl()).listener(context.certificateListener()).build()))
 *         .build();
 * }</pre>
 *
 * @param tlsTrust            which TLS certificates to trust
 * @param endpointPolicy      where a token may go
 * @param resolver            how host names resolve
 * @param connectTimeout      the limit for a whole connect
 * @param certificateTtl      the lifetime to ask for each certificate
 * @param certificateListener hears mints and renewals
 */
public record ProviderContext(TlsTrust tlsTrust, EndpointPolicy endpointPolicy, HostResolver resolver,
        Duration connectTimeout, Duration certificateTtl, CertificateListener certificateListener) {
    /**
     * Checks that nothing is null.
     *
     * @param tlsTrust            which TLS certificates to trust
     * @param endpointPolicy      where a token may go
     * @param resolver            how host names resolve
     * @param connectTimeout      the limit for a whole connect
     * @param certificateTtl      the lifetime to ask for each certificate
     * @param certificateListener hears mints and renewals
     */
    public ProviderContext {
        Objects.requireNonNull(tlsTrust, "tlsTrust");
        Objects.requireNonNull(endpointPolicy, "endpointPolicy");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(certificateTtl, "certificateTtl");
        Objects.requireNonNull(certificateListener, "certificateListener");
    }
}
