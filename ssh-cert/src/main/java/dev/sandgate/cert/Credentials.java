package dev.sandgate.cert;

import java.security.KeyPair;
import java.util.Objects;

/**
 * What an SSH login needs: a key pair, the certificate for its public key, and the user name.
 *
 * <pre>{@code
 * Credentials credentials = new Credentials("sandbox", keyPair, certificate);
 * }</pre>
 *
 * <p>{@link #toString()} never shows the private key.
 */
public final class Credentials {
    private final String username;
    private final KeyPair keyPair;
    private final SshCertificate certificate;

    /**
     * A user name with a key pair and the certificate signed for its public key.
     *
     * @param keyPair the key pair whose private key signs the login; its public key must be the certified one
     * @param certificate a user certificate for the key pair's public key
     * @param username the user to log in as; a server accepts it only if the certificate lists it as a principal
     * @throws IllegalArgumentException if the certificate is not for the key pair's public key, or not a user certificate
     */
    public Credentials(String username, KeyPair keyPair, SshCertificate certificate) {
        this.username = Objects.requireNonNull(username, "username");
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        if (certificate.type() != SshCertificate.Type.USER) {
            throw new IllegalArgumentException("A login needs a user certificate, but " + certificate.keyId() + " is a host certificate");
        }
        if (!certificate.publicKey().equals(keyPair.getPublic())) {
            throw new IllegalArgumentException("Certificate " + certificate.keyId() + " certifies key "
                    + SshKeys.fingerprint(certificate.publicKey()) + ", not this key pair's "
                    + SshKeys.fingerprint(keyPair.getPublic()));
        }
    }

    /** {@return the user to log in as} */
    public String username() {
        return username;
    }

    /** {@return the key pair whose private key signs the login, and whose public key the certificate certifies} */
    public KeyPair keyPair() {
        return keyPair;
    }

    /** {@return the user certificate presented at login, for {@link #keyPair()}'s public key} */
    public SshCertificate certificate() {
        return certificate;
    }

    @Override
    public String toString() {
        return "Credentials{user=" + username + ", key=" + SshKeys.fingerprint(keyPair.getPublic()) + ", certificate="
                + certificate.keyId() + " #" + certificate.serial() + ", validBefore=" + certificate.validBefore() + "}";
    }
}
