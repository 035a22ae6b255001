package dev.sandgate.tunnel;

import java.security.KeyPair;
import java.util.Optional;

import dev.sandgate.cert.IssuedCertificate;

/**
 * Who one connect logs in as: a user name and an identity (a key pair whose public half may be a certificate), and
 * the mint answer it came from, when it was minted.
 *
 * @param identity   what MINA offers: a plain key pair, or the certificate with its private key
 * @param shown      the identity as a message may show it (key id, serial and validity; never the key)
 * @param issued     the minted certificate this login came from, or null when nothing was minted
 */
record Login(String username, KeyPair identity, String shown, IssuedCertificate issued) {
    /** {@return the mint answer, when this login was minted} */
    Optional<IssuedCertificate> minted() {
        return Optional.ofNullable(issued);
    }
}
