package dev.sandgate.tunnel;

import java.time.Duration;

/**
 * Whether and how an {@link SshConnection} whose tunnel died opens a new one on its next operation. Off by default:
 * nothing reconnects unless asked. A reconnect mints a new certificate when the old one has expired; operations that
 * were in flight when the connection died still fail (nothing that could run twice is retried), and port forwards,
 * processes and shells of the old connection end with it.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl(apiUrl).token(token)
 *         .reconnect(ReconnectPolicy.attempts(5, Duration.ofMillis(200)))   // 200 ms, 400 ms, ... at most 30 s apart
 *         .connectionListener(new ConnectionListener() { ... })
 *         .build();
 * }</pre>
 *
 * <p>With {@link #coveringFirstConnect()}, {@link SandboxSsh#connect} itself tries up to {@code maxAttempts} times,
 * with the same waits, when the refusal is one a later try can get past: the gateway or the API unavailable (503,
 * WebSocket 1011), rate limited (429, waiting at least what its {@code Retry-After} says, at most
 * {@link #MAX_BACKOFF}), or a gateway that could not be reached. A refused login, token or session (401, 403, 404,
 * 409) and a refused host key are thrown at once.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl(apiUrl).token(token)
 *         .reconnect(ReconnectPolicy.attempts(4, Duration.ofMillis(250)).coveringFirstConnect())
 *         .build();
 * SshConnection connection = ssh.connect(sessionId);   // two 503s, then success: connected on the third try
 * }</pre>
 *
 * @param maxAttempts  how many connects one reconnect may try; 0 means never reconnect
 * @param firstBackoff the wait before the second attempt, doubled for each one after, at most {@link #MAX_BACKOFF}
 * @param coversFirstConnect whether {@link SandboxSsh#connect} retries, as described above, too
 */
public record ReconnectPolicy(int maxAttempts, Duration firstBackoff, boolean coversFirstConnect) {
    /** The longest wait between two attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /**
     * Checks that neither number is negative.
     *
     * @param maxAttempts how many connects one reconnect may try; 0 means never reconnect
     * @param firstBackoff the wait before the second attempt (the first starts at once), doubled for each one after
     * @param coversFirstConnect whether {@link SandboxSsh#connect} retries too
     */
    public ReconnectPolicy {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative, got " + maxAttempts);
        }
        Checks.notNegative(firstBackoff, "firstBackoff");
    }

    /**
     * A policy for reconnects only, not the first connect.
     *
     * @param maxAttempts how many connects one reconnect may try; 0 means never reconnect
     * @param firstBackoff the wait before the second attempt (the first starts at once), doubled for each one after
     */
    public ReconnectPolicy(int maxAttempts, Duration firstBackoff) {
        this(maxAttempts, firstBackoff, false);
    }

    /**
     * This policy, applied to {@link SandboxSsh#connect} as well: up to {@link #maxAttempts()} tries when the
     * refusal is one a later try can get past (see the class comment).
     *
     * <pre>{@code
     * .reconnect(ReconnectPolicy.attempts(3, Duration.ofMillis(200)).coveringFirstConnect())
     * }</pre>
     *
     * @return the same attempts and waits, covering the first connect too
     * @throws IllegalStateException on {@link #off()}, which has no attempts to give
     */
    public ReconnectPolicy coveringFirstConnect() {
        if (!enabled()) {
            throw new IllegalStateException("A policy of no attempts cannot cover the first connect; use attempts(n, "
                    + "backoff)");
        }
        return new ReconnectPolicy(maxAttempts, firstBackoff, true);
    }

    /**
     * Never reconnect: a dead connection stays dead (the default).
     *
     * @return a policy of no attempts
     */
    public static ReconnectPolicy off() {
        return new ReconnectPolicy(0, Duration.ZERO);
    }

    /**
     * Up to {@code maxAttempts} connects, waiting {@code firstBackoff} before the second, doubling after.
     *
     * @param maxAttempts how many connects one reconnect may try; at least 1
     * @param firstBackoff the wait before the second attempt (the first starts at once), doubled for each one after,
     *        at most {@link #MAX_BACKOFF}
     * @return a policy that reconnects on the next operation after a loss
     */
    public static ReconnectPolicy attempts(int maxAttempts, Duration firstBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        return new ReconnectPolicy(maxAttempts, firstBackoff);
    }

    boolean enabled() {
        return maxAttempts > 0;
    }

    /** The wait before attempt {@code attempt} (1-based; none before the first). */
    Duration backoffBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        Duration wait = firstBackoff;
        for (int i = 2; i < attempt && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
