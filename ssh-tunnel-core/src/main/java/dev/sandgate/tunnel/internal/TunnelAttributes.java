package dev.sandgate.tunnel.internal;

import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.common.AttributeRepository.AttributeKey;

/** What one connection attempt hands to MINA in its connection context. Not API. */
public final class TunnelAttributes {
    /** Opens the tunnel for this connection. */
    public static final AttributeKey<TunnelOpener> OPENER = new AttributeKey<>();
    /** The host CA keys whose certificates identify the session's SSH server. */
    public static final AttributeKey<List<PublicKey>> HOST_CA_KEYS = new AttributeKey<>();
    /** The known_hosts file that checks hosts when there are no host CA keys; absent when none was given. */
    public static final AttributeKey<KnownHosts> KNOWN_HOSTS = new AttributeKey<>();
    /** Where the connector, the verifier, the tunnel session and the keepalive record what happened. */
    public static final AttributeKey<ConnectionRecord> RECORD = new AttributeKey<>();

    private TunnelAttributes() {
    }

    /** Opens one tunnel; called on an I/O thread when MINA connects. */
    @FunctionalInterface
    public interface TunnelOpener {
        dev.sandgate.tunnel.Tunnel open() throws java.io.IOException;
    }
}
