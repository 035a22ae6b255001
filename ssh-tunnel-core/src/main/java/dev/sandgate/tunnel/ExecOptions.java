package dev.sandgate.tunnel;

import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link SshConnection#exec(String, ExecOptions)} runs a command: time limit, environment, working directory,
 * input, how much output to keep, and where to stream output as it arrives. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * ExecResult result = connection.exec("make test", ExecOptions.builder()
 *         .timeout(Duration.ofMinutes(5))
 *         .workingDirectory("/work/project")
 *         .environment("CI", "true")
 *         .streamStdout(System.out)                  // as it arrives, besides what the result keeps
 *         .maxOutput(1024 * 1024)                    // keep at most 1 MiB of each stream
 *         .build());
 * if (result.stdoutTruncated()) { ... }
 * }</pre>
 *
 * <p>The environment and the working directory are set by the remote shell (POSIX {@code sh} syntax) in front of the
 * command, so they work with any server: OpenSSH's sshd refuses most SSH {@code env} requests unless configured.
 * They travel inside the command line, so inside the sandbox they show in the shell's {@code /proc/<pid>/cmdline}
 * while it starts: pass a secret on {@link Builder#stdin} instead if other processes there must not see it.
 */
public final class ExecOptions {
    /** The default time limit: 10 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** The default of {@link Builder#maxOutput}: 16 MiB of each of stdout and stderr. */
    public static final int DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ExecOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final Map<String, String> environment;
    private final String workingDirectory;
    private final byte[] stdin;
    private final java.io.InputStream stdinStream;
    private final int maxOutput;
    private final OutputStream stdoutSink;
    private final OutputStream stderrSink;
    private final Charset charset;

    private ExecOptions(Builder builder) {
        this.timeout = builder.timeout;
        this.environment = Map.copyOf(builder.environment);
        this.workingDirectory = builder.workingDirectory;
        this.stdin = builder.stdin;
        this.stdinStream = builder.stdinStream;
        this.maxOutput = builder.maxOutput;
        this.stdoutSink = builder.stdoutSink;
        this.stderrSink = builder.stderrSink;
        this.charset = builder.charset;
    }

    /**
     * A 10-minute limit, no input, the server's environment and home directory, 16 MiB kept of each stream.
     *
     * @return a 10-minute limit, no input, the server's environment and home directory, 16 MiB kept of each stream
     */
    public static ExecOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a builder that starts from {@link #defaults()}} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return how long the command may run before it is stopped; {@link #DEFAULT_TIMEOUT} unless set} */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The variables set for the command, in no particular order.
     *
     * @return the variables set for the command, in no particular order
     */
    public Map<String, String> environment() {
        return environment;
    }

    /** {@return the directory the command starts in, or empty for the user's home directory} */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * What the command reads on stdin (then end of file); empty for none.
     *
     * @return what the command reads on stdin (then end of file); empty for none
     */
    public byte[] stdin() {
        return stdin.clone();
    }

    byte[] stdinBytes() {
        return stdin;
    }

    /**
     * The stream to feed on stdin instead of {@link #stdin()}, or empty.
     *
     * @return the stream to feed on stdin instead of {@link #stdin()}, or empty
     */
    public Optional<java.io.InputStream> stdinStream() {
        return Optional.ofNullable(stdinStream);
    }

    /**
     * How many bytes of each of stdout and stderr the result keeps; the rest is counted and dropped.
     *
     * @return how many bytes of each of stdout and stderr the result keeps; the rest is counted and dropped
     */
    public int maxOutput() {
        return maxOutput;
    }

    /** {@return the stream all of stdout is copied to as it arrives, or empty when only the result keeps it} */
    public Optional<OutputStream> stdoutSink() {
        return Optional.ofNullable(stdoutSink);
    }

    /** {@return the stream all of stderr is copied to as it arrives, or empty when only the result keeps it} */
    public Optional<OutputStream> stderrSink() {
        return Optional.ofNullable(stderrSink);
    }

    /**
     * How the command line is encoded and how {@link ExecResult#stdoutText()} decodes; UTF-8 by default.
     *
     * @return how the command line is encoded and how {@link ExecResult#stdoutText()} decodes; UTF-8 by default
     */
    public Charset charset() {
        return charset;
    }

    @Override
    public String toString() {
        // values of the environment may be secrets: only their names are shown
        return "ExecOptions{timeout=" + timeout + ", environment=" + environment.keySet()
                + (workingDirectory == null ? "" : ", workingDirectory=" + workingDirectory)
                + ", stdin=" + (stdinStream != null ? "a stream" : stdin.length + " bytes") + ", maxOutput=" + maxOutput + ", charset=" + charset + "}";
    }

    /** Builds {@link ExecOptions}; each setter checks its value at once and names what was wrong. */
    public static final class Builder {
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String workingDirectory;
        private byte[] stdin = new byte[0];
        private java.io.InputStream stdinStream;
        private int maxOutput = DEFAULT_MAX_OUTPUT;
        private OutputStream stdoutSink;
        private OutputStream stderrSink;
        private Charset charset = StandardCharsets.UTF_8;

        private Builder() {
        }

        /**
         * How long the command may run (default 10 minutes); past it, {@link CommandTimeoutException}.
         *
         * @param timeout how long the command may run before it is stopped; positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /**
         * Sets a variable for the command; the name must be a shell variable name.
         *
         * @param value the variable's value, any text without NUL; the shell receives it quoted, as it is
         * @param name letters, digits and {@code _}, not starting with a digit; set again, it replaces the value
         * @return this builder
         */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("An environment variable name is letters, digits and '_', not"
                        + " starting with a digit; got '" + name + "'");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("The value of environment variable " + name
                        + " contains a NUL character, which no environment can hold");
            }
            environment.put(name, value);
            return this;
        }

        /**
         * Sets each of these variables, as {@link #environment(String, String)} does.
         *
         * @param variables names and values to set
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /**
         * The directory the command starts in (relative ones are from the user's home); default the home.
         *
         * @param directory an absolute path, or one relative to the home; when the shell cannot change to it, the
         *        command does not run and the result carries {@code cd}'s exit status and message on stderr
         * @return this builder
         */
        public Builder workingDirectory(String directory) {
            Objects.requireNonNull(directory, "directory");
            if (directory.isEmpty() || directory.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("A working directory must be a non-empty path without NUL, got '"
                        + directory + "'");
            }
            this.workingDirectory = directory;
            return this;
        }

        /**
         * What the command reads on stdin, followed by end of file.
         *
         * @param input what to send on stdin
         * @return this builder
         */
        public Builder stdin(byte[] input) {
            this.stdin = Objects.requireNonNull(input, "input").clone();
            this.stdinStream = null;
            return this;
        }

        /**
         * What the command reads on stdin: this stream to its end, then end of file. It is read (on a thread of its
         * own) by the one exec these options are used for, and not closed. Give a stream that ends: a read still
         * blocked when the command has ended stays blocked until the stream yields, then the thread stops.
         *
         * @param input what to send on stdin
         * @return this builder
         */
        public Builder stdin(java.io.InputStream input) {
            this.stdinStream = Objects.requireNonNull(input, "input");
            this.stdin = new byte[0];
            return this;
        }

        /**
         * What the command reads on stdin, then end of file; encoded in the charset set so far (UTF-8 unless
         * {@link #charset} came first).
         *
         * @param input what to send on stdin
         * @return this builder
         */
        public Builder stdin(String input) {
            Objects.requireNonNull(input, "input");
            this.stdin = input.getBytes(charset);
            this.stdinStream = null;
            return this;
        }

        /**
         * How many bytes of each of stdout and stderr the result keeps (default 16 MiB); past that the command runs
         * on, its output is dropped and the result says it was truncated. Stream what must not be lost with
         * {@link #streamStdout}.
         *
         * @param bytes how many bytes to keep of each stream, 0 or more; 0 keeps none, and the counts stay exact
         * @return this builder
         */
        public Builder maxOutput(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxOutput must not be negative, got " + bytes);
            }
            this.maxOutput = bytes;
            return this;
        }

        /**
         * Copies all of stdout here as it arrives (however long), besides what the result keeps. The stream is
         * written from the connection's reader thread: a slow one slows the command's output, and it is not closed.
         *
         * @param sink the stream that receives every byte of stdout; left open when the command ends
         * @return this builder
         */
        public Builder streamStdout(OutputStream sink) {
            this.stdoutSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Copies all of stderr here as it arrives, as {@link #streamStdout} does for stdout.
         *
         * @param sink the stream that receives every byte of stderr; left open when the command ends
         * @return this builder
         */
        public Builder streamStderr(OutputStream sink) {
            this.stderrSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * The command line's encoding and the result's text decoding (default UTF-8).
         *
         * @param charset how the command line and a later {@code stdin(String)} are encoded, and the result's
         *        text decoded
         * @return this builder
         */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /** {@return a new {@code ExecOptions} with what was given to this builder} */
        public ExecOptions build() {
            return new ExecOptions(this);
        }
    }
}
