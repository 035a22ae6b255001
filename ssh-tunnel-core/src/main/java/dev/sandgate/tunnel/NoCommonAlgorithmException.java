package dev.sandgate.tunnel;

/**
 * The SSH server offers no key exchange, cipher, MAC or host key algorithm that Sandgate accepts: typically an old
 * server that offers only SHA-1 or CBC. The message names what the server offered. Sandgate's own list is modern
 * only; {@code SandboxSsh.Builder.legacyAlgorithms()} adds the old ones for a server that cannot be upgraded.
 *
 * <pre>{@code
 * catch (NoCommonAlgorithmException e) { log.error("upgrade the server's sshd: {}", e.getMessage()); }
 * }</pre>
 */
public class NoCommonAlgorithmException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public NoCommonAlgorithmException(String message, Throwable cause) {
        super(message, cause);
    }
}
