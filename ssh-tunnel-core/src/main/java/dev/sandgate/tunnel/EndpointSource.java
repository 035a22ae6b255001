package dev.sandgate.tunnel;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.IssuedCertificate;

/** Where a session's tunnel goes: the endpoints a mint answer named, or given. */
@FunctionalInterface
interface EndpointSource {
    Endpoints endpoints(String sessionId, Optional<IssuedCertificate> minted) throws IOException;

    /** The endpoints the mint answer named. */
    static EndpointSource minted() {
        return (sessionId, minted) -> minted.orElseThrow(() -> new IllegalStateException("Nothing was minted for "
                + sessionId + ", so no mint answer names its endpoints: give the endpoints")).endpoints();
    }

    /** Endpoints by session. */
    static EndpointSource given(Function<String, Endpoints> bySession) {
        Objects.requireNonNull(bySession, "bySession");
        return (sessionId, minted) -> Objects.requireNonNull(bySession.apply(sessionId),
                () -> "the endpoints function gave null for " + sessionId);
    }
}
