package dev.sandgate.cert;

import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the sandbox API returns when it mints a certificate: the login credentials, when to renew
 * them, which host CAs to trust, what is permitted, and where to connect.
 *
 * <pre>{@code
 * IssuedCertificate issued = api.issue("sess-123", SshKeys.generate(), Duration.ofMinutes(30));
 * Credentials login = issued.credentials();
 * }</pre>
 *
 * @param credentials     the key pair, its certificate and the user name to log in as
 * @param renewAfter      when a fresh certificate should be minted
 * @param hostCaKeys      the CA keys whose host certificates identify the session's SSH server
 * @param permissions     what the certificate allows
 * @param endpoints       where the session's SSH server can be reached
 * @param tunnelCredential a credential for this session's tunnels only, when the gateway issues one: sent instead of
 *                         the account token, so that the gateway's tunnel endpoints never receive the latter. Never
 *                         shown by {@link #toString()}.
 * @param hostKeys        plain host keys the API pinned for the session's SSH server (empty when it named none); a
 *                        server presenting one of them is the session's host
 */
public record IssuedCertificate(Credentials credentials, Instant renewAfter, List<PublicKey> hostCaKeys,
        Permissions permissions, Endpoints endpoints, Optional<String> tunnelCredential, List<PublicKey> hostKeys) {
    /**
     * Checks the components and keeps unmodifiable copies of collections.
     *
     * @param credentials     the key pair, its certificate and the user name to log in as
     * @param renewAfter      when a fresh certificate should be minted
     * @param hostCaKeys      the CA keys whose host certificates identify the session's SSH server
     * @param permissions     what the certificate allows
     * @param endpoints       where the session's SSH server can be reached
     * @param tunnelCredential a credential for this session's tunnels only, when the gateway issues one: sent instead of
     *        the account token, so that the gateway's tunnel endpoints never receive the latter. Never
     *        shown by {@link #toString()}.
     * @param hostKeys        plain host keys the API pinned for the session's SSH server (empty when it named none)
     */
    public IssuedCertificate {
        Objects.requireNonNull(tunnelCredential, "tunnelCredential");
        hostKeys = List.copyOf(hostKeys);
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(renewAfter, "renewAfter");
        hostCaKeys = List.copyOf(hostCaKeys);
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(endpoints, "endpoints");
    }

    /**
     * A grant with no tunnel credential of its own: tunnels use the account token.
     *
     * @param hostCaKeys the CA keys whose host certificates identify the session's SSH server; copied
     * @param endpoints where the session's SSH server can be reached
     * @param permissions what the certificate allows (pty, port forwarding, agent forwarding)
     * @param credentials the key pair and its certificate
     * @param renewAfter when a fresh certificate should be minted, before this one's end of validity
     */
    public IssuedCertificate(Credentials credentials, Instant renewAfter, List<PublicKey> hostCaKeys,
            Permissions permissions, Endpoints endpoints) {
        this(credentials, renewAfter, hostCaKeys, permissions, endpoints, Optional.empty());
    }

    /**
     * A grant that pins no plain host keys.
     *
     * @param credentials      the key pair and its certificate
     * @param renewAfter       when a fresh certificate should be minted
     * @param hostCaKeys       the CA keys whose host certificates identify the session's SSH server; copied
     * @param permissions      what the certificate allows (pty, port forwarding, agent forwarding)
     * @param endpoints        where the session's SSH server can be reached
     * @param tunnelCredential a credential for this session's tunnels only, when the gateway issues one
     */
    public IssuedCertificate(Credentials credentials, Instant renewAfter, List<PublicKey> hostCaKeys,
            Permissions permissions, Endpoints endpoints, Optional<String> tunnelCredential) {
        this(credentials, renewAfter, hostCaKeys, permissions, endpoints, tunnelCredential, List.of());
    }

    /**
     * The certificate's end of validity.
     *
     * @return the certificate's end of validity
     */
    public Instant validBefore() {
        return credentials.certificate().validBefore();
    }

    @Override
    public String toString() {
        return "IssuedCertificate{" + credentials + ", renewAfter=" + renewAfter + ", hostCaKeys=" + hostCaKeys.size()
                + (hostKeys.isEmpty() ? "" : ", hostKeys=" + hostKeys.size()) + ", " + permissions + ", " + endpoints + (tunnelCredential.isPresent() ? ", tunnelCredential=***" : "")
                + "}";
    }
}
