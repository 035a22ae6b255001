package dev.sandgate.tunnel;

import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.IssuedCertificate;

/**
 * How a session's tunnel request (the CONNECT or the WebSocket upgrade) is authenticated: the same
 * {@link TunnelAuth} always, or one that depends on the session's mint answer.
 *
 * <pre>{@code
 * TunnelAuthSource fixed = TunnelAuthSource.fixed(TunnelAuth.header("X-Session-Token", token));
 * TunnelAuthSource own = TunnelAuthSource.sessionCredentialElse(TunnelAuth.bearer(token));
 * }</pre>
 */
@FunctionalInterface
public interface TunnelAuthSource {
    /**
     * How this session's tunnel request is authenticated.
     *
     * @param sessionId the session's id
     * @param minted    the mint answer of this connect's login, or empty when nothing was minted
     * @return the auth for this one request; never null
     */
    TunnelAuth tunnelAuth(String sessionId, Optional<IssuedCertificate> minted);

    /**
     * Always this auth.
     *
     * @param auth the auth every session's tunnel request uses
     * @return a source that ignores the session and its mint answer
     */
    static TunnelAuthSource fixed(TunnelAuth auth) {
        Objects.requireNonNull(auth, "auth");
        return (sessionId, minted) -> auth;
    }

    /**
     * Bearer with the session's own tunnel credential when the mint answer carries one (so the account token never
     * reaches the tunnel endpoints), else {@code otherwise}: Sandgate's contract.
     *
     * @param otherwise the auth when there is no session credential
     * @return a source that chooses per connect, from that connect's mint answer
     */
    static TunnelAuthSource sessionCredentialElse(TunnelAuth otherwise) {
        Objects.requireNonNull(otherwise, "otherwise");
        return (sessionId, minted) -> minted.flatMap(IssuedCertificate::tunnelCredential)
                .map(TunnelAuth::bearer)
                .orElse(otherwise);
    }
}
