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
 *
 * @param id             the session's id, as the API names it
 * @param status         whether it runs, is paused or has stopped
 * @param createdAt      when it was created
 * @param expiresAt      when it ends unless extended
 * @param lastActivityAt when something last happened in it
 * @param metadata       the labels given when it was created
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

    /**
     * Checks the components and keeps an unmodifiable copy of the metadata.
     *
     * @param id             the session's id, as the API names it
     * @param status         whether it runs, is paused or has stopped
     * @param createdAt      when it was created
     * @param expiresAt      when it ends unless extended
     * @param lastActivityAt when something last happened in it
     * @param metadata       the labels given when it was created
     */
    public SandboxSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        metadata = Map.copyOf(metadata);
    }

    /**
     * The id, if it can be a session id: 1 to 256 characters, not {@code .} or {@code ..} (which a URL resolves as
     * dot-segments, reaching another resource), and free of whitespace, control characters (C0, DEL, C1),
     * bidirectional overrides and the URL delimiters {@code / \ ? # %}. The API client holds the ids the API answers
     * to the same rule.
     *
     * @param id the session's id
     * @return the id, if it can be a session id
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String requireValidId(String id) {
        return Checks.sessionId(id);
    }
}
