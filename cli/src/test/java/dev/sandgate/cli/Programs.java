package dev.sandgate.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real programs (the launcher, ssh, scp, git, ...) with a chosen environment, each within a time limit. */
final class Programs {
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Map<String, String> environment;
    private final Path scratch;

    Programs(Map<String, String> environment, Path scratch) {
        this.environment = withTestResolver(environment);
        this.scratch = scratch;
    }

    /**
     * The launcher's JVMs (and those ssh starts as a ProxyCommand, which inherit this environment) resolve names as
     * this JVM does: from the build's hosts file, never DNS.
     */
    private static Map<String, String> withTestResolver(Map<String, String> environment) {
        String hosts = System.getProperty("jdk.net.hosts.file");
        if (hosts == null) {
            return Map.copyOf(environment);
        }
        Map<String, String> copy = new java.util.HashMap<>(environment);
        copy.merge("SANDGATE_JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts, (given, ours) -> ours + " " + given);
        return Map.copyOf(copy);
    }

    Map<String, String> environment() {
        return environment;
    }

    /** The launcher `./mvnw -pl cli package` leaves next to the jars. */
    static Path launcher() {
        Path launcher = Path.of("target", "sandgate").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("No launcher at " + launcher + ": run ./mvnw -pl cli -am package first");
        }
        return launcher;
    }

    /** Fails with a clear message unless the program is installed (interop/install.sh installs them). */
    static void requireInstalled(String... programs) {
        for (String program : programs) {
            boolean found = List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
            if (!found) {
                throw new IllegalStateException(program + " is not installed: run interop/install.sh (as root)");
            }
        }
    }

    Result run(Duration limit, String... command) throws IOException, InterruptedException {
        return run(limit, List.of(command));
    }

    Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("Still running after " + limit + ": " + command + "\n--- stderr\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Starts a program that keeps running (a port forward, a server); the caller stops it. */
    Process start(String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(Files.createTempFile(scratch, "bg-out", ".txt").toFile())
                .redirectError(Files.createTempFile(scratch, "bg-err", ".txt").toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }
}
