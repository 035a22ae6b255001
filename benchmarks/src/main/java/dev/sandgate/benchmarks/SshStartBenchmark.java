package dev.sandgate.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sandgate.benchmarks.Peers.Route;
import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;

/**
 * What an IDE or a shell waits for: OpenSSH's {@code ssh SESSION true} from start to exit through the config
 * {@code sandgate ssh-config} writes (a {@code sandgate proxy} JVM over a LocalGateway CONNECT tunnel), next to
 * OpenSSH's {@code ssh} straight to sshd A, interleaved. Needs the launcher ({@code ./mvnw -pl cli -am package}).
 */
final class SshStartBenchmark {
    static final String WORKLOAD = "ssh SESSION true, start to exit";

    private final Peers peers;
    private final Results results;
    private final Path work;
    private final Path launcher;

    SshStartBenchmark(Peers peers, Results results, Path work, Path launcher) {
        this.peers = peers;
        this.results = results;
        this.work = work;
        this.launcher = launcher;
    }

    void run(int connects) throws Exception {
        if (!Files.isExecutable(launcher)) {
            throw new IOException("No sandgate launcher at " + launcher + ": run ./mvnw -pl cli -am package first");
        }
        Path home = Files.createDirectories(work.resolve("ssh-start-home"));
        try (LocalGateway gateway = LocalGateway.start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            String session = api.createSession(NewSession.builder().build()).id();
            Map<String, String> environment = Map.of("HOME", home.toString(),
                    "SANDGATE_API_URL", gateway.apiUrl().toString(), "SANDGATE_API_TOKEN", gateway.token());
            run(environment, List.of(launcher.toString(), "ssh-config", session));
            List<String> viaSandgate = List.of("ssh", "-F", home.resolve(".sandgate/ssh/config").toString(),
                    "-o", "BatchMode=yes", session, "true");
            List<String> direct = new ArrayList<>(List.of("ssh"));
            direct.addAll(peers.openSshOptions(Route.DIRECT, SftpBenchmark.CIPHER, null));
            direct.addAll(List.of(peers.user() + "@127.0.0.1", "true"));
            // the first proxy run writes its class data archive; two rounds each warm the caches
            for (int i = -2; i < connects; i++) {
                double ours = Timing.millis(() -> run(environment, viaSandgate));
                double theirs = Timing.millis(() -> run(environment, direct));
                if (i >= 0) {
                    results.sandgate(WORKLOAD, "localgateway connect", ours, "ms");
                    results.reference(WORKLOAD, "localgateway connect", theirs, "ms", "OpenSSH ssh, direct to sshd");
                }
            }
        }
    }

    private static void run(Map<String, String> environment, List<String> command) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("Still running after 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("Exit " + process.exitValue() + ": " + command);
        }
    }
}
