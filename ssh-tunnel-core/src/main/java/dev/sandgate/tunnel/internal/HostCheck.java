package dev.sandgate.tunnel.internal;

import java.security.PublicKey;

/** Decides whether a server's host key (plain or a host certificate) is the session's host. Not API. */
@FunctionalInterface
public interface HostCheck {
    /**
     * Why the server's key is not accepted for {@code host:port}, or null when it is.
     *
     * @param host      the host name connected to (the CONNECT target's host, or the session id)
     * @param port      the port connected to
     * @param serverKey the key the server presented
     * @return why the key is refused, or null when it is accepted
     */
    HostRefusal refusal(String host, int port, PublicKey serverKey);
}
