package dev.sandgate.tunnel;

import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.SshKeys;

/**
 * The SSH server did not prove to be the session's host: it presented a plain key, or a host certificate, that the
 * host trust policy does not vouch for. The connection was dropped before any credentials were sent. What happened is
 * in {@link #reason()}, and the key the server presented in {@link #presentedKey()}, so that a caller can, say,
 * offer to record an unknown host's key and refuse a changed one.
 *
 * <pre>{@code
 * catch (HostKeyRejectedException e) {
 *     if (e.reason() == HostKeyRejectedException.Reason.UNKNOWN_HOST) {
 *         ask("Trust " + e.presentedKeyFingerprint().orElse("?") + "?");
 *     } else {
 *         alert("possible impostor: " + e.getMessage());
 *     }
 * }
 * }</pre>
 */
public class HostKeyRejectedException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /** What the host trust policy found. */
    public enum Reason {
        /** Nothing the policy trusts names this host: a known_hosts file without it, an API that named no keys. */
        UNKNOWN_HOST,
        /** The host is known with another key: recorded or pinned keys do not include the one it presented. */
        KEY_CHANGED,
        /** A {@code @revoked} line names the key or its CA. */
        REVOKED,
        /** A host certificate from a CA nobody named, or a plain key where a host certificate was expected. */
        NOT_TRUSTED,
        /** A host certificate signed with SHA-1 or by a small RSA CA, refused unless old algorithms are allowed. */
        WEAK_SIGNATURE,
        /** The host certificate did not verify during the key exchange (another host name, expired, bad signature). */
        INVALID_CERTIFICATE,
        /** The known_hosts file that decides could not be read or written. */
        TRUST_FILE_FAILED
    }

    /** Why the host was refused, kept in the serialized form. */
    private final Reason reason;
    private final transient PublicKey presentedKey;
    /** The name a known_hosts file looked the host up under; serialized with the exception. */
    private final String host;

    /**
     * Creates the exception, for a refusal whose kind and key are not known.
     *
     * @param message what went wrong, with no secret in it
     * @param cause   the failure underneath, or null
     */
    public HostKeyRejectedException(String message, Throwable cause) {
        this(message, Reason.NOT_TRUSTED, null, null, cause);
    }

    /**
     * Creates the exception.
     *
     * @param message      what went wrong, with no secret in it
     * @param reason       what the host trust policy found
     * @param presentedKey the key the server presented (for a host certificate, the key it certifies), or null when
     *                     none was seen
     * @param host         the name a known_hosts file looked the host up under ({@code host} or
     *                     {@code [host]:port}), or null when no file decided
     * @param cause        the failure underneath, or null
     */
    public HostKeyRejectedException(String message, Reason reason, PublicKey presentedKey, String host,
            Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.presentedKey = presentedKey;
        this.host = host;
    }

    /**
     * {@return the name a known_hosts file (yours, or accept-new's) looked the host up under, as a line of it would
     *          name the host ({@code gw.example}, {@code [gw.example]:8443}); empty when the API's keys decided}
     */
    public Optional<String> host() {
        return Optional.ofNullable(host);
    }

    /** {@return what the host trust policy found} */
    public Reason reason() {
        return reason;
    }

    /** {@return the server's key (for a host certificate, the key it certifies), when the refusal saw one} */
    public Optional<PublicKey> presentedKey() {
        return Optional.ofNullable(presentedKey);
    }

    /** {@return the presented key's SHA-256 fingerprint as OpenSSH prints it ({@code SHA256:...}), when seen} */
    public Optional<String> presentedKeyFingerprint() {
        return presentedKey().map(SshKeys::fingerprint);
    }
}
