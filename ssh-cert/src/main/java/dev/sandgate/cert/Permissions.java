package dev.sandgate.cert;

/**
 * What the gateway lets a certificate do in a session.
 *
 * <pre>{@code
 * if (issued.permissions().portForwarding()) { ... }
 * }</pre>
 */
public record Permissions(boolean pty, boolean portForwarding, boolean agentForwarding) {
}
