package dev.sandgate.tunnel.internal;

import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

import dev.sandgate.tunnel.HostKeyRejectedException.Reason;

/**
 * The host check of a mint answer: a host certificate signed by one of the host CA keys it named, or a plain host key
 * it pinned. With neither named, every server is refused. Not API.
 */
public final class ApiHostKeys implements HostCheck {
    private final List<PublicKey> hostCaKeys;
    private final List<PublicKey> pinnedKeys;

    /**
     * @param hostCaKeys the host CA keys the API named
     * @param pinnedKeys the plain host keys the API pinned
     */
    public ApiHostKeys(List<PublicKey> hostCaKeys, List<PublicKey> pinnedKeys) {
        this.hostCaKeys = List.copyOf(hostCaKeys);
        this.pinnedKeys = List.copyOf(pinnedKeys);
    }

    @Override
    public HostRefusal refusal(String host, int port, PublicKey serverKey) {
        if (hostCaKeys.isEmpty() && pinnedKeys.isEmpty()) {
            return new HostRefusal(Reason.UNKNOWN_HOST, "the sandbox API named no host CA keys and no host keys, no"
                    + " known_hosts file was given, and a host is never trusted on first use: give"
                    + " SandboxSsh.Builder.knownHosts(...) or a HostTrust");
        }
        if (serverKey instanceof OpenSshCertificate) {
            PublicKey ca = ((OpenSshCertificate) serverKey).getCaPubKey();
            if (contains(hostCaKeys, ca)) {
                return null;
            }
            return new HostRefusal(Reason.NOT_TRUSTED, hostCaKeys.isEmpty()
                    ? "the server presented a host certificate (CA " + KeyUtils.getFingerPrint(ca) + ") where the sandbox"
                            + " API pinned plain host keys"
                    : "the server's host certificate was signed by CA " + KeyUtils.getFingerPrint(ca) + ", which is not"
                            + " among the " + hostCaKeys.size() + " host CA key(s) the sandbox API named");
        }
        if (contains(pinnedKeys, serverKey)) {
            return null;
        }
        if (pinnedKeys.isEmpty()) {
            return new HostRefusal(Reason.NOT_TRUSTED, "the server presented a plain " + KeyUtils.getKeyType(serverKey)
                    + " key " + KeyUtils.getFingerPrint(serverKey) + " instead of a host certificate from the gateway's"
                    + " host CA");
        }
        return new HostRefusal(Reason.KEY_CHANGED, "the server presented the host key " + KeyUtils.getFingerPrint(serverKey)
                + ", which is not among the " + pinnedKeys.size() + " host key(s) the sandbox API pinned for the session ("
                + String.join(", ", pinnedKeys.stream().map(KeyUtils::getFingerPrint).toList()) + ")");
    }

    private static boolean contains(List<PublicKey> keys, PublicKey key) {
        for (PublicKey candidate : keys) {
            if (KeyUtils.compareKeys(candidate, key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ApiHostKeys{hostCaKeys=" + hostCaKeys.size() + ", pinnedKeys=" + pinnedKeys.size() + "}";
    }
}
