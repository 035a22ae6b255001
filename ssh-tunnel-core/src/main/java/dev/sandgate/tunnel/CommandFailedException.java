package dev.sandgate.tunnel;

import java.util.Optional;

/**
 * A command ran and exited with a status other than 0, reported by {@link ExecResult#check()}: the exit code, the
 * signal if one ended it, and the end of what it wrote to stderr.
 *
 * <pre>{@code
 * try {
 *     connection.exec("make test").check();
 * } catch (CommandFailedException e) {
 *     System.err.println("exit " + e.exitCode() + ": " + e.stderrTail());
 * }
 * }</pre>
 */
public class CommandFailedException extends SandgateSshException {
    private static final long serialVersionUID = 1L;

    /** The exit code, kept in the serialized form. */
    private final int exitCode;
    /** The exit signal, kept in the serialized form. */
    private final String exitSignal;
    /** The stderr tail, kept in the serialized form. */
    private final String stderrTail;

    /**
     * Creates the exception.
     *
     * @param command the command line, run by the remote shell
     * @param exitCode the command's exit status, not 0; 128 + n when signal n ended it
     * @param exitSignal the signal that ended it, or null
     * @param stderrTail the last characters of the error output
     */
    public CommandFailedException(String command, int exitCode, String exitSignal, String stderrTail) {
        super("Command exited with " + exitCode + (exitSignal == null ? "" : " (signal " + exitSignal + ")")
                + (command.isEmpty() ? "" : ": " + Commands.abbreviate(command))
                + (stderrTail.isBlank() ? "" : "; stderr ends: " + flatten(stderrTail)));
        this.exitCode = exitCode;
        this.exitSignal = exitSignal;
        this.stderrTail = stderrTail;
    }

    private static String flatten(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 300 ? line : "..." + line.substring(line.length() - 300);
    }

    /** {@return the command's exit status, never 0; 128 + n when signal n ended it, as a shell reports it} */
    public int exitCode() {
        return exitCode;
    }

    /** {@return the exit signal, if there is one} */
    public Optional<String> exitSignal() {
        return Optional.ofNullable(exitSignal);
    }

    /**
     * The last 2000 characters of stderr, as they were.
     *
     * @return the last 2000 characters of stderr, as they were
     */
    public String stderrTail() {
        return stderrTail;
    }
}
