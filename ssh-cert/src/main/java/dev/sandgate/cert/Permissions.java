package dev.sandgate.cert;

/**
 * What the gateway lets a certificate do in a session.
 *
 * <pre>{@code
 * if (issued.permissions().portForwarding()) { ... }
 * }</pre>
 *
 * @param pty             whether the session gives a pseudo-terminal (for {@code shell})
 * @param portForwarding  whether ports may be forwarded
 * @param agentForwarding whether an SSH agent may be forwarded
 */
public record Permissions(boolean pty, boolean portForwarding, boolean agentForwarding) {
}
