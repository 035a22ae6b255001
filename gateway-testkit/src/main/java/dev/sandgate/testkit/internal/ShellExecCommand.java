package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * Runs an exec request as {@code /bin/sh -c <command>} in the session's directory, passing the exit status back. The
 * command runs as the JVM's own user with a clean environment ({@code HOME}, {@code PATH}, {@code LANG}, {@code SHELL}):
 * the LocalGateway is a test double, not a sandbox. It leads a process group of its own: an SSH {@code signal} request
 * reaches the whole group, as with OpenSSH's sshd, and a channel closed while it runs kills the group.
 */
final class ShellExecCommand implements Command {
    private final String command;
    private final Path directory;
    private final ExecutorService pumps;
    private final ProcessGroups groups;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exitCallback;
    private volatile Process process;

    ShellExecCommand(String command, Path directory, ExecutorService pumps, ProcessGroups groups) {
        this.groups = groups;
        this.command = command;
        this.directory = directory;
        this.pumps = pumps;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exitCallback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessGroups.leaderCommand(command)).directory(directory.toFile());
        // a clean environment: the test JVM's own (tokens, CI secrets) must not show in a session's `env`
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("HOME", directory.toString());
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.put("LANG", "C.UTF-8");
        environment.put("SHELL", "/bin/sh");
        Process started = builder.start();
        process = started;
        groups.add(started.pid());
        env.addSignalListener((signalled, signal) -> ProcessGroups.signal(started.pid(), signal.name()));
        CountDownLatch outputsDone = new CountDownLatch(2);
        pumps.execute(() -> copy(started.getInputStream(), out, outputsDone));
        pumps.execute(() -> copy(started.getErrorStream(), err, outputsDone));
        pumps.execute(() -> feedStdin(started));
        pumps.execute(() -> {
            try {
                int status = started.waitFor();
                outputsDone.await();
                exitCallback.onExit(status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exitCallback.onExit(255, "interrupted");
            }
        });
    }

    private static void copy(InputStream from, OutputStream to, CountDownLatch done) {
        byte[] buffer = new byte[32 * 1024];
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the channel closed under us; the exit callback still reports the status
        } finally {
            done.countDown();
        }
    }

    private void feedStdin(Process started) {
        byte[] buffer = new byte[32 * 1024];
        try (OutputStream stdin = started.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                stdin.write(buffer, 0, n);
                stdin.flush();
            }
        } catch (IOException e) {
            // the process stopped reading or the channel closed: nothing more to feed
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process running = process;
        if (running != null && running.isAlive()) {
            // the channel closed before the command ended: end it with all it started
            ProcessGroups.signal(running.pid(), "KILL");
            running.destroyForcibly();
        }
    }
}
