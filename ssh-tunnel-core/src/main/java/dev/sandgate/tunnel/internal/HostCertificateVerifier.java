package dev.sandgate.tunnel.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sandgate.tunnel.HostKeyRejectedException.Reason;

/**
 * MINA's host key verifier: asks the connect attempt's {@link HostCheck} (the host CA or keys the API named, a
 * known_hosts file, accept-new), refuses weak host certificate signatures unless old algorithms are allowed, and tells
 * the attempt why it refused. MINA has already checked a certificate's signature, validity window, type and
 * principals against the connect host during key exchange. With no attempt, every server is refused.
 */
public final class HostCertificateVerifier implements ServerKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(HostCertificateVerifier.class);

    private final boolean legacy;

    /** @param legacy whether host certificates signed with SHA-1, or by RSA CAs under 2048 bits, are accepted */
    public HostCertificateVerifier(boolean legacy) {
        this.legacy = legacy;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttemptContext attempt = AttemptContext.of(session.getConnectionContext());
        if (attempt == null) {
            LOG.warn("Refusing SSH server at {}: no connect attempt names how to check it", remoteAddress);
            return false;
        }
        // the signature first: a check that records what it accepts (accept-new) must never record a refused key
        HostRefusal refusal = legacy ? null : weakSignature(serverKey);
        if (refusal == null) {
            InetSocketAddress address = (InetSocketAddress) remoteAddress;
            refusal = attempt.hostCheck().refusal(address.getHostString(), address.getPort(), serverKey);
        }
        if (refusal == null) {
            return true;
        }
        attempt.hostKeyRefused(refusal, serverKey instanceof OpenSshCertificate
                ? ((OpenSshCertificate) serverKey).getCertPubKey() : serverKey);
        LOG.warn("Refusing SSH server at {}: {}", remoteAddress, refusal.message());
        return false;
    }

    /** Why a host certificate's signature is too weak (SHA-1, or an RSA CA under 2048 bits), or null. */
    private static HostRefusal weakSignature(PublicKey serverKey) {
        if (!(serverKey instanceof OpenSshCertificate)) {
            return null;
        }
        OpenSshCertificate certificate = (OpenSshCertificate) serverKey;
        if ("ssh-rsa".equals(certificate.getSignatureAlgorithm())) {
            return new HostRefusal(Reason.WEAK_SIGNATURE, "the server's host certificate is signed with ssh-rsa"
                    + " (SHA-1), which is refused as OpenSSH's CASignatureAlgorithms refuses it; have the CA sign with"
                    + " rsa-sha2-256 or rsa-sha2-512 (or allow old algorithms with"
                    + " SandboxSsh.Builder.legacyAlgorithms())");
        }
        PublicKey ca = certificate.getCaPubKey();
        if (ca instanceof java.security.interfaces.RSAPublicKey
                && ((java.security.interfaces.RSAPublicKey) ca).getModulus().bitLength() < 2048) {
            return new HostRefusal(Reason.WEAK_SIGNATURE, "the server's host certificate is signed by an RSA CA of "
                    + ((java.security.interfaces.RSAPublicKey) ca).getModulus().bitLength() + " bits; at least 2048"
                    + " are required");
        }
        return null;
    }

}
