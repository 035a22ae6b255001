package dev.sandgate.tunnel;

/**
 * A pseudo-terminal was asked for where the session's certificate does not permit one ({@code permit-pty} missing,
 * {@code pty: false} in the mint answer). Nothing was opened.
 *
 * <pre>{@code
 * try {
 *     terminal = connection.openTerminal(PtyOptions.defaults());
 * } catch (PtyRefusedException e) {
 *     shell = connection.openShell();            // a shell session needs no terminal
 * }
 * }</pre>
 */
public class PtyRefusedException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     */
    public PtyRefusedException(String message) {
        super(message);
    }
}
