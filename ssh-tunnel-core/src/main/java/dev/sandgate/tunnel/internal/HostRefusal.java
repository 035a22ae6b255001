package dev.sandgate.tunnel.internal;

import dev.sandgate.tunnel.HostKeyRejectedException;

/**
 * Why a host check refused a server's key: its kind, for a caller to act on, the words a message shows, and the name
 * the host was checked under when a known_hosts file decided. Not API.
 *
 * @param reason  what the check found
 * @param message why, as a message may show it (fingerprints and file names, never a secret)
 * @param host    the name the host was looked up under ({@code host} or {@code [host]:port}), or null
 */
public record HostRefusal(HostKeyRejectedException.Reason reason, String message, String host) {
    /**
     * @param reason  what the check found
     * @param message why, as a message may show it
     */
    public HostRefusal(HostKeyRejectedException.Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * @param name the name the host was looked up under
     * @return this refusal naming the host
     */
    public HostRefusal naming(String name) {
        return new HostRefusal(reason, message, name);
    }
}
