package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.tunnel.internal.ConnectionRecord;
import dev.sandgate.tunnel.internal.SandgateEvents;

/** Runs buffered commands for an {@link SshConnection}: one exec channel per command. */
final class Commands {
    /**
     * The longest command line sent: Linux refuses a single argument of 128 KiB or more ({@code MAX_ARG_STRLEN}), and
     * the line reaches the server's shell as one argument of {@code sh -c}.
     */
    static final int MAX_COMMAND_BYTES = 128 * 1024 - 1;
    /** How long opening a command's channel may take. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

    private final String sessionId;
    private final ClientSession session;
    private final ConnectionRecord record;
    private final Supplier<String> description;
    private final StatsRecorder stats;

    Commands(String sessionId, ClientSession session, ConnectionRecord record, Supplier<String> description,
            StatsRecorder stats) {
        this.sessionId = sessionId;
        this.stats = stats;
        this.session = session;
        this.record = record;
        this.description = description;
    }

    ExecResult exec(String command, ExecOptions options) throws IOException {
        SandgateEvents.Command event = new SandgateEvents.Command();
        event.begin();
        long started = System.nanoTime();
        try {
            ExecResult result = run(command, options);
            stats.commandFinished(sessionId, started, result.exitCode(), null);
            event.exitCode = result.exitCode();
            event.stdoutBytes = result.stdoutBytes();
            event.stderrBytes = result.stderrBytes();
            return result;
        } catch (IOException | RuntimeException e) {
            stats.commandFinished(sessionId, started, -1, e);
            event.failure = SandgateEvents.kind(e);
            throw e;
        } finally {
            if (event.shouldCommit()) {
                event.sessionId = sessionId;
                event.commit();
            }
        }
    }

    private ExecResult run(String command, ExecOptions options) throws IOException {
        byte[] encoded = commandLine(command, options.workingDirectory().orElse(null), options.environment(),
                options.charset());
        CapturedOutput stdout = new CapturedOutput(options.maxOutput(), options.stdoutSink().orElse(null));
        CapturedOutput stderr = new CapturedOutput(options.maxOutput(), options.stderrSink().orElse(null));
        Duration timeout = options.timeout();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        ChannelExec channel = session.createExecChannel(encoded, null, null);
        OpenFuture opening = null;
        boolean stopping = false;
        try {
            channel.setOut(stdout);
            channel.setErr(stderr);
            opening = channel.open();
            opening.verify(timeout);
            Thread feeder = feedStdin(channel, options.stdinBytes(), options.stdinStream().orElse(null));
            boolean ended;
            try {
                ended = closedWithin(channel, deadline);
            } finally {
                if (feeder != null) {
                    feeder.interrupt();
                }
            }
            Duration ran = Duration.ofNanos(System.nanoTime() - started);
            if (!ended) {
                RemoteSignals.stop(channel);
                ExecResult partial = new ExecResult(command, channel.getExitStatus() == null ? -1
                        : channel.getExitStatus(), channel.getExitSignal(), stdout.kept(), stdout.total(),
                        stderr.kept(), stderr.total(), ran, options.charset(), true);
                throw new CommandTimeoutException(abbreviate(command), timeout, partial);
            }
            Integer status = channel.getExitStatus();
            String signal = channel.getExitSignal();
            if (status == null) {
                if (signal == null) {
                    SandgateSshException lost = SshFailures.lost(description.get(), record, session.isOpen(), null);
                    throw lost != null ? lost : new SandgateSshException("The command's channel closed without an"
                            + " exit status (" + description.get() + "): " + abbreviate(command));
                }
                status = 128 + signalNumber(signal);
            }
            return new ExecResult(command, status, signal, stdout.kept(), stdout.total(), stderr.kept(), stderr.total(),
                    ran, options.charset(), false);
        } catch (InterruptedException | InterruptedIOException e) {
            if (e instanceof SocketTimeoutException) {
                throw failed((IOException) e);
            }
            stopping = opening != null;
            throw interrupted(channel, opening, timeout, command, e);
        } catch (SandgateSshException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            if (!stopping) {
                channel.close(false);
            }
        }
    }

    /**
     * The caller returns now, its interrupt kept; the command still gets TERM, then KILL, and its channel is closed
     * (once open, if it was still opening).
     */
    private InterruptedIOException interrupted(ChannelSession channel, OpenFuture opening, Duration openLimit,
            String command, Exception e) {
        if (opening != null) {
            RemoteSignals.stopInBackground(channel, opening, openLimit, sessionId);
        }
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("Interrupted while running a command ("
                + description.get() + "); it is being stopped: " + abbreviate(command));
        interrupted.initCause(e);
        return interrupted;
    }

    private SandgateSshException failed(IOException e) {
        SandgateSshException lost = SshFailures.lost(description.get(), record, session.isOpen(), e);
        return lost != null ? lost : new SandgateSshException("Running a command failed (" + description.get()
                + "): " + e.getMessage(), e);
    }

    /**
     * Whether the channel closed before the deadline; unlike MINA's {@code waitFor}, which ignores interrupts, an
     * interrupt ends the wait.
     */
    private static boolean closedWithin(ChannelExec channel, long deadline) throws InterruptedException {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.addCloseFutureListener(future -> closed.complete(null));
        try {
            closed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Starts a command whose streams the caller reads and writes as they go. */
    RemoteProcess start(String command, String directory, Map<String, String> environment, boolean mergeStderr,
            Charset charset, PtyOptions pty) throws IOException {
        byte[] encoded = commandLine(command, directory, environment, charset);
        ChannelExec channel = session.createExecChannel(encoded, null, null);
        channel.setRedirectErrorStream(mergeStderr);
        return open(channel, command, mergeStderr, pty);
    }

    /** An interactive shell on a pseudo-terminal (an SSH {@code shell} request). */
    RemoteProcess terminal(PtyOptions pty) throws IOException {
        return open(session.createShellChannel(), "(interactive shell)", false, pty);
    }

    private RemoteProcess open(PtyCapableChannelSession channel, String command, boolean mergeStderr, PtyOptions pty)
            throws IOException {
        if (pty != null) {
            channel.setUsePty(true);
            channel.setPtyType(pty.term());
            channel.setPtyColumns(pty.columns());
            channel.setPtyLines(pty.rows());
            if (!pty.modes().isEmpty()) {
                java.util.Map<org.apache.sshd.common.channel.PtyMode, Integer> modes =
                        new java.util.EnumMap<>(org.apache.sshd.common.channel.PtyMode.class);
                modes.putAll(channel.getPtyModes());
                modes.putAll(pty.modes());
                channel.setPtyModes(modes);
            }
        } else {
            channel.setUsePty(false);
        }
        OpenFuture opening = channel.open();
        try {
            opening.verify(OPEN_TIMEOUT);
        } catch (IOException e) {
            if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
                throw interrupted(channel, opening, OPEN_TIMEOUT, command, e);
            }
            channel.close(true);
            SandgateSshException lost = SshFailures.lost(description.get(), record, session.isOpen(), e);
            throw lost != null ? lost : new SandgateSshException("Starting a command failed (" + description.get()
                    + "): " + e.getMessage(), e);
        }
        return new RemoteProcess(channel, command, mergeStderr, record, description, sessionId);
    }

    /** The command line with its setup, encoded, if a server's shell can take it as one argument. */
    private static byte[] commandLine(String command, String directory, Map<String, String> environment,
            Charset charset) {
        byte[] encoded = ShellWords.withSetup(command, directory, environment).getBytes(charset);
        if (encoded.length > MAX_COMMAND_BYTES) {
            throw new IllegalArgumentException("The command line is " + encoded.length + " bytes, more than the "
                    + MAX_COMMAND_BYTES + " a server's shell can take as one argument; pass large input on stdin"
                    + " instead: " + abbreviate(command));
        }
        return encoded;
    }

    /**
     * Writes the input and then EOF. With no input only the EOF is sent, at once; with input, a thread of its own
     * writes it, so that a command that never reads cannot hold the caller past the time limit.
     */
    private Thread feedStdin(ChannelExec channel, byte[] input, java.io.InputStream stream) {
        OutputStream in = channel.getInvertedIn();
        if (input.length == 0 && stream == null) {
            closeQuietly(in);
            return null;
        }
        Thread feeder = new Thread(() -> {
            try {
                if (stream != null) {
                    stream.transferTo(in);
                } else {
                    in.write(input);
                }
                in.flush();
            } catch (IOException stopped) {
                // the command ended (or stopped reading and was closed) before taking all its input
            } finally {
                closeQuietly(in);
            }
        }, "sandgate-stdin " + sessionId);
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    private static void closeQuietly(OutputStream in) {
        try {
            in.close();
        } catch (IOException alreadyClosed) {
            // the command finished before its input was closed: nothing was waiting for the EOF
        }
    }

    /** The signal's number on Linux, from its SSH name ("TERM"); 0 for one MINA does not know. */
    static int signalNumber(String signal) {
        org.apache.sshd.server.Signal known = org.apache.sshd.server.Signal.get(signal);
        return known == null ? 0 : known.getNumeric();
    }

    static String abbreviate(String command) {
        String line = command.replaceAll("[\\r\\n]+", " ");
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
