package dev.sandgate.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A shell that keeps its state between commands: a {@code cd} or an {@code export} in one {@link #run} holds for
 * the next, as in a terminal, and each command reports its exit code and the directory it left the shell in. One
 * {@code sh} runs on one channel; commands run one at a time (calls from several threads take turns) and read no
 * stdin. Made by {@link SshConnection#openShell()}.
 *
 * <pre>{@code
 * try (ShellSession shell = connection.openShell()) {
 *     shell.run("cd /work && export MODE=test");
 *     ShellSession.Result result = shell.run("echo $MODE in $(pwd)");
 *     // result.stdoutText() = "test in /work\n", result.workingDirectory() = "/work"
 * }
 * }</pre>
 *
 * <p>A command that runs past its time limit ends the whole shell (KILL to its process group), since nothing else
 * could stop it without losing the shell's state: the call throws {@link CommandTimeoutException} and the session is
 * closed. A command that exits the shell ({@code exit 3}) ends it too, with a {@link SandgateSshException}. Output is
 * returned whole, as bytes, so this is for commands of modest output; stream big output with
 * {@link SshConnection#start}.
 */
public final class ShellSession implements Closeable {
    /**
     * What one command of a shell session left.
     *
     * @param exitCode         the command's exit status
     * @param stdout           what it wrote to standard output
     * @param stderr           what it wrote to standard error
     * @param workingDirectory the shell's directory after it
     */
    public record Result(int exitCode, byte[] stdout, byte[] stderr, String workingDirectory) {
        /**
         * Keeps copies of the two arrays, so that a caller's later change to them does not reach the result.
         *
         * @param exitCode the command's exit status, 0 for success
         * @param stdout what the command wrote to standard output; copied
         * @param stderr what the command wrote to standard error; copied
         * @param workingDirectory the shell's directory after the command, its {@code $PWD}
         */
        public Result {
            stdout = stdout.clone();
            stderr = stderr.clone();
        }

        /** {@return a copy of what the command wrote to stdout} */
        @Override
        public byte[] stdout() {
            return stdout.clone();
        }

        /** {@return a copy of what the command wrote to stderr} */
        @Override
        public byte[] stderr() {
            return stderr.clone();
        }

        /** {@return stdout decoded as UTF-8; malformed bytes become the replacement character} */
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** {@return stderr decoded as UTF-8; malformed bytes become the replacement character} */
        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "ShellSession.Result{exitCode=" + exitCode + ", stdout=" + stdout.length + " bytes, stderr="
                    + stderr.length + " bytes, workingDirectory=" + workingDirectory + "}";
        }
    }

    private final RemoteProcess shell;
    private final OutputStream commands;
    private final String marker = "__sandgate_end_" + UUID.randomUUID().toString().replace("-", "") + "__";
    private final byte[] markerBytes = marker.getBytes(StandardCharsets.US_ASCII);
    private final Object turn = new Object();
    private final InputStream stdoutStream;
    private final InputStream stderrStream;
    private final java.util.concurrent.ExecutorService readers;

    ShellSession(RemoteProcess shell, String sessionId) {
        this.shell = shell;
        this.commands = shell.getOutputStream();
        // nothing follows a marker until the next command is sent, so buffering across commands loses nothing
        this.stdoutStream = new java.io.BufferedInputStream(shell.getInputStream());
        this.stderrStream = new java.io.BufferedInputStream(shell.getErrorStream());
        this.readers = java.util.concurrent.Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sandgate-shell " + sessionId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs one command with a 10-minute limit.
     *
     * @param command the command line, run by the remote shell
     * @return its exit code, output and the working directory after it
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public Result run(String command) throws IOException {
        return run(command, ExecOptions.DEFAULT_TIMEOUT);
    }

    /**
     * Runs one command in the shell and waits for it, at most {@code timeout}.
     *
     * @param command the command line, run by the remote shell
     * @param timeout how long the command may run before the whole shell is ended; positive
     * @return its exit code, output and the working directory after it
     * @throws CommandTimeoutException if it runs longer; the shell is then closed
     * @throws SandgateSshException    if the shell has ended (closed, exited, or its connection lost)
     */
    public Result run(String command, Duration timeout) throws IOException {
        Objects.requireNonNull(command, "command");
        Checks.positive(timeout, "timeout");
        synchronized (turn) {
            if (!shell.isAlive()) {
                throw new SandgateSshException("The shell session has ended"
                        + (shell.connectionLost() ? " with its connection" : " (exit " + shell.exitValue() + ")"));
            }
            // braces keep cd and export in this shell; </dev/null keeps the command off the stream of commands
            String script = "{ " + command + "\n} </dev/null\n__sandgate_status=$?\n"
                    + "printf '%s %d %s\\n' '" + marker + "' \"$__sandgate_status\" \"$PWD\"\n"
                    + "printf '%s\\n' '" + marker + "' >&2\n";
            ByteArrayOutputStream outSeen = new ByteArrayOutputStream();
            ByteArrayOutputStream errSeen = new ByteArrayOutputStream();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(
                    () -> readUntilMarker(stdoutStream, outSeen), readers);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(
                    () -> readUntilMarker(stderrStream, errSeen), readers);
            long started = System.nanoTime();
            commands.write(script.getBytes(StandardCharsets.UTF_8));
            commands.flush();
            byte[] stdout;
            byte[] stderr;
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                stdout = out.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                stderr = err.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                close();
                byte[] stdoutSoFar = outSeen.toByteArray();
                byte[] stderrSoFar = errSeen.toByteArray();
                throw new CommandTimeoutException(Commands.abbreviate(command), timeout, new ExecResult(command, -1, null,
                        stdoutSoFar, stdoutSoFar.length, stderrSoFar, stderrSoFar.length,
                        Duration.ofNanos(System.nanoTime() - started), StandardCharsets.UTF_8, true));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("Interrupted while running a command in a shell session");
            } catch (ExecutionException e) {
                close();
                throw new SandgateSshException("The shell session ended while running: " + Commands.abbreviate(command)
                        + " (" + e.getCause().getMessage() + ")", e.getCause());
            }
            return parse(stdout, stderr);
        }
    }

    /**
     * Reads up to and including the marker's line into {@code seen}; what came before it is the command's output, and
     * what is in {@code seen} when the command runs out of time is what it wrote until then.
     */
    private byte[] readUntilMarker(InputStream in, ByteArrayOutputStream seen) {
        byte[] tail = new byte[markerBytes.length];
        try {
            boolean found = false;
            long count = 0;
            int b;
            while ((b = in.read()) >= 0) {
                seen.write(b);
                if (found) {
                    if (b == '\n') {
                        return seen.toByteArray();
                    }
                    continue;
                }
                // the last bytes, in a ring, compared with the marker
                tail[(int) (count++ % tail.length)] = (byte) b;
                found = count >= tail.length && endsWithMarker(tail, count);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new java.io.UncheckedIOException(new IOException("the shell ended"));
    }

    private boolean endsWithMarker(byte[] ring, long count) {
        for (int i = 0; i < markerBytes.length; i++) {
            if (ring[(int) ((count + i) % ring.length)] != markerBytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Splits each stream at its marker, as bytes: the output before it is returned exactly as it came. */
    private Result parse(byte[] stdout, byte[] stderr) throws SandgateSshException {
        int at = lastIndexOf(stdout, markerBytes);
        int errAt = lastIndexOf(stderr, markerBytes);
        String[] trailer = new String(stdout, at + markerBytes.length, stdout.length - at - markerBytes.length,
                StandardCharsets.UTF_8).trim().split(" ", 2);
        try {
            return new Result(Integer.parseInt(trailer[0]), java.util.Arrays.copyOf(stdout, at),
                    java.util.Arrays.copyOf(stderr, errAt), trailer.length > 1 ? trailer[1] : "");
        } catch (NumberFormatException e) {
            throw new SandgateSshException("The shell session's report could not be read: " + String.join(" ", trailer));
        }
    }

    private static int lastIndexOf(byte[] bytes, byte[] part) {
        for (int i = bytes.length - part.length; i >= 0; i--) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new IllegalStateException("no marker in a stream read up to its marker");
    }

    /** {@return whether it is still open} */
    public boolean isOpen() {
        return shell.isAlive();
    }

    /** Ends the shell (and whatever it still runs). Idempotent. */
    @Override
    public void close() {
        shell.destroyForcibly();
        readers.shutdownNow();
    }

    @Override
    public String toString() {
        return "ShellSession{" + (isOpen() ? "open" : "closed") + "}";
    }
}
