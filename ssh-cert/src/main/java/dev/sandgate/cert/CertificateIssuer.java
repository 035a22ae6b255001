package dev.sandgate.cert;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;

/**
 * Mints a short-lived user certificate for a key pair, to log in to one sandbox session.
 *
 * <p>{@link SandboxApi} is the implementation that calls the sandbox REST API. Tests and special
 * deployments can supply their own:
 * <pre>{@code
 * CertificateIssuer issuer = (sessionId, keys, ttl) -> myVault.sign(sessionId, keys, ttl);
 * }</pre>
 */
@FunctionalInterface
public interface CertificateIssuer {
    /**
     * Mints a certificate for {@code keyPair}'s public key that logs in to {@code sessionId}.
     *
     * @param keyPair the key pair whose public key is sent to be certified; the private key stays here
     * @param sessionId the session's id
     * @return the certificate and the key pair it certifies
     * @param ttl the lifetime asked for; the issuer may grant less
     * @throws IOException if the API cannot be reached, refuses or answers badly
     */
    IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl) throws IOException;

    /**
     * Mints as {@link #issue(String, KeyPair, Duration)} does, within {@code timeout} when the issuer can bound its
     * work; the default ignores the limit. {@link SandboxApi} bounds the whole call, retries included.
     *
     * @param timeout how long the whole call may take, or null for the issuer's own limits
     * @param ttl the lifetime asked for; the issuer may grant less
     * @param keyPair the key pair whose public key is sent to be certified; the private key stays here
     * @param sessionId the session's id
     * @return the certificate and the key pair it certifies
     * @throws IOException if the API cannot be reached, refuses or answers badly
     */
    default IssuedCertificate issue(String sessionId, KeyPair keyPair, Duration ttl, Duration timeout) throws IOException {
        return issue(sessionId, keyPair, ttl);
    }
}
