package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.util.function.Function;

import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelRequest;

/**
 * A built-in transport chosen without options: {@code SandboxSsh} binds it to its own settings and owns what it
 * binds. Used on its own, it binds the default options on first use. Not API.
 */
public final class UnboundTransport implements Transport {
    private final String name;
    private final Function<TransportOptions, Transport> factory;
    private Transport defaults;
    private boolean closed;

    public UnboundTransport(String name, Function<TransportOptions, Transport> factory) {
        this.name = name;
        this.factory = factory;
    }

    /** A new transport of this kind with these options; the caller owns it. */
    public Transport bind(TransportOptions options) {
        return factory.apply(options);
    }

    @Override
    public Tunnel open(TunnelRequest request) throws IOException {
        Transport bound;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            if (defaults == null) {
                defaults = bind(TransportOptions.defaults());
            }
            bound = defaults;
        }
        return bound.open(request);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (defaults != null) {
            defaults.close();
            defaults = null;
        }
    }

    @Override
    public String toString() {
        return "Transport." + name + "()";
    }
}
