package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.security.PublicKey;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

import dev.sandgate.tunnel.Tunnel;

/**
 * What one connect attempt offers MINA's side, handed over as the one attribute of MINA's connection context: the
 * tunnel to open (for the connector), how the host is checked and where a refusal is told (for the verifier), and
 * the record of the link's life (for the tunnel session and the session listener). The attempt keeps every fact it
 * is told itself: MINA clears a session's attributes when it closes, and its futures replace an exception with its
 * cause. Not API.
 */
public interface AttemptContext {
    /**
     * Opens the tunnel; called once, on an I/O thread, when MINA connects. A failure is kept by the attempt as it was
     * thrown.
     *
     * @return the open tunnel
     * @throws IOException as the transport threw it
     */
    Tunnel openTunnel() throws IOException;

    /** {@return how this attempt checks the server's host key} */
    HostCheck hostCheck();

    /**
     * The verifier refused the server.
     *
     * @param refusal      why
     * @param presentedKey the key the server presented (for a host certificate, the key it certifies)
     */
    void hostKeyRefused(HostRefusal refusal, PublicKey presentedKey);

    /** {@return where the link's life is recorded: the tunnel's end, the keepalive, MINA's failures} */
    ConnectionRecord record();

    /** {@return the client's tunnel totals, which the tunnel of this attempt adds to} */
    TunnelCounters tunnelCounters();

    /**
     * Puts this attempt in a connection context for {@code SshClient.connect}.
     *
     * @return the context
     */
    default AttributeRepository asConnectionContext() {
        return AttributeRepository.ofKeyValuePair(KEY, this);
    }

    /**
     * The attempt in a connection context, or null.
     *
     * @param context the context, or null
     * @return the attempt, or null
     */
    static AttemptContext of(AttributeRepository context) {
        return context == null ? null : context.getAttribute(KEY);
    }

    /** The attribute key of the attempt in MINA's connection context. */
    AttributeKey<AttemptContext> KEY = new AttributeKey<>();
}
