package dev.sandgate.tunnel;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.FileCredentials;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SshCertificate;
import dev.sandgate.cert.SshKeys;

/** Where {@link SandboxSsh} gets each connect's {@link Login}: minted through the API, or given. */
interface LoginSource {
    Login login(String sessionId, Duration timeout) throws IOException;

    /** The server refused this session's login: a source that caches drops what it gave. */
    void refused(String sessionId);

    /** Certificates minted (and renewed) through a {@link CertificateCache}. */
    static LoginSource minted(CertificateCache certificates) {
        return new LoginSource() {
            @Override
            public Login login(String sessionId, Duration timeout) throws IOException {
                IssuedCertificate issued = certificates.get(sessionId, timeout);
                Credentials credentials = issued.credentials();
                return new Login(credentials.username(), identity(credentials), shown(credentials.certificate()), issued);
            }

            @Override
            public void refused(String sessionId) {
                certificates.invalidate(sessionId);
            }
        };
    }

    /** One key pair by plain public-key auth, as for a session created with {@code ssh_public_key}. */
    static LoginSource key(String username, KeyPair keyPair) {
        String shown = "key " + SshKeys.fingerprint(keyPair.getPublic());
        return new GivenLogins(sessionId -> new Login(username, keyPair, shown, null));
    }

    /** A key and certificate made elsewhere, read again when their files change. */
    static LoginSource files(FileCredentials files) {
        return new GivenLogins(sessionId -> {
            Credentials credentials = files.current();
            return new Login(credentials.username(), identity(credentials), shown(credentials.certificate()), null);
        });
    }

    private static KeyPair identity(Credentials credentials) {
        return new KeyPair(credentials.certificate().asOpenSshCertificate(), credentials.keyPair().getPrivate());
    }

    private static String shown(SshCertificate certificate) {
        return "certificate " + certificate.keyId() + " (serial " + certificate.serial() + ", valid "
                + certificate.validAfter() + " to " + certificate.validBefore() + ", principals "
                + certificate.principals() + ")";
    }

    /** Logins made by a function, nothing cached. */
    final class GivenLogins implements LoginSource {
        private final IOFunction make;

        /** Makes a login for a session. */
        @FunctionalInterface
        interface IOFunction {
            Login apply(String sessionId) throws IOException;
        }

        GivenLogins(IOFunction make) {
            this.make = make;
        }

        @Override
        public Login login(String sessionId, Duration timeout) throws IOException {
            return make.apply(sessionId);
        }

        @Override
        public void refused(String sessionId) {
            // nothing cached: the next connect reads the same key (or the files again)
        }
    }
}
