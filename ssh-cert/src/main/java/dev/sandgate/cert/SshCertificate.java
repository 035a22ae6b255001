package dev.sandgate.cert;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * An OpenSSH certificate ({@code *-cert-v01@openssh.com}), parsed and immutable.
 *
 * <pre>{@code
 * SshCertificate cert = SshCertificate.parse(Files.readString(Path.of("id_ed25519-cert.pub")));
 * if (cert.isValidAt(Instant.now(), Duration.ofSeconds(30)) && cert.principals().contains("sandbox")) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Parsing does not trust the certificate: {@link #hasValidSignature()} checks the CA's signature,
 * and callers still decide whether that CA is one they trust.
 */
public final class SshCertificate {
    /** Whether the certificate identifies a user (to log in) or a host (to be connected to). */
    public enum Type {
        /** A user certificate, to log in with. */
        USER,
        /** A host certificate, that a server presents. */
        HOST
    }

    private final String line;
    private final OpenSshCertificate certificate;

    private SshCertificate(String line, OpenSshCertificate certificate) {
        this.line = line;
        this.certificate = certificate;
    }

    /**
     * Parses one line in OpenSSH form: {@code ssh-ed25519-cert-v01@openssh.com AAAA... [comment]}.
     *
     * @param line the certificate as one OpenSSH line
     * @return the parsed certificate, a user or a host one
     * @throws IllegalArgumentException if the line is not an OpenSSH certificate
     */
    public static SshCertificate parse(String line) {
        Objects.requireNonNull(line, "line");
        String trimmed = line.trim();
        PublicKey key = SshKeys.parsePublicKey(trimmed);
        if (!(key instanceof OpenSshCertificate)) {
            throw new IllegalArgumentException(
                    "Expected an OpenSSH certificate (*-cert-v01@openssh.com) but got a plain " + key.getAlgorithm() + " public key");
        }
        return new SshCertificate(trimmed, (OpenSshCertificate) key);
    }

    /**
     * Wraps a certificate MINA SSHD has already parsed.
     *
     * @param certificate a certificate as MINA's key parsing or {@code OpenSshCertificateBuilder} made it
     * @return the same certificate, which writes itself back as one OpenSSH line
     */
    public static SshCertificate of(OpenSshCertificate certificate) {
        return new SshCertificate(SshKeys.publicKeyLine(certificate), certificate);
    }

    /** {@return whether this certificate identifies a user (to log in) or a host (a server)} */
    public Type type() {
        return certificate.getType() == OpenSshCertificate.Type.HOST ? Type.HOST : Type.USER;
    }

    /**
     * The certificate's key type, e.g. {@code ssh-ed25519-cert-v01@openssh.com}.
     *
     * @return the certificate's key type
     */
    public String keyType() {
        return certificate.getKeyType();
    }

    /** {@return the free-form label the CA gave the certificate, which servers write to their logs} */
    public String keyId() {
        return certificate.getId();
    }

    /** {@return the number the CA gave the certificate, which a revocation list can name; 0 when the CA set none} */
    public long serial() {
        return certificate.getSerial();
    }

    /**
     * The principals (user names or host names) the certificate is valid for; empty means any.
     *
     * @return the principals (user names or host names) the certificate is valid for; empty means any
     */
    public List<String> principals() {
        return List.copyOf(certificate.getPrincipals());
    }

    /** {@return the first instant the certificate is valid} */
    public Instant validAfter() {
        return epochSecondsToInstant(certificate.getValidAfter());
    }

    /** {@return the instant the certificate stops being valid; {@link Instant#MAX} for one that never expires} */
    public Instant validBefore() {
        return epochSecondsToInstant(certificate.getValidBefore());
    }

    /**
     * {@return the critical options by name, such as {@code force-command} or {@code source-address}; empty when
     * there are none, and the value empty for an option without one}
     */
    public Map<String, String> criticalOptions() {
        return Map.copyOf(certificate.getCriticalOptionsMap());
    }

    /**
     * {@return the extensions by name, such as {@code permit-pty} or {@code permit-port-forwarding}; the values are
     * usually empty}
     */
    public Map<String, String> extensions() {
        return Map.copyOf(certificate.getExtensionsMap());
    }

    /**
     * The key that the certificate certifies.
     *
     * @return the key that the certificate certifies
     */
    public PublicKey publicKey() {
        return certificate.getCertPubKey();
    }

    /**
     * The key of the CA that signed the certificate.
     *
     * @return the key of the CA that signed the certificate
     */
    public PublicKey caPublicKey() {
        return certificate.getCaPubKey();
    }

    /**
     * Whether {@code instant} lies in {@code [validAfter - skew, validBefore + skew)}.
     *
     * @param instant the moment to check
     * @param allowedSkew how far the two clocks may disagree
     * @return whether {@code instant} lies in {@code [validAfter - skew, validBefore + skew)}
     */
    public boolean isValidAt(Instant instant, Duration allowedSkew) {
        return !instant.isBefore(validAfter().minus(allowedSkew)) && instant.isBefore(validBefore().plus(allowedSkew));
    }

    /**
     * Whether the certificate is valid now by {@code clock}, allowing for {@code allowedSkew} between the clocks.
     *
     * @param allowedSkew how far the two clocks may disagree
     * @param clock the clock to read the time from
     * @return whether the certificate is valid now by {@code clock}
     */
    public boolean isValid(Clock clock, Duration allowedSkew) {
        return isValidAt(clock.instant(), allowedSkew);
    }

    /**
     * Whether the certificate is valid for this principal: it is listed, or the list is empty (any principal).
     *
     * @param principal a user name (for a user certificate) or host name (for a host certificate), compared exactly
     * @return whether the certificate is valid for this principal: it is listed, or the list is empty (any principal)
     */
    public boolean allowsPrincipal(String principal) {
        List<String> principals = principals();
        return principals.isEmpty() || principals.contains(principal);
    }

    /**
     * The algorithm of the CA's signature, e.g. {@code ssh-ed25519} or {@code rsa-sha2-512}.
     *
     * @return the algorithm of the CA's signature
     */
    public String signatureAlgorithm() {
        return certificate.getSignatureAlgorithm();
    }

    /**
     * Whether the CA's signature over the certificate's contents is correct.
     *
     * @return whether the CA's signature over the certificate's contents is correct
     */
    public boolean hasValidSignature() {
        try {
            Signature verifier = BuiltinSignatures.fromFactoryName(certificate.getSignatureAlgorithm()).create();
            verifier.initVerifier(null, certificate.getCaPubKey());
            verifier.update(null, certificate.getMessage());
            return verifier.verify(null, certificate.getSignature());
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The certificate in OpenSSH form, as it would stand in an {@code -cert.pub} file.
     *
     * @return the certificate in OpenSSH form, as it would stand in an {@code -cert.pub} file
     */
    public String toOpenSshLine() {
        return line;
    }

    /**
     * The certificate as MINA SSHD's key type, for use as the public half of a login identity.
     *
     * @return the certificate as MINA SSHD's key type, for use as the public half of a login identity
     */
    public OpenSshCertificate asOpenSshCertificate() {
        return certificate;
    }

    private static Instant epochSecondsToInstant(long seconds) {
        // OpenSSH stores validity as unsigned 64-bit seconds; "forever" is all ones, which Java sees as -1.
        if (seconds < 0 || seconds > Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        return Instant.ofEpochSecond(seconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SshCertificate && ((SshCertificate) o).line.equals(line);
    }

    @Override
    public int hashCode() {
        return line.hashCode();
    }

    @Override
    public String toString() {
        return "SshCertificate{" + type() + ", id=" + keyId() + ", serial=" + serial() + ", principals=" + principals()
                + ", valid " + validAfter() + " to " + validBefore() + ", ca=" + SshKeys.fingerprint(caPublicKey()) + "}";
    }
}
