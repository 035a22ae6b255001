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
        return (sessionId, minted) -> sessionCredentialElse(minted.flatMap(IssuedCertificate::tunnelCredential),
                () -> otherwise);
    }

    /**
     * The rule of {@link #sessionCredentialElse(TunnelAuth)} for a credential kept elsewhere (a tool that relays
     * tunnels from a mint answer it saved): the one place it is written.
     *
     * <pre>{@code
     * TunnelAuth auth = TunnelAuthSource.sessionCredentialElse(saved.tunnelCredential(), () -> TunnelAuth.bearer(token));
     * }</pre>
     *
     * @param sessionCredential the session's own tunnel credential from its mint answer, or empty when it had none
     * @param otherwise         makes the auth when there is no session credential, usually the account token as
     *                          bearer; not called when there is one, so no account token need be at hand then
     * @return bearer with the session's credential, else what {@code otherwise} makes
     */
    static TunnelAuth sessionCredentialElse(Optional<String> sessionCredential,
            java.util.function.Supplier<TunnelAuth> otherwise) {
        Objects.requireNonNull(otherwise, "otherwise");
        return sessionCredential.map(TunnelAuth::bearer).orElseGet(otherwise);
    }
}
