package dev.sandgate.cli;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.sandgate.cert.Endpoints;

/**
 * What the proxy needs of a minted certificate, kept next to the key files: which provider minted it, where the API
 * and the tunnel endpoints are, when to renew, the lifetime asked for (renewals ask for it again), and the session's
 * own tunnel credential if the gateway gave one (never shown).
 */
record Grant(String sessionId, Provider provider, URI apiUrl, String username, Duration ttl, Instant renewAfter,
        Instant validBefore, Endpoints endpoints, Optional<String> tunnelCredential) {
    boolean dueForRenewal(Instant now) {
        return !now.isBefore(renewAfter);
    }

    @Override
    public String toString() {
        return "Grant{" + sessionId + ", " + provider.optionValue() + ", " + username + ", ttl=" + ttl
                + ", renewAfter=" + renewAfter + ", validBefore=" + validBefore
                + ", " + endpoints + (tunnelCredential.isPresent() ? ", tunnelCredential=***" : "") + "}";
    }
}
