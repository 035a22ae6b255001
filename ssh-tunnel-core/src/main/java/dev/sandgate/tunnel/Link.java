package dev.sandgate.tunnel;

import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * One SSH session of an {@link SshConnection} and what works on it; a reconnect replaces the whole link.
 *
 * @param issued what the mint answered for this session's certificate, or null when nothing was minted
 */
record Link(ClientSession session, IssuedCertificate issued, String tunnelDescription, ConnectionRecord record) {
    /** Whether it ended by a loss (the tunnel, the keepalives) rather than being closed. */
    boolean lost() {
        return record.tunnelEnded() || record.keepAliveFailure() != null;
    }
}
