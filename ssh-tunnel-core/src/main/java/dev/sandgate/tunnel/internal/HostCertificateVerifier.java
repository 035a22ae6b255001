package dev.sandgate.tunnel.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a server only if it presents a host certificate signed by one of the host CA keys the API returned for
 * this connection, or, when the API named none, if the connection's known_hosts file vouches for its key. MINA has
 * already checked a certificate's signature, validity window, type and principals against the connect host during
 * key exchange; what it cannot know is which CAs (or keys) to trust. With neither, every server is refused.
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
        AttributeRepository context = session.getConnectionContext();
        List<PublicKey> trusted = context == null ? null : context.getAttribute(TunnelAttributes.HOST_CA_KEYS);
        KnownHosts knownHosts = context == null ? null : context.getAttribute(TunnelAttributes.KNOWN_HOSTS);
        String refusal;
        if ((trusted == null || trusted.isEmpty()) && knownHosts != null) {
            InetSocketAddress address = (InetSocketAddress) remoteAddress;
            refusal = knownHosts.refusal(address.getHostString(), address.getPort(), serverKey);
        } else {
            refusal = refusal(trusted, serverKey);
        }
        if (refusal == null && !legacy) {
            refusal = weakSignature(serverKey);
        }
        if (refusal == null) {
            return true;
        }
        ConnectionRecord record = context == null ? null : context.getAttribute(TunnelAttributes.RECORD);
        if (record != null) {
            record.hostKeyRefused(refusal);
        }
        LOG.warn("Refusing SSH server at {}: {}", remoteAddress, refusal);
        return false;
    }

    /** Why a host certificate's signature is too weak (SHA-1, or an RSA CA under 2048 bits), or null. */
    private static String weakSignature(PublicKey serverKey) {
        if (!(serverKey instanceof OpenSshCertificate)) {
            return null;
        }
        OpenSshCertificate certificate = (OpenSshCertificate) serverKey;
        if ("ssh-rsa".equals(certificate.getSignatureAlgorithm())) {
            return "the server's host certificate is signed with ssh-rsa (SHA-1), which is refused as OpenSSH's"
                    + " CASignatureAlgorithms refuses it; have the CA sign with rsa-sha2-256 or rsa-sha2-512 (or allow"
                    + " old algorithms with SandboxSsh.Builder.legacyAlgorithms())";
        }
        PublicKey ca = certificate.getCaPubKey();
        if (ca instanceof java.security.interfaces.RSAPublicKey
                && ((java.security.interfaces.RSAPublicKey) ca).getModulus().bitLength() < 2048) {
            return "the server's host certificate is signed by an RSA CA of "
                    + ((java.security.interfaces.RSAPublicKey) ca).getModulus().bitLength() + " bits; at least 2048"
                    + " are required";
        }
        return null;
    }

    private static String refusal(List<PublicKey> trusted, PublicKey serverKey) {
        if (trusted == null || trusted.isEmpty()) {
            return "the sandbox API named no host CA keys and no known_hosts file was given, and a host is never"
                    + " trusted on first use: give SandboxSsh.Builder.knownHosts(...)";
        }
        if (!(serverKey instanceof OpenSshCertificate)) {
            return "the server presented a plain " + KeyUtils.getKeyType(serverKey) + " key "
                    + KeyUtils.getFingerPrint(serverKey) + " instead of a host certificate from the gateway's host CA";
        }
        PublicKey ca = ((OpenSshCertificate) serverKey).getCaPubKey();
        for (PublicKey key : trusted) {
            if (KeyUtils.compareKeys(key, ca)) {
                return null;
            }
        }
        return "the server's host certificate was signed by CA " + KeyUtils.getFingerPrint(ca)
                + ", which is not among the " + trusted.size() + " host CA key(s) the sandbox API named";
    }
}
