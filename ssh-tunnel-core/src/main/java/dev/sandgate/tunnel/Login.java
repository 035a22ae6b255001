package dev.sandgate.tunnel;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;

/**
 * What one connect logs in with and where it goes: a user name and an identity (a key pair whose public half may be
 * a certificate), the session's endpoints, and the host CA keys the API named (empty when none did).
 *
 * @param identity   what MINA offers: a plain key pair, or the certificate with its private key
 * @param shown      the identity as a message may show it (key id, serial and validity; never the key)
 * @param issued     the minted certificate this login came from, or null when nothing was minted
 */
record Login(String username, KeyPair identity, String shown, Endpoints endpoints, List<PublicKey> hostCaKeys,
        IssuedCertificate issued) {
    /** The session's own tunnel credential, when the gateway issued one with the certificate. */
    Optional<String> tunnelCredential() {
        return issued == null ? Optional.empty() : issued.tunnelCredential();
    }
}
