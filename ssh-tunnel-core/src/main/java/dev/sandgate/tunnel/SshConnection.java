package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.cert.IssuedCertificate;

/**
 * An authenticated SSH connection to one sandbox session, opened by {@link SandboxSsh#connect(String)}.
 * Thread-safe: many commands may run at once, each on its own SSH channel.
 *
 * <pre>{@code
 * try (SshConnection connection = ssh.connect(sessionId)) {
 *     ExecResult result = connection.exec("uname -a");
 *     System.out.println(result.exitCode() + ": " + result.stdoutText());
 * }
 * }</pre>
 */
public final class SshConnection implements Closeable {
    /** The time limit of {@link #exec(String)}. */
    public static final Duration DEFAULT_EXEC_TIMEOUT = ExecOptions.DEFAULT_TIMEOUT;

    private final String sessionId;
    private final Reconnector reconnector;
    private final ReconnectPolicy policy;
    private final ReconnectRounds<Attached> rounds;
    private final StatsRecorder stats;
    private volatile Attached attached;
    private volatile boolean closed;

    /** Opens a new link to the same session, as {@link SandboxSsh#connect} does. */
    @FunctionalInterface
    interface Reconnector {
        Link open() throws IOException;
    }

    /** One link with what works on it. */
    private static final class Attached {
        final Link link;
        final Commands commands;
        final Forwarding forwarding;

        Attached(String sessionId, Link link, java.util.function.Supplier<String> description, StatsRecorder stats) {
            this.link = link;
            this.commands = new Commands(sessionId, link.session(), link.record(), description, stats);
            this.forwarding = new Forwarding(link.session(), link.record(), description,
                    link.issued() == null || link.issued().permissions().portForwarding());
        }
    }

    SshConnection(String sessionId, Link link, Reconnector reconnector, ReconnectPolicy policy,
            ConnectionListener listener, StatsRecorder stats) {
        this.sessionId = sessionId;
        this.reconnector = reconnector;
        this.policy = policy;
        this.stats = stats;
        this.attached = new Attached(sessionId, link, this::describe, stats);
        this.rounds = new ReconnectRounds<>(sessionId, policy, listener, stats, this::describe, this::openAndPublish);
    }

    /**
     * Runs a command with the {@linkplain ExecOptions#defaults() default options} and collects its output.
     *
     * @param command the command line, run by the remote shell
     * @return the command's exit code and output
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ExecResult exec(String command) throws IOException {
        return exec(command, ExecOptions.defaults());
    }

    /**
     * Runs a command with the default options but this time limit.
     *
     * @param command the command line, run by the remote shell
     * @param timeout how long the command may run before it is stopped; positive
     * @return the command's exit code and output
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ExecResult exec(String command, Duration timeout) throws IOException {
        return exec(command, ExecOptions.builder().timeout(timeout).build());
    }

    /**
     * Runs a command through the server's shell (so pipes and quoting work), waits for it to finish within the
     * options' time limit, and returns its exit code and output (each stream kept up to
     * {@link ExecOptions#maxOutput()}, the rest counted and dropped).
     *
     * @param command the command line, run by the remote shell
     * @param options how to run it
     * @return the command's exit code and output
     * @throws CommandTimeoutException  if it runs longer; the command's channel is closed
     * @throws java.io.InterruptedIOException if the calling thread is interrupted (as {@code Future.cancel(true)}
     *                                  does): it returns at once with its interrupt flag kept, while the command gets
     *                                  TERM, KILL two seconds later, and its channel is closed
     * @throws SandgateSshException     if the connection fails meanwhile
     * @throws IllegalArgumentException if the command line is longer than a server's shell takes (128 KiB)
     */
    public ExecResult exec(String command, ExecOptions options) throws IOException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(options, "options");
        return attached().commands.exec(command, options);
    }

    /**
     * Runs a program with these arguments, each quoted so that the remote shell passes it on as one word:
     * {@code exec(List.of("ls", "-l", "a file"))}.
     *
     * @param arguments the program and its arguments, each one word
     * @return the command's exit code and output
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ExecResult exec(List<String> arguments) throws IOException {
        return exec(arguments, ExecOptions.defaults());
    }

    /**
     * Runs a program with these arguments, quoted as {@link #exec(List)} does, with these options.
     *
     * @param options how to run it
     * @param arguments the program and its arguments, each one word
     * @return the command's exit code and output
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ExecResult exec(List<String> arguments, ExecOptions options) throws IOException {
        return exec(ShellWords.join(List.copyOf(arguments)), options);
    }

    /**
     * Starts a command through the server's shell and returns it running: its streams are read and written as it
     * goes. See {@link RemoteProcess}.
     *
     * @param command the command line, run by the remote shell
     * @return the running process
     * @throws SandgateSshException if the connection is closed or the server refuses the channel
     */
    public RemoteProcess start(String command) throws IOException {
        return processBuilder(command).start();
    }

    /**
     * A builder for a running command with an environment, a working directory or stderr merged into stdout.
     *
     * @param command the command line, run by the remote shell
     * @return a builder for a running command with an environment, a working directory or stderr merged into stdout
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public RemoteProcessBuilder processBuilder(String command) throws IOException {
        Objects.requireNonNull(command, "command");
        attached();
        return new RemoteProcessBuilder(command, this);
    }

    /**
     * As {@link #processBuilder(String)}, for a program and its arguments, each quoted as one word.
     *
     * @param arguments the program and its arguments, each one word
     * @return the remote process builder
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public RemoteProcessBuilder processBuilder(List<String> arguments) throws IOException {
        return processBuilder(ShellWords.join(List.copyOf(arguments)));
    }

    /**
     * Opens an interactive login shell on a pseudo-terminal, as {@code ssh} does in a terminal: raw bytes both ways
     * through {@link RemoteProcess#getOutputStream()} and {@link RemoteProcess#getInputStream()}, and
     * {@link RemoteProcess#resize} when the window changes.
     *
     * @param pty the terminal type, size and modes the shell sees
     * @return the running process
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public RemoteProcess openTerminal(PtyOptions pty) throws IOException {
        Objects.requireNonNull(pty, "pty");
        Attached current = attached();
        checkPtyPermitted(current);
        return current.commands.terminal(pty);
    }

    /**
     * Opens a shell whose {@code cd} and exported variables persist from one command to the next. See
     * {@link ShellSession}.
     *
     * @return a {@code /bin/sh} on its own channel, which the caller closes
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ShellSession openShell() throws IOException {
        return new ShellSession(start("exec /bin/sh"), sessionId);
    }

    /**
     * Runs a piece of code as the sandbox SDKs' {@code run_code} does: the code goes to the interpreter on stdin
     * ({@code python3 -}, {@code node -}, {@code bash -s}), with this time limit.
     *
     * @param language which interpreter runs it
     * @param code the program's source, sent on stdin
     * @param timeout how long the interpreter may run before it is stopped; positive
     * @return the command's exit code and output
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public ExecResult runCode(CodeLanguage language, String code, Duration timeout) throws IOException {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(code, "code");
        return exec(language.interpreter(), ExecOptions.builder().stdin(code).timeout(timeout).build());
    }

    /**
     * Listens on {@code 127.0.0.1:localPort} (0 for any free port) and carries each connection to {@code host:port}
     * as seen from inside the sandbox: the sandbox SDKs' {@code expose_port}, from this side.
     *
     * @param localPort the local port, 0 for any free one
     * @param host the host name or address
     * @param port the port number
     * @return the open forward; close it to stop
     * @throws ForwardingRefusedException if the session's certificate does not permit port forwarding
     */
    public PortForward forwardLocal(int localPort, String host, int port) throws IOException {
        return attached().forwarding.local(localPort, host, port);
    }

    /**
     * Has the server listen on {@code 127.0.0.1:remotePort} inside the sandbox (0 for any free port, reported by
     * {@link PortForward#boundAddress()}) and carries each connection to {@code host:port} as seen from this machine.
     *
     * @param remotePort the port to reach from the sandbox
     * @param host the host name or address
     * @param port the port number
     * @return the open forward; close it to stop
     * @throws ForwardingRefusedException if the server refuses (not permitted, or the port is taken)
     */
    public PortForward forwardRemote(int remotePort, String host, int port) throws IOException {
        return attached().forwarding.remote(remotePort, host, port);
    }

    /**
     * A SOCKS5 proxy on {@code 127.0.0.1:localPort} whose connections leave from inside the sandbox.
     *
     * @param localPort the local port, 0 for any free one
     * @return a SOCKS5 proxy on {@code 127.0.0.1:localPort} whose connections leave from inside the sandbox
     * @throws IOException if the tunnel, the connection or the server fails
     */
    public PortForward forwardDynamic(int localPort) throws IOException {
        return attached().forwarding.dynamic(localPort);
    }

    /**
     * Opens a TCP connection to {@code host:port} as seen from inside the sandbox, as streams, with no local port.
     *
     * @param host the host name or address
     * @param port the port number
     * @return the remote stream
     * @throws ForwardingRefusedException if forwarding is not permitted or nothing accepts connections there
     */
    public RemoteStream openStream(String host, int port) throws IOException {
        return attached().forwarding.stream(host, port);
    }

    /**
     * The link to work on: the current one while it is open; after a loss, the outcome of the reconnect round in
     * flight (or of a new one) when the policy says so; otherwise a typed failure saying how it ended.
     */
    private Attached attached() throws IOException {
        Attached current = attached;
        if (current.link.session().isOpen()) {
            return current;
        }
        if (closed) {
            throw new SandgateSshException("The connection is closed (" + describe() + ")");
        }
        if (!policy.enabled() || !current.link.lost()) {
            throw ended(current.link);
        }
        return rounds.join(current, () -> attached);
    }

    /** One reconnect attempt: a new link, published unless {@link #close()} ran meanwhile. */
    private Attached openAndPublish() throws IOException {
        Link link = reconnector.open();
        Attached fresh = new Attached(sessionId, link, this::describe, stats);
        attached = fresh;
        if (closed) {
            // close() ran meanwhile and may have closed the old link: the new one is not to outlive it
            link.session().close(true);
            throw new SandgateSshException("The connection was closed while reconnecting (" + describe() + ")");
        }
        return fresh;
    }

    /** A PTY the mint answer did not grant is refused here, since a server refuses one silently. */
    private void checkPtyPermitted(Attached current) throws PtyRefusedException {
        if (current.link.issued() != null && !current.link.issued().permissions().pty()) {
            throw new PtyRefusedException("A terminal (PTY) is not permitted for " + describe()
                    + ": the session's certificate does not grant it; run commands without one (exec, start,"
                    + " openShell)");
        }
    }

    /** The commands of the current link; with {@code pty}, only if the session's grant has a PTY. */
    Commands commandsFor(boolean pty) throws IOException {
        Attached current = attached();
        if (pty) {
            checkPtyPermitted(current);
        }
        return current.commands;
    }

    private SandgateSshException ended(Link link) {
        SandgateSshException lost = SshFailures.lost(describe(), link.record(), false, null);
        return lost != null && link.lost() ? lost
                : new SandgateSshException("The connection is closed (" + describe() + ")");
    }

    /**
     * The sandbox session this connection reaches.
     *
     * @return the sandbox session this connection reaches
     */
    public String sessionId() {
        return sessionId;
    }

    /**
     * What the API returned when this connection's certificate was minted; empty when nothing was minted.
     *
     * @return what the API returned when this connection's certificate was minted; empty when nothing was minted
     */
    public Optional<IssuedCertificate> issuedCertificate() {
        return Optional.ofNullable(attached.link.issued());
    }

    /**
     * Whether the current SSH session is open. After a loss it is false until the next operation reconnects, when
     * the {@link ReconnectPolicy} allows that.
     *
     * @return whether the current SSH session is open
     */
    public boolean isOpen() {
        return attached.link.session().isOpen();
    }

    /**
     * The current underlying MINA SSHD session, for what this class does not offer (a reconnect replaces it).
     * Closing it closes this connection.
     *
     * @return the current underlying MINA SSHD session, for what this class does not offer (a reconnect replaces it)
     */
    public ClientSession clientSession() {
        return attached.link.session();
    }

    /**
     * The current MINA session, re-established first when the connection was lost and its {@link ReconnectPolicy}
     * allows a reconnect, as every operation of this class does; for layers built on the MINA session (Sandgate's
     * SFTP file system) that must follow a reconnect.
     *
     * <pre>{@code
     * ClientSession session = connection.liveClientSession();   // after a loss: the new connection's session
     * }</pre>
     *
     * @return the open MINA session of this connection
     * @throws IOException as any operation: the connection is closed, or lost and not re-established
     */
    public ClientSession liveClientSession() throws IOException {
        return attached().link.session();
    }

    /**
     * Whether the next operation would re-establish this connection if it were lost: it was not closed, its
     * {@link ReconnectPolicy} allows attempts, and its session is open or ended by a loss (the attempts may still
     * fail). False when the session was closed rather than lost.
     *
     * @return whether a loss of this connection is followed by a reconnect on the next operation
     */
    public boolean canReconnect() {
        Link link = attached.link;
        return !closed && policy.enabled() && (link.session().isOpen() || link.lost());
    }

    private String describe() {
        Attached current = attached;
        return "session " + sessionId + " over " + (current == null ? "(opening)" : current.link.tunnelDescription());
    }

    /** Closes the SSH connection and its tunnel. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        rounds.close();
        // a reconnect that publishes a new link after this re-checks closed and closes that link itself
        attached.link.session().close();
    }

    @Override
    public String toString() {
        return "SshConnection{" + describe() + (isOpen() ? "" : ", closed") + "}";
    }
}
