package dev.sandgate.tunnel;

import java.io.IOException;

/**
 * Hears what happens to the connections of a {@link SandboxSsh}, so that an IDE can show their state. Every method
 * has a do-nothing default; they run on Sandgate's threads and should return quickly. Certificate mints and renewals
 * are heard by a {@link dev.sandgate.cert.CertificateListener}.
 *
 * <pre>{@code
 * SandboxSsh.builder().connectionListener(new ConnectionListener() {
 *     public void disconnected(String sessionId, IOException cause) { status.set("offline: " + cause); }
 *     public void reconnected(String sessionId, int attempts) { status.set("online"); }
 * })
 * }</pre>
 */
public interface ConnectionListener {
    /** Hears nothing. */
    ConnectionListener NONE = new ConnectionListener() {
    };

    /**
     * A connection was opened and logged in, by {@link SandboxSsh#connect} or a reconnect.
     *
     * @param sessionId the session's id
     */
    default void connected(String sessionId) {
    }

    /**
     * A connection ended.
     *
     * @param sessionId the session's id
     * @param cause why, when it was lost (the tunnel broke, keepalives went unanswered); null when it was closed
     */
    default void disconnected(String sessionId, IOException cause) {
    }

    /**
     * A reconnect attempt is about to start; {@code lastFailure} is the previous attempt's, or null for the first.
     *
     * @param attempt 1 for the first attempt after the loss, counting up to the policy's most attempts
     * @param lastFailure why the previous attempt failed; null before the first
     * @param sessionId the session's id
     */
    default void reconnecting(String sessionId, int attempt, IOException lastFailure) {
    }

    /**
     * A lost connection was replaced by a new one after {@code attempts} attempts.
     *
     * @param attempts how many attempts it took, 1 when the first succeeded
     * @param sessionId the session's id
     */
    default void reconnected(String sessionId, int attempts) {
    }

    /**
     * The tunnel's connection to the gateway dropped, and the tunnel is re-attaching a new one (a gateway that offers
     * resumption, contract v2): the SSH connection stays open and its work waits. Followed by {@link #resumed}, or by
     * {@link #disconnected} when the gateway's window passes.
     *
     * @param sessionId the session's id
     * @param cause     what ended the tunnel's connection
     */
    default void resuming(String sessionId, IOException cause) {
    }

    /**
     * A dropped tunnel was re-attached: nothing was lost and nothing reconnected; commands, transfers, terminals and
     * forwards went on.
     *
     * @param sessionId     the session's id
     * @param took          from the drop to the re-attachment
     * @param bytesReplayed how many bytes were sent again because the gateway had not received them
     */
    default void resumed(String sessionId, java.time.Duration took, long bytesReplayed) {
    }
}
