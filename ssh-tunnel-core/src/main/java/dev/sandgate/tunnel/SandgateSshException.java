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
 *     // the gateway said no: e.reason()
 * } catch (SandgateSshException e) {
 *     // any other SSH-side failure
 * }
 * }</pre>
 */
public class SandgateSshException extends IOException {
    private static final long serialVersionUID = 1L;

    public SandgateSshException(String message) {
        super(message);
    }

    public SandgateSshException(String message, Throwable cause) {
        super(message, cause);
    }
}
