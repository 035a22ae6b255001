package dev.sandgate.tunnel.internal;

import java.io.IOException;

/**
 * What happened during one connect, recorded by the parts that saw it (the connector, the host key verifier, the
 * tunnel session) so that the caller can name the failure from facts. MINA's futures replace an exception with its
 * cause, and MINA clears a session's attributes when it closes, so neither can carry this. Not API.
 */
public final class ConnectAttempt {
    private volatile IOException tunnelNotOpened;
    private volatile String hostKeyRefusal;
    private volatile IOException tunnelBroke;
    private volatile boolean tunnelOpened;

    void tunnelNotOpened(IOException failure) {
        tunnelNotOpened = failure;
    }

    void markTunnelOpened() {
        tunnelOpened = true;
    }

    void hostKeyRefused(String reason) {
        hostKeyRefusal = reason;
    }

    void tunnelBroke(IOException cause) {
        if (tunnelBroke == null) {
            tunnelBroke = cause;
        }
    }

    /** The transport's own failure to open the tunnel, as it threw it; null if it opened or is still opening. */
    public IOException tunnelNotOpened() {
        return tunnelNotOpened;
    }

    /** Whether the tunnel opened. */
    public boolean tunnelOpened() {
        return tunnelOpened;
    }

    /** Why the host key verifier refused the server, or null if it did not. */
    public String hostKeyRefusal() {
        return hostKeyRefusal;
    }

    /** How the tunnel ended with an error after it opened, or null. */
    public IOException tunnelBroke() {
        return tunnelBroke;
    }
}
