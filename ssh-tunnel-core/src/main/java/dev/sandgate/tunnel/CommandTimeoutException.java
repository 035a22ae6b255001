package dev.sandgate.tunnel;

import java.time.Duration;

/**
 * A command did not finish within its time limit; its channel was closed. The connection stays usable.
 *
 * <pre>{@code
 * try {
 *     connection.exec("make test", Duration.ofMinutes(5));
 * } catch (CommandTimeoutException e) { ... }
 * }</pre>
 */
public class CommandTimeoutException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    public CommandTimeoutException(String command, Duration limit) {
        super("Command did not finish within " + limit + " and was stopped: " + command);
    }
}
