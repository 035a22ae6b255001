package dev.sandgate.cert;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * A certificate authority that signs OpenSSH user and host certificates, for tests and test gateways.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.generate();
 * SshCertificate cert = ca.signUser(userKeys.getPublic(), "alice-key", List.of("alice"),
 *         Instant.now(), Instant.now().plus(Duration.ofMinutes(10)));
 * }</pre>
 *
 * <p>Production gateways keep their CA keys elsewhere; this class exists so that tests can make the
 * same certificates a gateway would.
 */
public final class CertificateAuthority {
    private final KeyPair keyPair;
    private final AtomicLong serials = new AtomicLong(1);

    private CertificateAuthority(KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
    }

    /**
     * A new CA with a fresh Ed25519 key.
     *
     * @return a new CA with a fresh Ed25519 key
     */
    public static CertificateAuthority generate() {
        return new CertificateAuthority(SshKeys.generate());
    }

    /**
     * A CA that signs with the given key pair.
     *
     * @param keyPair the CA's key pair: the public key is what verifiers trust, the private key signs; RSA keys sign
     *        with rsa-sha2-512
     * @return a CA that signs with the given key pair
     */
    public static CertificateAuthority of(KeyPair keyPair) {
        return new CertificateAuthority(keyPair);
    }

    /**
     * {@return the CA's public key: what a verifier trusts, in a {@code @cert-authority} line or TrustedUserCAKeys}
     */
    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /**
     * Signs a user certificate with the usual OpenSSH permissions (pty, port, agent and X11 forwarding, user rc).
     *
     * @param validAfter the first instant the certificate is valid
     * @param key the user's public key that the certificate certifies
     * @param validBefore the instant the certificate stops being valid; must come after {@code validAfter}
     * @param principals the user names the certificate may log in as; copied
     * @param keyId the certificate's key id, a free-form label that servers write to their logs
     * @return the signed certificate; each certificate of this CA gets the next serial number, starting at 1
     */
    public SshCertificate signUser(PublicKey key, String keyId, Collection<String> principals, Instant validAfter,
            Instant validBefore) {
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
                .extension("permit-X11-forwarding", "")
                .extension("permit-agent-forwarding", "")
                .extension("permit-port-forwarding", "")
                .extension("permit-pty", "")
                .extension("permit-user-rc", "");
        return sign(builder, key, keyId, principals, validAfter, validBefore);
    }

    /**
     * Signs a host certificate; {@code principals} are the names clients connect to.
     *
     * @param validAfter the first instant the certificate is valid
     * @param key the host's public key that the certificate certifies
     * @param validBefore the instant the certificate stops being valid; must come after {@code validAfter}
     * @param principals the host names and addresses clients connect to; copied
     * @param keyId the certificate's key id, a free-form label that clients may show
     * @return the signed certificate; each certificate of this CA gets the next serial number, starting at 1
     */
    public SshCertificate signHost(PublicKey key, String keyId, Collection<String> principals, Instant validAfter,
            Instant validBefore) {
        return sign(OpenSshCertificateBuilder.hostCertificate(), key, keyId, principals, validAfter, validBefore);
    }

    private SshCertificate sign(OpenSshCertificateBuilder builder, PublicKey key, String keyId, Collection<String> principals,
            Instant validAfter, Instant validBefore) {
        if (!validBefore.isAfter(validAfter)) {
            throw new IllegalArgumentException("validBefore " + validBefore + " must come after validAfter " + validAfter);
        }
        try {
            OpenSshCertificateBuilder signed = builder.publicKey(key)
                    .serial(serials.getAndIncrement())
                    .id(keyId)
                    .principals(List.copyOf(principals))
                    .validAfter(validAfter)
                    .validBefore(validBefore);
            // RSA CAs must sign with SHA-2: OpenSSH refuses ssh-rsa (SHA-1) certificate signatures.
            OpenSshCertificate certificate = "RSA".equals(keyPair.getPublic().getAlgorithm())
                    ? signed.sign(keyPair, "rsa-sha2-512")
                    : signed.sign(keyPair);
            return SshCertificate.of(certificate);
        } catch (Exception e) {
            throw new IllegalStateException("Could not sign certificate " + keyId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority{" + SshKeys.fingerprint(keyPair.getPublic()) + "}";
    }
}
