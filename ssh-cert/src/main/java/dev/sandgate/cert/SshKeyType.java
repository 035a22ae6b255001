package dev.sandgate.cert;

/**
 * The kinds of SSH key pair Sandgate generates.
 *
 * <pre>{@code
 * KeyPair keys = SshKeys.generate(SshKeyType.ECDSA_P256);
 * }</pre>
 */
public enum SshKeyType {
    /** Ed25519, the default: small, fast, and accepted by every current OpenSSH. */
    ED25519("ssh-ed25519", 256),
    /** ECDSA on NIST P-256, for peers that require FIPS curves. */
    ECDSA_P256("ecdsa-sha2-nistp256", 256),
    /** RSA with a 3072-bit modulus, for old peers only. */
    RSA_3072("ssh-rsa", 3072);

    private final String sshName;
    private final int bits;

    SshKeyType(String sshName, int bits) {
        this.sshName = sshName;
        this.bits = bits;
    }

    /**
     * The key type's name in the SSH wire protocol, such as {@code ssh-ed25519}.
     *
     * @return the key type's name in the SSH wire protocol, such as {@code ssh-ed25519}
     */
    public String sshName() {
        return sshName;
    }

    /**
     * The key size in bits.
     *
     * @return the key size in bits
     */
    public int bits() {
        return bits;
    }
}
