package dev.sandgate.tunnel;

import java.security.KeyPair;
import java.util.Objects;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.FileCredentials;
import dev.sandgate.cert.SshKeys;

/**
 * How a provider logs in to a session: a certificate minted for a fresh key (cached and renewed by a
 * {@link CertificateCache}), a key pair the session lists, or a key and certificate made elsewhere.
 *
 * <pre>{@code
 * LoginMethod minted = LoginMethod.mint(CertificateCache.builder(issuer).build());
 * LoginMethod key = LoginMethod.key("user", keyPair);
 * LoginMethod files = LoginMethod.certificate(FileCredentials.of(keyFile, "user"));
 * }</pre>
 */
public final class LoginMethod {
    private final LoginSource source;
    private final String shown;

    private LoginMethod(LoginSource source, String shown) {
        this.source = source;
        this.shown = shown;
    }

    /**
     * Certificates from this cache, which mints them through its issuer and renews them; the user name is the one
     * the mint answer names. A login the server refuses drops the session's certificate, so the next connect mints
     * anew.
     *
     * @param certificates the cache to take each session's certificate from; shared by every connect
     * @return the login method
     */
    public static LoginMethod mint(CertificateCache certificates) {
        return new LoginMethod(LoginSource.minted(Objects.requireNonNull(certificates, "certificates")),
                certificates.toString());
    }

    /**
     * This key pair by plain public-key auth, as for a session created with its {@code ssh_public_key}.
     *
     * @param username the user name
     * @param keyPair  the key pair whose public key the session accepts; its private key signs the login
     * @return the login method
     */
    public static LoginMethod key(String username, KeyPair keyPair) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(keyPair, "keyPair");
        return new LoginMethod(LoginSource.key(username, keyPair),
                "keyLogin{" + username + ", " + SshKeys.fingerprint(keyPair.getPublic()) + "}");
    }

    /**
     * A key and certificate made elsewhere ({@code ssh-keygen -s}, a vault), read again when their files change.
     *
     * @param credentials the key pair and its certificate
     * @return the login method
     */
    public static LoginMethod certificate(FileCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return new LoginMethod(LoginSource.files(credentials), "certificateLogin{" + credentials + "}");
    }

    LoginSource source() {
        return source;
    }

    /** Shows the kind of login and the key's fingerprint or the cache, never a key. */
    @Override
    public String toString() {
        return shown;
    }
}
