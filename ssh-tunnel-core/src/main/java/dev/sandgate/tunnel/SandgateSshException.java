package dev.sandgate.tunnel;

import java.io.IOException;

/**
 * The root of everything {@link SandboxSsh} and {@link SshConnection} throw, apart from the sandbox API's own
 * {@link dev.sandgate.cert.SandboxApiException}. Messages say what failed and what to do; they never contain tokens
 * or keys.
 *
 * <pre>{@code
 * try (SshConnection connection = ssh.connect(sessionId)) {
 *     ...
 * } catch (TunnelRefusedException e) {
 *     // the gateway said no: e.refusal()
 * } catch (SandgateSshException e) {
 *     // any other SSH-side failure
 * }
 * }</pre>
 */
public class SandgateSshException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     */
    public SandgateSshException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with no secret in it
     * @param cause the failure underneath, or null
     */
    public SandgateSshException(String message, Throwable cause) {
        super(message, cause);
    }
}
