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

    private final int exitCode;
    private final String exitSignal;
    private final String stderrTail;

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

    public int exitCode() {
        return exitCode;
    }

    public Optional<String> exitSignal() {
        return Optional.ofNullable(exitSignal);
    }

    /** The last 2000 characters of stderr, as they were. */
    public String stderrTail() {
        return stderrTail;
    }
}
