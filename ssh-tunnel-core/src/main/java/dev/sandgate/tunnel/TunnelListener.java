package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;

/**
 * Hears what the tunnels of a {@link SandboxSsh} do: opening, opened or failed, bytes each way, closed. Metrics,
 * progress and tracing hang from it, as they do from OkHttp's {@code EventListener}. Every method has a no-op default;
 * implement the ones you need. Calls come from I/O threads: keep them quick, and do not block. A listener that throws
 * is logged and otherwise ignored.
 *
 * <pre>{@code
 * SandboxSsh ssh = SandboxSsh.builder()
 *         .apiUrl(apiUrl).token(token)
 *         .tunnelListener(new TunnelListener() {
 *             @Override
 *             public void tunnelClosed(String sessionId, String tunnel, long sent, long received, IOException cause) {
 *                 metrics.record(sessionId, sent, received, cause == null ? "ok" : "broken");
 *             }
 *         })
 *         .build();
 * }</pre>
 */
public interface TunnelListener {
    /** Hears nothing. */
    TunnelListener NONE = new TunnelListener() {
    };

    /**
     * A tunnel to the session is about to be opened.
     *
     * @param request the endpoints, auth kind and time limit of the tunnel; its {@code toString()} shows no secret
     * @param sessionId the session's id
     */
    default void tunnelOpening(String sessionId, TunnelRequest request) {
    }

    /**
     * The tunnel is open; {@code tunnel} describes it (never with secrets).
     *
     * @param took how long opening it took
     * @param tunnel what the tunnel is (transport and endpoint, no secret)
     * @param sessionId the session's id
     */
    default void tunnelOpened(String sessionId, String tunnel, Duration took) {
    }

    /**
     * The tunnel could not be opened.
     *
     * @param took how long opening it took
     * @param failure why; a {@link TunnelRefusedException} when the gateway or proxy said no
     * @param sessionId the session's id
     */
    default void tunnelFailed(String sessionId, IOException failure, Duration took) {
    }

    /**
     * Bytes went out through the tunnel. Called for every write: keep it cheap.
     *
     * @param sessionId the session's id
     * @param count how many bytes
     */
    default void bytesSent(String sessionId, long count) {
    }

    /**
     * Bytes came in through the tunnel. Called for every read: keep it cheap.
     *
     * @param sessionId the session's id
     * @param count how many bytes
     */
    default void bytesReceived(String sessionId, long count) {
    }

    /**
     * The tunnel ended, with its totals; {@code cause} is null for an orderly end, else what broke it. The totals are
     * the sums of the counts reported before, and no count is reported after this call.
     *
     * @param bytesReceived how many bytes came in through the tunnel in all
     * @param bytesSent how many bytes went out through the tunnel in all
     * @param cause what broke the tunnel, or null when it ended in order
     * @param tunnel what the tunnel is (transport and endpoint, no secret)
     * @param sessionId the session's id
     */
    default void tunnelClosed(String sessionId, String tunnel, long bytesSent, long bytesReceived, IOException cause) {
    }
}
