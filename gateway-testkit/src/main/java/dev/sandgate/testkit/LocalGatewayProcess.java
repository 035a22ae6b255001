package dev.sandgate.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LocalGateway} in a JVM of its own, for measuring a client alone: the threads and memory of the JVM that
 * connects are then the client's, and each JVM has its own open-file limit. The child runs on this JVM's class path,
 * makes one session, and ends when {@link #close()} closes its standard input (or this JVM dies).
 *
 * <pre>{@code
 * try (LocalGatewayProcess gateway = LocalGatewayProcess.start("-Xmx2g");
 *      SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build()) {
 *     ssh.connect(gateway.sessionId()).exec("echo hi");
 * }
 * }</pre>
 */
public final class LocalGatewayProcess implements AutoCloseable {
    /** How long the child may take to start its gateway. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final List<String> PASSED_ON = List.of("jdk.net.hosts.file", "sandgate.testHosts");

    private final Process process;
    private final URI apiUrl;
    private final String token;
    private final String sessionId;

    private LocalGatewayProcess(Process process, URI apiUrl, String token, String sessionId) {
        this.process = process;
        this.apiUrl = apiUrl;
        this.token = token;
        this.sessionId = sessionId;
    }

    /**
     * Starts the child JVM and waits until its gateway listens.
     *
     * @param jvmOptions options for the child JVM, e.g. {@code -Xmx2g}; this JVM's name resolution settings are passed
     *                   on too
     * @return the running gateway
     * @throws UncheckedIOException when the child cannot start, ends before its gateway listens, or does not say where
     *                              it listens within 60 s (it is then killed)
     */
    public static LocalGatewayProcess start(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        for (String property : PASSED_ON) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add("-cp");
        command.add(classPath());
        command.add(LocalGatewayProcess.class.getName());
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            // a child that hangs while starting must not hang the caller: its first lines have a deadline
            CompletableFuture<String[]> announced = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String[] {lines.readLine(), lines.readLine(), lines.readLine()};
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String[] said;
            try {
                said = announced.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
                throw new IOException("the gateway's JVM did not say where its gateway listens within "
                        + START_LIMIT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the gateway's JVM started", e);
            }
            if (said[2] == null) {
                process.destroyForcibly();
                throw new IOException("the gateway's JVM ended before its gateway listened");
            }
            return new LocalGatewayProcess(process, URI.create(said[0]), said[1], said[2]);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a LocalGateway in a JVM of its own: " + e.getMessage(), e);
        }
    }

    /** This JVM's module path and class path together: the child needs the testkit and what it depends on. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                entries.add(value);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** {@return the API base URL over plain HTTP, as {@link LocalGateway#apiUrl()}} */
    public URI apiUrl() {
        return apiUrl;
    }

    /** {@return a bearer token the gateway accepts} */
    public String token() {
        return token;
    }

    /** {@return the id of the running session the child made at start} */
    public String sessionId() {
        return sessionId;
    }

    /** {@return the child JVM's process id, e.g. to read its threads or memory} */
    public long pid() {
        return process.pid();
    }

    /**
     * Ends the child: closes its standard input and waits up to 30 s for it to close its gateway and exit, then kills
     * it.
     */
    @Override
    public void close() {
        try (OutputStream input = process.getOutputStream()) {
            input.flush();
        } catch (IOException e) {
            // the child is gone already: nothing to tell it
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LocalGatewayProcess[pid " + process.pid() + ", " + apiUrl + "]";
    }

    /**
     * The child's side: starts a gateway, prints its API URL, token and a session id, runs until input ends.
     *
     * @param arguments none are read
     * @throws IOException when reading standard input fails
     */
    public static void main(String[] arguments) throws IOException {
        try (LocalGateway gateway = LocalGateway.start()) {
            System.out.println(gateway.apiUrl());
            System.out.println(gateway.token());
            System.out.println(gateway.newSession());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the parent closes this process's input
            }
        }
    }
}
