package dev.sandgate.cert;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Makes SSH key pairs that MINA SSHD and OpenSSH both accept, and writes public keys in OpenSSH form.
 *
 * <pre>{@code
 * KeyPair keys = SshKeys.generate();               // Ed25519
 * String line = SshKeys.publicKeyLine(keys.getPublic()); // "ssh-ed25519 AAAA..."
 * }</pre>
 *
 * <p>Keys come from MINA's key utilities (backed by BouncyCastle), not from the JDK's own Ed25519
 * generator, whose keys MINA 2.20 does not accept.
 */
public final class SshKeys {
    private SshKeys() {
    }

    /**
     * Generates an Ed25519 key pair.
     *
     * @return a fresh Ed25519 key pair of BouncyCastle's key classes, which MINA accepts
     */
    public static KeyPair generate() {
        return generate(SshKeyType.ED25519);
    }

    /**
     * Generates a key pair of the given type.
     *
     * @param type the algorithm, with the key size it implies
     * @return a fresh key pair of that type
     */
    public static KeyPair generate(SshKeyType type) {
        try {
            return KeyUtils.generateKeyPair(type.sshName(), type.bits());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot generate " + type + " keys: " + e.getMessage(), e);
        }
    }

    /**
     * The public key as one OpenSSH {@code authorized_keys} line without a comment, e.g. {@code ssh-ed25519 AAAA...}.
     *
     * @param key a public key or an OpenSSH certificate
     * @return {@code type base64}, as an {@code authorized_keys} or known_hosts line holds it
     */
    public static String publicKeyLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /**
     * The SHA-256 fingerprint of a public key as OpenSSH prints it, e.g. {@code SHA256:abc...}.
     *
     * @param key a public key or an OpenSSH certificate
     * @return {@code SHA256:} and the unpadded base64 of the key blob's SHA-256, as {@code ssh-keygen -l} prints it
     */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /**
     * Parses one OpenSSH public key line ({@code type base64 [comment]}).
     *
     * @param line an OpenSSH public key line
     * @return the key the line holds; the comment, if any, is dropped
     * @throws IllegalArgumentException if the line is not a public key this library understands
     */
    public static PublicKey parsePublicKey(String line) {
        try {
            PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(line.trim());
            if (entry == null) {
                throw new IllegalArgumentException("Empty public key line");
            }
            return entry.resolvePublicKey(null, null, null);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("Not an OpenSSH public key line (" + e.getMessage() + ")", e);
        }
    }
}
