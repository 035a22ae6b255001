package dev.sandgate.tunnel;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sandgate.testkit.LocalGateway;

/**
 * A LocalGateway in a JVM of its own, so that what the test's JVM holds is the client's alone. The child prints its
 * API URL, token and one session's id on three lines, and closes the gateway when its standard input ends: the test
 * closing it, or the test JVM dying.
 */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final URI apiUrl;
    private final String token;
    private final String sessionId;

    private GatewayProcess(Process process, URI apiUrl, String token, String sessionId) {
        this.process = process;
        this.apiUrl = apiUrl;
        this.token = token;
        this.sessionId = sessionId;
    }

    static GatewayProcess start(String maxHeap) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        for (String property : List.of("jdk.net.hosts.file", "sandgate.testHosts")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.add("-cp");
        command.add(classPath());
        command.add(GatewayProcess.class.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String api = lines.readLine();
        String token = lines.readLine();
        String session = lines.readLine();
        if (session == null) {
            process.destroyForcibly();
            throw new IOException("the gateway process ended before it printed its address");
        }
        return new GatewayProcess(process, URI.create(api), token, session);
    }

    /** This JVM's class path and module path together: the child needs the testkit and its dependencies. */
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

    URI apiUrl() {
        return apiUrl;
    }

    String token() {
        return token;
    }

    String sessionId() {
        return sessionId;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the gateway process did not end within 30 s of its input closing");
        }
    }

    public static void main(String[] arguments) throws IOException {
        try (LocalGateway gateway = LocalGateway.start()) {
            System.out.println(gateway.apiUrl());
            System.out.println(gateway.token());
            System.out.println(gateway.newSession());
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the test closes this process's input
            }
        }
    }
}
