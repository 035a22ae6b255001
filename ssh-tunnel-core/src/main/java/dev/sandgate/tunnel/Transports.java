package dev.sandgate.tunnel;

import java.util.EnumMap;
import java.util.Map;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.tunnel.internal.DirectTransport;
import dev.sandgate.tunnel.internal.HttpConnectTransport;
import dev.sandgate.tunnel.internal.WebSocketTransport;

/**
 * The transports of one {@link SandboxSsh}: the one the user gave (used as it is, never closed here), or those it
 * makes itself, by the chosen {@link TransportKind} or, with none chosen, by each session's endpoints. It makes each
 * kind once, on first use, with the builder's settings, and closes what it made.
 */
final class Transports implements AutoCloseable {
    private final Transport given;
    private final TransportKind chosen;
    private final TransportOptions options;
    private final Map<TransportKind, Transport> made = new EnumMap<>(TransportKind.class);
    private boolean closed;

    /**
     * @param given   the user's own transport, or null
     * @param chosen  the kind chosen by the builder or the provider, or null to follow the endpoints
     * @param options the builder's settings, for the transports made here
     */
    Transports(Transport given, TransportKind chosen, TransportOptions options) {
        this.given = given;
        this.chosen = chosen;
        this.options = options;
    }

    /** The transport for a session with these endpoints. */
    Transport forEndpoints(Endpoints endpoints) {
        if (given != null) {
            return given;
        }
        TransportKind kind = chosen != null ? chosen
                : endpoints.connect().isPresent() || endpoints.webSocket().isEmpty() ? TransportKind.HTTP_CONNECT
                : TransportKind.WEB_SOCKET;
        synchronized (made) {
            if (closed) {
                throw new IllegalStateException("This SandboxSsh is closed");
            }
            return made.computeIfAbsent(kind, this::make);
        }
    }

    private Transport make(TransportKind kind) {
        switch (kind) {
            case WEB_SOCKET: return new WebSocketTransport(options);
            case DIRECT: return new DirectTransport(options, null);
            default: return new HttpConnectTransport(options);
        }
    }

    /** Closes the transports made here; the user's own stays open for its owner. */
    @Override
    public void close() {
        RuntimeException failure = null;
        synchronized (made) {
            closed = true;
            for (Transport transport : made.values()) {
                try {
                    transport.close();
                } catch (RuntimeException e) {
                    // every transport is closed even when one fails
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            made.clear();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return given != null ? given.toString() : chosen != null ? chosen.toString() : "by endpoints";
    }
}
