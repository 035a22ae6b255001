package dev.sandgate.tunnel;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a {@link RemoteProcess} the way {@link ProcessBuilder} starts a local one: environment, working directory,
 * stderr merged or not. Made by {@link SshConnection#processBuilder(String)}.
 *
 * <pre>{@code
 * RemoteProcess build = connection.processBuilder("make -j4")
 *         .directory("project")
 *         .environment("CI", "true")
 *         .redirectErrorStream(true)
 *         .start();
 * build.getInputStream().transferTo(System.out);
 * System.out.println("exit " + build.waitFor());
 * }</pre>
 */
public final class RemoteProcessBuilder {
    private final String command;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String directory;
    private boolean redirectErrorStream;
    private Charset charset = StandardCharsets.UTF_8;
    private PtyOptions pty;

    private final SshConnection connection;

    RemoteProcessBuilder(String command, SshConnection connection) {
        this.connection = connection;
        this.command = Objects.requireNonNull(command, "command");
    }

    /**
     * Sets a variable for the command (set by the remote shell, as {@link ExecOptions.Builder#environment} is).
     *
     * @param value the variable's value, any text without NUL
     * @param name letters, digits and {@code _}, not starting with a digit; set again, it replaces the value
     * @return this builder
     */
    public RemoteProcessBuilder environment(String name, String value) {
        // the same checks as ExecOptions, naming the bad value
        ExecOptions.builder().environment(name, value);
        environment.put(name, value);
        return this;
    }

    /**
     * The directory the command starts in (relative ones are from the user's home).
     *
     * @param path an absolute path, or one relative to the home; when the shell cannot change to it, the command
     *        does not run and the process ends with {@code cd}'s exit status
     * @return this builder
     */
    public RemoteProcessBuilder directory(String path) {
        ExecOptions.builder().workingDirectory(path);
        this.directory = path;
        return this;
    }

    /**
     * Whether stderr goes into stdout ({@link Process#getErrorStream()} is then empty), as ProcessBuilder's does.
     *
     * @param merge true to send stderr into stdout; false (the default) keeps them apart
     * @return this builder
     */
    public RemoteProcessBuilder redirectErrorStream(boolean merge) {
        this.redirectErrorStream = merge;
        return this;
    }

    /**
     * Runs the command on a pseudo-terminal (as {@code ssh -t} does): programs see a terminal of this size, and
     * stderr comes through it together with stdout.
     *
     * @param options how to run it
     * @return this builder
     */
    public RemoteProcessBuilder pty(PtyOptions options) {
        this.pty = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * How the command line is encoded; UTF-8 by default.
     *
     * @param encoding the charset the command line is sent in
     * @return this builder
     */
    public RemoteProcessBuilder charset(Charset encoding) {
        this.charset = Objects.requireNonNull(encoding, "encoding");
        return this;
    }

    /**
     * Starts the command on its own SSH channel.
     *
     * @return the running process
     * @throws IllegalArgumentException if the command line is longer than a server's shell takes (128 KiB)
     * @throws PtyRefusedException      if a PTY was asked for and the session's certificate does not grant one
     * @throws SandgateSshException     if the channel cannot be opened (the connection is gone, or the server refuses)
     */
    public RemoteProcess start() throws IOException {
        // the connection's current link, taken now: a reconnect since the builder was made replaced the old one
        return connection.commandsFor(pty != null).start(command, directory, Map.copyOf(environment), redirectErrorStream, charset, pty);
    }
}
