package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;

import dev.sandgate.tunnel.internal.ConnectionRecord;

/**
 * A command running in the sandbox, as a {@link Process}: write its stdin, read its stdout and stderr as they come,
 * wait for it, signal it. Made by {@link SshConnection#start(String)} or a {@link RemoteProcessBuilder}.
 *
 * <pre>{@code
 * RemoteProcess process = connection.start("python3 -u server.py");
 * try (BufferedReader lines = process.inputReader()) {
 *     System.out.println(lines.readLine());
 * }
 * process.destroy();                       // TERM to its whole process group
 * int status = process.waitFor();          // 143: ended by TERM
 * }</pre>
 *
 * <p>Output is held only up to the SSH channel's window (2 MiB by default): a reader that stops reading stops the
 * remote command's output, as a local pipe would, so a gigabyte read slowly costs no memory. As with a local
 * process, a command whose output nobody reads may block once the window is full.
 *
 * <p>{@link #exitValue()} is the command's exit status, or 128 + n when signal n ended it; 255 when the connection
 * ended before the server reported either (as OpenSSH's {@code ssh} exits then), which {@link #connectionLost()}
 * tells apart. Output cut short by a lost connection is never a clean end of file: once the bytes that did arrive are
 * read, stdout and stderr throw {@link ConnectionLostException}.
 *
 * <p>A reader or waiter that is interrupted (as {@code Future.cancel(true)} does) stops the command: it gets TERM,
 * KILL if it has not ended within two seconds, and its channel is closed, while the caller returns at once: a read
 * with {@link java.io.InterruptedIOException} and the thread's interrupt flag still set, {@link #waitFor()} with the
 * {@link InterruptedException} that {@link Process} declares. {@code waitFor(timeout, unit)} running out of time
 * stops nothing.
 */
public final class RemoteProcess extends Process {
    private final PtyCapableChannelSession channel;
    private final String command;
    private final boolean merged;
    private final String sessionId;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CompletableFuture<Process> exited = new CompletableFuture<>();
    private final InputStream stdout;
    private final InputStream stderr;
    private volatile boolean lost;

    RemoteProcess(PtyCapableChannelSession channel, String command, boolean merged, ConnectionRecord record,
            Supplier<String> description, String sessionId) {
        this.channel = channel;
        this.command = command;
        this.merged = merged;
        this.sessionId = sessionId;
        ChannelStreams streams = new ChannelStreams(channel, record, description,
                this::stopInBackground);
        String shown = Commands.abbreviate(command);
        this.stdout = streams.input(channel.getInvertedOut(), "the output of " + shown);
        this.stderr = merged ? InputStream.nullInputStream()
                : streams.input(channel.getInvertedErr(), "the error output of " + shown);
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel changed, String hint) {
                settleIfReported();
            }

            @Override
            public void channelClosed(Channel closed, Throwable reason) {
                settleOnClose();
            }
        });
        if (!channel.isOpen()) {
            // a command that ended before the listener was added (MINA adds none to a closing channel)
            settleOnClose();
        }
    }

    /** The channel closed: with the status the server reported, or none, lost if the session went first. */
    private void settleOnClose() {
        if (!settleIfReported()) {
            lost = !channel.getSession().isOpen();
            exit.complete(null);
        }
        exited.complete(this);
    }

    /** Completes the exit once the server has reported a status or a signal; whether it has. */
    private boolean settleIfReported() {
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        if (status != null) {
            exit.complete(status);
        } else if (signal != null) {
            exit.complete(128 + Commands.signalNumber(signal));
        }
        return exit.isDone() && exit.join() != null;
    }

    /** The command's stdin; closing it sends end of file. Writes wait while the remote side's window is full. */
    @Override
    public OutputStream getOutputStream() {
        return channel.getInvertedIn();
    }

    /**
     * The command's stdout (with stderr merged into it when the builder asked for that): end of file when the
     * command closed it; {@link ConnectionLostException} after the bytes that arrived when the connection was lost
     * first.
     */
    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    /** The command's stderr, as {@link #getInputStream()}; an empty stream when stderr is merged into stdout. */
    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    /**
     * Waits for the command to end; if interrupted, stops it (TERM, then KILL) and throws at once.
     *
     * @return the exit value, as {@link #exitValue()}: 255 when the connection was lost ({@link #connectionLost()})
     * @throws InterruptedException if interrupted while waiting; the command is stopped
     */
    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exitValueOf(exit.get());
        } catch (InterruptedException e) {
            throw stopOn(e);
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Waits at most {@code timeout} for the command to end (running out of time stops nothing); if interrupted,
     * stops it (TERM, then KILL) and throws at once.
     *
     * @throws InterruptedException if interrupted while waiting; the command is stopped
     */
    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            throw stopOn(e);
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private InterruptedException stopOn(InterruptedException e) {
        stopInBackground();
        return e;
    }

    /** TERM, then KILL, then the channel closed, while an interrupted caller returns at once. */
    private void stopInBackground() {
        RemoteSignals.stopInBackground(channel, null, null, sessionId);
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("The remote command is still running: " + Commands.abbreviate(command));
        }
        return exitValueOf(exit.join());
    }

    private static int exitValueOf(Integer status) {
        return status == null ? 255 : status;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Completes when the command has ended and its channel is closed. */
    @Override
    public CompletableFuture<Process> onExit() {
        return exited;
    }

    /**
     * The signal that ended the command ("TERM", "KILL", ...), once it ended of one.
     *
     * @return the signal that ended the command ("TERM", "KILL", ...), once it ended of one
     */
    public Optional<String> exitSignal() {
        return Optional.ofNullable(channel.getExitSignal());
    }

    /**
     * Whether the connection ended before the server reported how the command ended; false while it runs, and for a
     * command that ended, of itself or by a signal, with its connection still open.
     *
     * <pre>{@code
     * int status = process.waitFor();
     * if (process.connectionLost()) { ... status is 255 and says nothing about the command ... }
     * }</pre>
     *
     * @return whether the connection ended before the server reported how the command ended
     */
    public boolean connectionLost() {
        return exit.isDone() && exit.join() == null && lost;
    }

    /**
     * Sends a signal ("INT", "HUP", "USR1", ... without "SIG") to the command's process group.
     *
     * @param signal a signal name without {@code SIG}; the server does not answer, so one it ignores or does not
     *        know goes unreported, and after the command ended nothing is sent
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public void signal(String signal) throws IOException {
        RemoteSignals.send(channel, signal);
    }

    /**
     * Tells the server the terminal's new size (a window-change request), for a process started with a PTY.
     *
     * @param rows the height in lines
     * @param columns the width in characters
     * @throws IllegalStateException if it has no PTY
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public void resize(int columns, int rows) throws IOException {
        if (!channel.isUsePty()) {
            throw new IllegalStateException("This process has no terminal to resize; start it with a PTY: "
                    + Commands.abbreviate(command));
        }
        channel.sendWindowChange(PtyOptions.dimension(columns, "columns"), PtyOptions.dimension(rows, "rows"));
    }

    /**
     * Whether it runs with a pseudo-terminal (its stderr then comes through the terminal, with stdout).
     *
     * @return whether it runs with a pseudo-terminal (its stderr then comes through the terminal, with stdout)
     */
    public boolean hasPty() {
        return channel.isUsePty();
    }

    /** Sends TERM to the command's process group. */
    @Override
    public void destroy() {
        signalQuietly("TERM");
    }

    /** Sends KILL to the command's process group, then closes its channel, whether or not the server obeys. */
    @Override
    public Process destroyForcibly() {
        signalQuietly("KILL");
        channel.close(false);
        return this;
    }

    private void signalQuietly(String signal) {
        try {
            RemoteSignals.send(channel, signal);
        } catch (IOException connectionGone) {
            // the process ends with its connection
        }
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /** The remote process has no pid this side can use. */
    @Override
    public long pid() {
        throw new UnsupportedOperationException("A remote command has no local pid: " + Commands.abbreviate(command));
    }

    @Override
    public String toString() {
        return "RemoteProcess{" + Commands.abbreviate(command) + (isAlive() ? ", running" : ", exited " + exitValue())
                + "}";
    }
}
