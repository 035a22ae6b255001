package dev.sandgate.tunnel;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.ApiHostKeys;
import dev.sandgate.tunnel.internal.HostCheck;
import dev.sandgate.tunnel.internal.KnownHosts;

/** How the session's SSH server is recognised. */
final class HostTrust {
    /** Makes one attempt's host check. */
    @FunctionalInterface
    private interface Checks {
        HostCheck check(String sessionId, Optional<IssuedCertificate> minted);
    }

    private final String shown;
    private final Checks checks;

    private HostTrust(String shown, Checks checks) {
        this.shown = shown;
        this.checks = checks;
    }

    /** The host CA keys the mint answer named. */
    static HostTrust fromApi() {
        return new HostTrust("HostTrust.fromApi", (sessionId, minted) -> new ApiHostKeys(
                minted.map(IssuedCertificate::hostCaKeys).orElse(List.of()), List.of()));
    }

    /** An OpenSSH known_hosts file. */
    static HostTrust knownHosts(Path file) {
        KnownHosts knownHosts = new KnownHosts(Objects.requireNonNull(file, "file"));
        return new HostTrust("HostTrust.knownHosts{" + file + "}", (sessionId, minted) -> knownHosts);
    }

    /** This policy when a mint answer names host keys, else {@code otherwise}. */
    HostTrust whenApiNamesNone(HostTrust otherwise) {
        return new HostTrust(shown + " else " + otherwise.shown, (sessionId, minted) ->
                minted.isPresent() && !minted.get().hostCaKeys().isEmpty()
                        ? checks.check(sessionId, minted) : otherwise.checks.check(sessionId, minted));
    }

    HostCheck check(String sessionId, Optional<IssuedCertificate> minted) {
        return checks.check(sessionId, minted);
    }

    @Override
    public String toString() {
        return shown;
    }
}
