package dev.sandgate.tunnel;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished command left: its exit code (or the signal that ended it), what it wrote to stdout and stderr (up
 * to {@link ExecOptions#maxOutput()} of each, with a flag when more was dropped), and how long it ran.
 *
 * <pre>{@code
 * ExecResult result = connection.exec("ls -l").check();   // throws CommandFailedException unless it exited 0
 * System.out.print(result.stdoutText());
 * }</pre>
 */
public final class ExecResult {
    private static final int STDERR_TAIL = 2000;

    private final String command;
    private final int exitCode;
    private final String exitSignal;
    private final byte[] stdout;
    private final byte[] stderr;
    private final long stdoutBytes;
    private final long stderrBytes;
    private final Duration duration;
    private final Charset charset;
    private final boolean timedOut;

    /**
     * A result with all output kept, for tests and fakes.
     *
     * @param stdout everything the command wrote to stdout; copied
     * @param exitCode the command's exit status, 0 for success
     * @param stderr everything the command wrote to stderr; copied
     */
    public ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
        this("", exitCode, null, stdout, stdout.length, stderr, stderr.length, Duration.ZERO, StandardCharsets.UTF_8,
                false);
    }

    ExecResult(String command, int exitCode, String exitSignal, byte[] stdout, long stdoutBytes, byte[] stderr,
            long stderrBytes, Duration duration, Charset charset, boolean timedOut) {
        this.timedOut = timedOut;
        this.command = Objects.requireNonNull(command, "command");
        this.exitCode = exitCode;
        this.exitSignal = exitSignal;
        this.stdout = stdout.clone();
        this.stderr = stderr.clone();
        this.stdoutBytes = stdoutBytes;
        this.stderrBytes = stderrBytes;
        this.duration = Objects.requireNonNull(duration, "duration");
        this.charset = Objects.requireNonNull(charset, "charset");
    }

    /**
     * Whether the command ran past its time limit and was stopped; such a result comes only with a
     * {@link CommandTimeoutException}, holding what the command wrote until then.
     *
     * @return whether the command ran past its time limit and was stopped
     */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * The command's exit status; 128 + n when the command died of signal n, as a shell reports it; -1 when it was
     * stopped for its time limit and the server reported no status.
     *
     * @return the command's exit status
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The signal that ended the command ("TERM", "KILL", ...), when one did.
     *
     * @return the signal that ended the command ("TERM", "KILL", ...), when one did
     */
    public Optional<String> exitSignal() {
        return Optional.ofNullable(exitSignal);
    }

    /**
     * The stdout kept: all of it, or its first {@link ExecOptions#maxOutput()} bytes when {@link #stdoutTruncated()}.
     *
     * @return a copy of the stdout bytes kept
     */
    public byte[] stdout() {
        return stdout.clone();
    }

    /**
     * The stderr kept: all of it, or its first {@link ExecOptions#maxOutput()} bytes when {@link #stderrTruncated()}.
     *
     * @return a copy of the stderr bytes kept
     */
    public byte[] stderr() {
        return stderr.clone();
    }

    /**
     * stdout decoded in the charset of the {@link ExecOptions} (UTF-8 by default).
     *
     * @return the stdout bytes kept, decoded; malformed bytes become the replacement character
     */
    public String stdoutText() {
        return new String(stdout, charset);
    }

    /**
     * stderr decoded in the charset of the {@link ExecOptions} (UTF-8 by default).
     *
     * @return the stderr bytes kept, decoded; malformed bytes become the replacement character
     */
    public String stderrText() {
        return new String(stderr, charset);
    }

    /**
     * Whether the command wrote more to stdout than was kept.
     *
     * @return whether the command wrote more to stdout than was kept
     */
    public boolean stdoutTruncated() {
        return stdoutBytes > stdout.length;
    }

    /**
     * Whether the command wrote more to stderr than was kept.
     *
     * @return whether the command wrote more to stderr than was kept
     */
    public boolean stderrTruncated() {
        return stderrBytes > stderr.length;
    }

    /**
     * Whether either stream was truncated.
     *
     * @return whether either stream was truncated
     */
    public boolean truncated() {
        return stdoutTruncated() || stderrTruncated();
    }

    /**
     * How many bytes the command wrote to stdout in all, kept or not.
     *
     * @return how many bytes the command wrote to stdout in all, kept or not
     */
    public long stdoutBytes() {
        return stdoutBytes;
    }

    /**
     * How many bytes the command wrote to stderr in all, kept or not.
     *
     * @return how many bytes the command wrote to stderr in all, kept or not
     */
    public long stderrBytes() {
        return stderrBytes;
    }

    /**
     * From the channel's opening to the command's end.
     *
     * @return the time from opening the channel to the command's end; zero for a result made by the public constructor
     */
    public Duration duration() {
        return duration;
    }

    /**
     * This result when the command exited 0.
     *
     * @return this result when the command exited 0
     * @throws CommandFailedException otherwise, carrying the exit code and the end of stderr
     */
    public ExecResult check() throws CommandFailedException {
        if (exitCode != 0) {
            String tail = stderrText();
            if (tail.length() > STDERR_TAIL) {
                tail = "..." + tail.substring(tail.length() - STDERR_TAIL);
            }
            throw new CommandFailedException(command, exitCode, exitSignal, tail);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExecResult)) {
            return false;
        }
        ExecResult other = (ExecResult) o;
        return other.exitCode == exitCode && Objects.equals(other.exitSignal, exitSignal)
                && Arrays.equals(other.stdout, stdout) && Arrays.equals(other.stderr, stderr)
                && other.stdoutBytes == stdoutBytes && other.stderrBytes == stderrBytes;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * exitCode + Arrays.hashCode(stdout)) + Arrays.hashCode(stderr);
    }

    @Override
    public String toString() {
        return "ExecResult{exitCode=" + exitCode + (exitSignal == null ? "" : ", signal=" + exitSignal)
                + (timedOut ? ", timed out" : "")
                + ", stdout=" + stdoutBytes + " bytes" + (stdoutTruncated() ? " (kept " + stdout.length + ")" : "")
                + ", stderr=" + stderrBytes + " bytes" + (stderrTruncated() ? " (kept " + stderr.length + ")" : "")
                + ", duration=" + duration + "}";
    }
}
