package dev.sandgate.tunnel;

import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.IssuedCertificate;

/** How a session's tunnel request is authenticated. */
@FunctionalInterface
interface TunnelAuthSource {
    TunnelAuth tunnelAuth(String sessionId, Optional<IssuedCertificate> minted);

    /** Always this auth. */
    static TunnelAuthSource fixed(TunnelAuth auth) {
        Objects.requireNonNull(auth, "auth");
        return (sessionId, minted) -> auth;
    }

    /** Bearer with the session's own tunnel credential when the mint answer carries one, else {@code otherwise}. */
    static TunnelAuthSource sessionCredentialElse(TunnelAuth otherwise) {
        return (sessionId, minted) -> minted.flatMap(IssuedCertificate::tunnelCredential)
                .map(TunnelAuth::bearer)
                .orElse(otherwise);
    }
}
