package dev.sandgate.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.tunnel.internal.ConnectionRecord;

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
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(10);

    private final String sessionId;
    private final ClientSession session;
    private final IssuedCertificate issued;
    private final String tunnelDescription;
    private final ConnectionRecord record;

    SshConnection(String sessionId, ClientSession session, IssuedCertificate issued, String tunnelDescription,
            ConnectionRecord record) {
        this.sessionId = sessionId;
        this.record = record;
        this.session = session;
        this.issued = issued;
        this.tunnelDescription = tunnelDescription;
    }

    /** Runs a command with the default time limit of 10 minutes and collects its output. */
    public ExecResult exec(String command) throws IOException {
        return exec(command, DEFAULT_EXEC_TIMEOUT);
    }

    /**
     * Runs a command (through the server's shell, so pipes and quoting work) with no input, waits for it to finish
     * within {@code timeout}, and returns its exit code and output.
     *
     * @throws CommandTimeoutException if it runs longer; the command's channel is closed
     * @throws SandgateSshException    if the connection fails meanwhile
     */
    public ExecResult exec(String command, Duration timeout) throws IOException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        ensureOpen();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(stdout);
            channel.setErr(stderr);
            channel.open().verify(timeout);
            closeStdin(channel);
            long remaining = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), remaining);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                channel.close(true);
                throw new CommandTimeoutException(abbreviate(command), timeout);
            }
            Integer status = channel.getExitStatus();
            if (status == null) {
                String signal = channel.getExitSignal();
                if (signal == null) {
                    SandgateSshException lost = SshFailures.lost(describe(), record, session.isOpen(), null);
                    throw lost != null ? lost : new SandgateSshException("The command's channel closed without an"
                            + " exit status (" + describe() + "): " + abbreviate(command));
                }
                status = 128 + signalNumber(signal);
            }
            return new ExecResult(status, stdout.toByteArray(), stderr.toByteArray());
        } catch (SandgateSshException e) {
            throw e;
        } catch (IOException e) {
            SandgateSshException lost = SshFailures.lost(describe(), record, session.isOpen(), e);
            throw lost != null ? lost : new SandgateSshException("Running a command failed (" + describe() + "): "
                    + e.getMessage(), e);
        }
    }

    /** Sends EOF on stdin, so commands that read it end; a command that has already finished needs none. */
    private static void closeStdin(ChannelExec channel) {
        try {
            channel.getInvertedIn().close();
        } catch (IOException alreadyClosed) {
            // the command finished before its input was closed: nothing was waiting for the EOF
        }
    }

    private void ensureOpen() throws SandgateSshException {
        if (!session.isOpen()) {
            SandgateSshException lost = SshFailures.lost(describe(), record, false, null);
            throw lost != null && (record.tunnelEnded() || record.keepAliveFailure() != null) ? lost
                    : new SandgateSshException("The connection is closed (" + describe() + ")");
        }
    }

    private static int signalNumber(String signal) {
        switch (signal) {
            case "HUP": return 1;
            case "INT": return 2;
            case "QUIT": return 3;
            case "KILL": return 9;
            case "SEGV": return 11;
            case "PIPE": return 13;
            case "ALRM": return 14;
            case "TERM": return 15;
            default: return 0;
        }
    }

    private static String abbreviate(String command) {
        return command.length() <= 120 ? command : command.substring(0, 120) + "...";
    }

    /** The sandbox session this connection reaches. */
    public String sessionId() {
        return sessionId;
    }

    /** What the API returned when this connection's certificate was minted; empty when nothing was minted. */
    public Optional<IssuedCertificate> issuedCertificate() {
        return Optional.ofNullable(issued);
    }

    public boolean isOpen() {
        return session.isOpen();
    }

    /**
     * The underlying MINA SSHD session, for what this class does not offer yet (SFTP, forwarding, shells). Closing
     * it closes this connection.
     */
    public ClientSession clientSession() {
        return session;
    }

    private String describe() {
        return "session " + sessionId + " over " + tunnelDescription;
    }

    /** Closes the SSH connection and its tunnel. Idempotent. */
    @Override
    public void close() throws IOException {
        session.close();
    }

    @Override
    public String toString() {
        return "SshConnection{" + describe() + (isOpen() ? "" : ", closed") + "}";
    }
}
