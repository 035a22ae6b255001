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
    private final AtomicLong serials = new AtomicLong(1);

    private Signer(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    public static Signer generate() {
        return new Signer(newEd25519KeyPair());
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

    public OpenSshCertificate signUser(PublicKey key, String keyId, List<String> principals, Instant validAfter,
            Instant validBefore) {
        return sign(OpenSshCertificateBuilder.userCertificate()
                .extension("permit-pty", "")
                .extension("permit-port-forwarding", "")
                .extension("permit-agent-forwarding", ""), key, keyId, principals, validAfter, validBefore);
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
                    .sign(keyPair);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sign certificate " + keyId + ": " + e.getMessage(), e);
        }
    }
}
