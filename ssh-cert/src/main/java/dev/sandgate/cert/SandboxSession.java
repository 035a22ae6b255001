package dev.sandgate.cert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.sandgate.cert.internal.Checks;

/**
 * A sandbox session as the API describes it.
 *
 * <pre>{@code
 * SandboxSession session = api.createSession(NewSession.builder().ttl(Duration.ofHours(1)).build());
 * System.out.println(session.id() + " is " + session.status());
 * }</pre>
 */
public record SandboxSession(String id, Status status, Instant createdAt, Instant expiresAt, Instant lastActivityAt,
        Map<String, String> metadata) {
    /** The session's life state. */
    public enum Status {
        /** Running: it can be connected to. */
        RUNNING,
        /** Paused: its connections were cut; it can be resumed. */
        PAUSED,
        /** Stopped for good. */
        STOPPED
    }

    /** Checks the components and keeps unmodifiable copies of collections. */
    public SandboxSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        metadata = Map.copyOf(metadata);
    }

    /**
     * The id, if it can be a session id: not empty, not {@code .} or {@code ..} (which a URL resolves as
     * dot-segments, reaching another resource), and free of whitespace and control characters.
     *
     * @param id the session's id
     * @return the id, if it can be a session id
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String requireValidId(String id) {
        return Checks.sessionId(id);
    }
}
