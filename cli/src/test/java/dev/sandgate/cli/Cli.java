package dev.sandgate.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.sandgate.testkit.LocalGateway;

/** Runs {@code sandgate} command lines in this JVM, as the launcher would, with a chosen environment and home. */
final class Cli {
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> environment = new HashMap<>();
    private final Path home;
    private byte[] stdin = new byte[0];
    private long stdoutLimit = Long.MAX_VALUE;

    Cli(Path home) {
        this.home = home;
    }

    /** A command line pointed at this gateway through the environment, as after eval "$(sandgate local-gateway)". */
    static Cli against(LocalGateway gateway, Path home) {
        return new Cli(home).env("SANDGATE_API_URL", gateway.apiUrl().toString()).env("SANDGATE_API_TOKEN", gateway.token());
    }

    Cli env(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    Cli stdin(String text) {
        stdin = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Stdout takes this many bytes, then fails as a pipe whose reader went away ({@code | head -c N}). */
    Cli stdoutClosedAfter(long bytes) {
        stdoutLimit = bytes;
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long limit = stdoutLimit;
        java.io.OutputStream stdout = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
                synchronized (out) {
                    if (out.size() + length > limit) {
                        throw new java.io.IOException("Broken pipe");
                    }
                    out.write(bytes, offset, length);
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(stdout, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Sandgate.run(args, new Io(new ByteArrayInputStream(stdin), outStream, errStream,
                    Map.copyOf(environment), home));
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
