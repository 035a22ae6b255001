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
 *
 * <p>With a PTY (the client sent {@code pty-req}) the command runs under util-linux's {@code script}, which gives it
 * a real pseudo-terminal of the size asked for; a {@code window-change} sets the terminal's size, and the kernel
 * tells the foreground job (SIGWINCH). A {@code shell} request (no command) runs {@code /bin/sh -i}.
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

    /** @param command the exec request's command, or null for a shell request */
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
        String term = env.getEnv().get(Environment.ENV_TERM);
        boolean pty = term != null;
        String shellCommand = command == null ? "exec /bin/sh -i" : command;
        if (pty) {
            shellCommand = "script -qfec " + quote("stty rows " + size(env, Environment.ENV_LINES) + " cols "
                    + size(env, Environment.ENV_COLUMNS) + " 2>/dev/null; " + shellCommand) + " /dev/null";
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessGroups.leaderCommand(shellCommand))
                .directory(directory.toFile());
        // a clean environment: the test JVM's own (tokens, CI secrets) must not show in a session's `env`
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("HOME", directory.toString());
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.put("LANG", "C.UTF-8");
        environment.put("SHELL", "/bin/sh");
        if (pty) {
            environment.put("TERM", term.isEmpty() ? "dumb" : term);
        }
        Process started = builder.start();
        process = started;
        groups.add(started);
        // kill(1) and stty(1) are processes to wait for: never on MINA's I/O threads, which serve every session
        env.addSignalListener((signalled, signal) -> {
            if (signal == org.apache.sshd.server.Signal.WINCH) {
                if (pty) {
                    int rows = size(env, Environment.ENV_LINES);
                    int columns = size(env, Environment.ENV_COLUMNS);
                    offIoThread(() -> resize(started, rows, columns));
                }
                return;
            }
            offIoThread(() -> ProcessGroups.signal(started.pid(), signal.name()));
        });
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

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** A terminal dimension from the pty request, or a sensible one when the client sent none. */
    private static int size(Environment env, String name) {
        try {
            int value = Integer.parseInt(env.getEnv().getOrDefault(name, "0"));
            return value > 0 ? value : (Environment.ENV_LINES.equals(name) ? 24 : 80);
        } catch (NumberFormatException e) {
            return Environment.ENV_LINES.equals(name) ? 24 : 80;
        }
    }

    /** Sets the size of the terminal {@code script} made: the one its descendants have as stdin. */
    private static void resize(Process started, int rows, int columns) {
        started.descendants().map(ShellExecCommand::terminalOf).filter(java.util.Objects::nonNull).findFirst()
                .ifPresent(terminal -> {
                    try {
                        Process stty = new ProcessBuilder("stty", "-F", terminal.toString(), "rows", Integer.toString(rows),
                                "cols", Integer.toString(columns)).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        stty.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (IOException e) {
                        // no stty: the size stays
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
    }

    /** The pseudo-terminal a process reads, or null when its stdin is something else (or it is gone). */
    private static Path terminalOf(ProcessHandle process) {
        try {
            Path stdin = java.nio.file.Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "fd", "0"));
            return stdin.startsWith("/dev/pts/") ? stdin : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
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
            offIoThread(() -> ProcessGroups.killTree(running));
        }
    }

    /** Runs on the session's pump threads; here when they have stopped (the gateway is closing). */
    private void offIoThread(Runnable task) {
        try {
            pumps.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            task.run();
        }
    }
}
