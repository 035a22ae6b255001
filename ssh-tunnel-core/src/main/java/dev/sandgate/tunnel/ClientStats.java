package dev.sandgate.tunnel;

/**
 * What one {@link SandboxSsh} has done since it was built, read at once by {@link SandboxSsh#stats()}: the
 * connections and tunnels open now, and running totals of bytes, certificates, resumptions and reconnects. Reading it
 * sums a few counters, so a metrics scrape may read it as often as it likes (the {@code sandgate-micrometer} module's
 * {@code SandgateMetrics} does). Durations of connects and commands are not totals: a {@link TimingListener} hears
 * each one.
 *
 * <pre>{@code
 * ClientStats stats = ssh.stats();
 * log.info("{} connections, {} MiB out, {} MiB in, {} reconnects", stats.connectionsOpen(),
 *         stats.bytesSent() >> 20, stats.bytesReceived() >> 20, stats.reconnects());
 * }</pre>
 *
 * @param connectionsOpen     SSH connections logged in and not yet ended (after a reconnect, the new one)
 * @param tunnelsOpen         tunnels carrying an SSH connection now, the handshake of a connect under way included
 * @param bytesSent           SSH bytes sent through tunnels (without the transport's framing and headers, and without
 *                            bytes a resumed tunnel sent again)
 * @param bytesReceived       SSH bytes received through tunnels, counted as {@code bytesSent}
 * @param tunnelsResumed      dropped tunnels re-attached, so that their connections went on
 * @param certificatesMinted  first certificates minted for a session (not counted for a
 *                            {@link SandboxSsh.Builder#certificateCache cache of your own}, whose listener hears them)
 * @param certificatesRenewed certificates minted to replace a session's earlier one
 * @param certificateFailures mints and renewals that failed
 * @param reconnects          lost connections replaced by a reconnect
 * @param reconnectFailures   lost connections whose reconnect attempts all failed (a connection closed while it was
 *                            reconnecting is not counted)
 */
public record ClientStats(long connectionsOpen, long tunnelsOpen, long bytesSent, long bytesReceived,
        long tunnelsResumed, long certificatesMinted, long certificatesRenewed, long certificateFailures,
        long reconnects, long reconnectFailures) {
}
