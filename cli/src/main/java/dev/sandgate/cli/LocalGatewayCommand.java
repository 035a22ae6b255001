package dev.sandgate.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SandboxSession;
import dev.sandgate.testkit.LocalGateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "local-gateway", mixinStandardHelpOptions = true,
        description = {"Runs a LocalGateway on 127.0.0.1 (a sandbox API, CONNECT and WebSocket tunnels, and an SSH"
                + " server per session running commands as you, in a directory of its own), creates a session, and"
                + " prints the lines a shell evaluates to use it: export SANDGATE_API_URL=..., SANDGATE_API_TOKEN=...,"
                + " SANDGATE_SESSION=...",
                "In the foreground it runs until Ctrl-C. With --background it starts itself as a separate process, prints"
                + " the lines and returns, so that: eval \"$(sandgate local-gateway --background)\"",
                "For trying Sandgate, OpenSSH and IDEs without a sandbox service; not a sandbox: commands run as you."})
final class LocalGatewayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--directory", paramLabel = "DIR",
            description = "Where the sessions' home directories go (default: a new temporary directory).")
    private Path directory;

    @Option(names = "--background", description = "Run as a separate process; print the export lines and return.")
    private boolean background;

    @Option(names = "--ready-file", paramLabel = "FILE", hidden = true,
            description = "Write the export lines to FILE (mode 0600) once ready: how --background hears back.")
    private Path readyFile;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        if (background) {
            return startInBackground(io);
        }
        LocalGateway.Builder builder = LocalGateway.builder();
        if (directory != null) {
            builder.directory(directory);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // the JVM ends when its hooks have run: this one waits (a bounded while) for the gateway to remove its files
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sandgate-local-gateway-stop"));
        try (LocalGateway gateway = builder.start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            SandboxSession session = api.createSession(NewSession.builder().metadata("created-by", "sandgate local-gateway")
                    .build());
            String lines = "export SANDGATE_API_URL=" + gateway.apiUrl() + "\n"
                    + "export SANDGATE_API_TOKEN=" + gateway.token() + "\n"
                    + "export SANDGATE_SESSION=" + session.id() + "\n";
            if (readyFile != null) {
                SessionFiles.writePrivately(readyFile, lines);
            } else {
                io.out().print(lines);
                io.out().println("# LocalGateway running (pid " + ProcessHandle.current().pid() + "); try: sandgate exec "
                        + session.id() + " -- uname -a; Ctrl-C stops it");
                io.out().flush();
            }
            stopped.await();
        } finally {
            closed.countDown();
        }
        return ExitCodes.OK;
    }

    /** Starts this same command in a process of its own, waits until it is ready, prints its lines. */
    private int startInBackground(Io io) throws IOException, InterruptedException {
        Path state = Files.createTempDirectory("sandgate-local-gateway");
        Path ready = state.resolve("ready");
        Path log = state.resolve("log");
        List<String> command = new ArrayList<>();
        String launcher = Launcher.path();
        command.add(launcher);
        command.add("local-gateway");
        command.add("--ready-file=" + ready);
        if (directory != null) {
            command.add("--directory=" + directory.toAbsolutePath());
        }
        Process child = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            if (!child.isAlive()) {
                throw new IOException("The LocalGateway did not start (exit " + child.exitValue() + "); its output: "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            if (System.nanoTime() > deadline) {
                child.destroy();
                throw new IOException("The LocalGateway did not start within 60 s; see " + log);
            }
            Thread.sleep(50);
        }
        io.out().print(Files.readString(ready, StandardCharsets.UTF_8));
        Files.delete(ready);
        io.out().println("# LocalGateway running in the background, pid " + child.pid() + ", log " + log
                + "; stop it with: kill " + child.pid());
        return ExitCodes.OK;
    }
}
