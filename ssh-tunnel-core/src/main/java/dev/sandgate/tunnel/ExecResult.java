package dev.sandgate.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a finished command left: its exit code and everything it wrote to stdout and stderr.
 *
 * <pre>{@code
 * ExecResult result = connection.exec("ls -l");
 * if (result.exitCode() != 0) throw new IllegalStateException(result.stderrText());
 * System.out.print(result.stdoutText());
 * }</pre>
 */
public final class ExecResult {
    private final int exitCode;
    private final byte[] stdout;
    private final byte[] stderr;

    public ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
        this.exitCode = exitCode;
        this.stdout = stdout.clone();
        this.stderr = stderr.clone();
    }

    /** The command's exit status; 128 + n when the command died of signal n, as a shell reports it. */
    public int exitCode() {
        return exitCode;
    }

    public byte[] stdout() {
        return stdout.clone();
    }

    public byte[] stderr() {
        return stderr.clone();
    }

    /** stdout decoded as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr decoded as UTF-8. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecResult && ((ExecResult) o).exitCode == exitCode && Arrays.equals(((ExecResult) o).stdout, stdout)
                && Arrays.equals(((ExecResult) o).stderr, stderr);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * exitCode + Arrays.hashCode(stdout)) + Arrays.hashCode(stderr);
    }

    @Override
    public String toString() {
        return "ExecResult{exitCode=" + exitCode + ", stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes}";
    }
}
