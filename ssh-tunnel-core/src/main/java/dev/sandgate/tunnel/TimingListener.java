package dev.sandgate.tunnel;

import java.time.Duration;

/**
 * Hears how long each connect and each command of a {@link SandboxSsh} took, for latency metrics: add one with
 * {@link SandboxSsh#addTimingListener}, at any time. Totals that need no event (bytes, open connections, mints,
 * reconnects) are read from {@link SandboxSsh#stats()} instead. Every method does nothing by default; they run on the
 * thread that connected or ran the command, after it finished, and should return quickly. A listener that throws is
 * logged and otherwise ignored. With no listener added, nothing is measured beyond a clock read.
 *
 * <pre>{@code
 * ssh.addTimingListener(new TimingListener() {
 *     @Override
 *     public void commandFinished(String sessionId, Duration took, int exitCode, Exception failure) {
 *         histogram.record(took.toNanos(), failure == null && exitCode == 0 ? "ok" : "failed");
 *     }
 * });
 * }</pre>
 */
public interface TimingListener {
    /**
     * One connect attempt ended: {@link SandboxSsh#connect}, each of its retries, or one attempt of a reconnect.
     *
     * @param sessionId the session's id
     * @param took      from the start of the attempt (the certificate) to the login or the failure
     * @param failure   what {@code connect} threw, or null when it logged in
     */
    default void connectFinished(String sessionId, Duration took, Exception failure) {
    }

    /**
     * A command run by {@link SshConnection#exec} ended: it exited, or it failed (a {@link CommandTimeoutException}, a
     * lost connection, an interrupt). Processes started with {@link SshConnection#start} are not timed here.
     *
     * @param sessionId the session's id
     * @param took      from the call to its return
     * @param exitCode  the command's exit code; -1 when it failed
     * @param failure   what {@code exec} threw, or null when the command exited
     */
    default void commandFinished(String sessionId, Duration took, int exitCode, Exception failure) {
    }
}
