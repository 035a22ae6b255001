package dev.sandgate.tunnel;

import java.time.Duration;

/**
 * A command did not finish within its time limit. It was sent TERM (and KILL two seconds later if it was still
 * running), which a server such as OpenSSH's sshd delivers to its whole process group, and its channel was closed.
 * The connection stays usable; {@link #partialResult()} holds what it wrote until then.
 *
 * <pre>{@code
 * try {
 *     connection.exec("make test", Duration.ofMinutes(5));
 * } catch (CommandTimeoutException e) { ... }
 * }</pre>
 */
public class CommandTimeoutException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    private final transient ExecResult partial;

    /**
     * Creates the exception with what the command wrote before it was stopped.
     *
     * @param command the command line, run by the remote shell
     * @param limit the time limit the command ran past
     * @param partial what the command wrote before it was stopped (its {@code timedOut()} is true)
     * @throws NullPointerException if {@code partial} is null
     */
    public CommandTimeoutException(String command, Duration limit, ExecResult partial) {
        super("Command did not finish within " + dev.sandgate.cert.Visible.duration(limit)
                + " and was stopped (sent TERM, then KILL after "
                + RemoteSignals.GRACE.toSeconds() + " s): " + command);
        this.partial = java.util.Objects.requireNonNull(partial, "partial");
    }

    /**
     * {@return what the command wrote before it was stopped, with {@code timedOut()} true and exit code -1 unless the
     *          server reported one: kept as {@code exec} keeps output (its {@code maxOutput} applies), or, for a
     *          {@link ShellSession} command, all it wrote; null only on an exception read back from its serialized
     *          form, which does not keep the result}
     */
    public ExecResult partialResult() {
        return partial;
    }
}
