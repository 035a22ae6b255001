package dev.sandgate.tunnel.internal;

import java.net.SocketAddress;

/** The local end of a tunnel as MINA sees it: not a socket, so it is named by the tunnel's description. */
final class TunnelAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    private final String description;

    TunnelAddress(String description) {
        this.description = description;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelAddress && ((TunnelAddress) o).description.equals(description);
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }

    @Override
    public String toString() {
        return "tunnel:" + description;
    }
}
