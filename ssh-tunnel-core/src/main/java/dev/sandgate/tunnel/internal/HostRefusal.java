package dev.sandgate.tunnel.internal;

import dev.sandgate.tunnel.HostKeyRejectedException;

/**
 * Why a host check refused a server's key: its kind, for a caller to act on, and the words a message shows.
 * Not API.
 *
 * @param reason  what the check found
 * @param message why, as a message may show it (fingerprints and file names, never a secret)
 */
public record HostRefusal(HostKeyRejectedException.Reason reason, String message) {
}
