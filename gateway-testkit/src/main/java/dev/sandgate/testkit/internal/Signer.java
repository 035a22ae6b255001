package dev.sandgate.testkit.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * One of the gateway's certificate authorities (user or host). The testkit signs with MINA directly
 * rather than through ssh-cert, so that ssh-cert's own tests can run against the gateway.
 */
public final class Signer {
    private final KeyPair keyPair;
    /** The signature algorithm to sign with, or null for the key's default. */
    private final String algorithm;
    private final AtomicLong serials = new AtomicLong(1);

    private Signer(KeyPair keyPair, String algorithm) {
        this.keyPair = keyPair;
        this.algorithm = algorithm;
    }

    public static Signer generate() {
        return new Signer(newEd25519KeyPair(), null);
    }

    /** An RSA 2048 CA that signs with {@code ssh-rsa}, i.e. SHA-1, as old CAs do: clients must refuse its certificates. */
    public static Signer rsaWithSha1() {
        try {
            return new Signer(KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048), "ssh-rsa");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an RSA key: " + e.getMessage(), e);
        }
    }

    /** An RSA CA of only 1024 bits that signs with {@code rsa-sha2-512}: clients must refuse it for its size. */
    public static Signer smallRsa() {
        try {
            return new Signer(KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 1024), "rsa-sha2-512");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an RSA key: " + e.getMessage(), e);
        }
    }

    public static KeyPair newEd25519KeyPair() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public String publicKeyLine() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    /** A user certificate with what the mint answer grants by default: a PTY and port forwarding, no agent forwarding. */
    public OpenSshCertificate signUser(PublicKey key, String keyId, List<String> principals, Instant validAfter,
            Instant validBefore) {
        return signUser(key, keyId, principals, validAfter, validBefore, true, true);
    }

    /** A user certificate permitting a PTY and port forwarding as asked; never agent forwarding. */
    public OpenSshCertificate signUser(PublicKey key, String keyId, List<String> principals, Instant validAfter,
            Instant validBefore, boolean pty, boolean portForwarding) {
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate();
        if (pty) {
            builder.extension("permit-pty", "");
        }
        if (portForwarding) {
            builder.extension("permit-port-forwarding", "");
        }
        return sign(builder, key, keyId, principals, validAfter, validBefore);
    }

    /**
     * A user certificate with exactly these extensions (each with an empty value) and critical options; returns it
     * with the serial it was given.
     */
    public OpenSshCertificate signUser(PublicKey key, String keyId, List<String> principals, Instant validAfter,
            Instant validBefore, List<String> extensions, java.util.Map<String, String> criticalOptions) {
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate();
        for (String extension : extensions) {
            builder.extension(extension, "");
        }
        criticalOptions.forEach(builder::criticalOption);
        return sign(builder, key, keyId, principals, validAfter, validBefore);
    }

    /** A user certificate carrying this critical option, as a gateway might add one its clients do not know. */
    public OpenSshCertificate signUserWithCriticalOption(PublicKey key, String keyId, List<String> principals,
            Instant validAfter, Instant validBefore, String option, String value) {
        return sign(OpenSshCertificateBuilder.userCertificate().criticalOption(option, value), key, keyId, principals,
                validAfter, validBefore);
    }

    public OpenSshCertificate signHost(PublicKey key, String keyId, List<String> principals, Instant validAfter,
            Instant validBefore) {
        return sign(OpenSshCertificateBuilder.hostCertificate(), key, keyId, principals, validAfter, validBefore);
    }

    private OpenSshCertificate sign(OpenSshCertificateBuilder builder, PublicKey key, String keyId, List<String> principals,
            Instant validAfter, Instant validBefore) {
        try {
            return builder.publicKey(key)
                    .serial(serials.getAndIncrement())
                    .id(keyId)
                    .principals(principals)
                    .validAfter(validAfter)
                    .validBefore(validBefore)
                    .sign(keyPair, algorithm);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign certificate " + keyId + ": " + e.getMessage(), e);
        }
    }
}
