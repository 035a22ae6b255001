package dev.sandgate.examples;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.sftp.SftpOptions;
import dev.sandgate.sftp.TransferResult;
import dev.sandgate.sftp.TreeTransfer;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.PortForward;
import dev.sandgate.tunnel.PtyOptions;
import dev.sandgate.tunnel.RemoteProcess;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * What an IDE remote-development plugin does with a sandbox, step by step, against an in-process
 * {@link LocalGateway} (run it with {@code ./mvnw -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=dev.sandgate.examples.IdePlugin}):
 * <ol>
 *   <li><b>Connect</b>: one {@link SandboxSsh} for the plugin, one {@link SshConnection} for the session.</li>
 *   <li><b>Mirror the project</b>: {@link TreeTransfer} copies the local project tree into the session's home, many
 *       files in flight at once; a second run would copy only what changed.</li>
 *   <li><b>Watch the remote copy</b>: the file system's {@link WatchService} (it polls; here every 200 ms) reports
 *       what the build writes, as an IDE refreshes its project view.</li>
 *   <li><b>Build with streamed output</b>: {@link SshConnection#processBuilder(String)} starts the build in the
 *       project directory; its output is shown line by line while it runs, and its exit code at the end.</li>
 *   <li><b>Forward the dev server's port</b>: a web server started in the sandbox is reached from here through
 *       {@link SshConnection#forwardLocal(int, String, int)} on a local port, and asked for a page.</li>
 *   <li><b>Open a terminal</b>: {@link SshConnection#openTerminal(PtyOptions)} gives a shell on a pseudo-terminal,
 *       which the plugin would wire to its terminal widget; here it runs one line and exits.</li>
 * </ol>
 * Every line it prints starts with the step's name, so what a user would see can be checked.
 */
public final class IdePlugin {
    private final PrintStream out;

    private IdePlugin(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs every step against a new LocalGateway, with a small generated project.
     *
     * @param args unused
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs every step against a new LocalGateway and prints what happens.
     *
     * @param out where the steps are reported
     * @throws Exception if a step fails
     */
    public static void run(PrintStream out) throws Exception {
        Path project = sampleProject();
        try (LocalGateway gateway = LocalGateway.start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build();
             SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            String sessionId = api.createSession(NewSession.builder().metadata("example", "ide").build()).id();
            try (SshConnection connection = ssh.connect(sessionId)) {
                out.println("connect: session " + sessionId);
                new IdePlugin(out).work(connection, project);
            }
            api.deleteSession(sessionId);
        }
    }

    private void work(SshConnection connection, Path project) throws Exception {
        SftpOptions options = SftpOptions.builder().watchInterval(Duration.ofMillis(200)).build();
        try (FileSystem files = SandboxFileSystems.open(connection, options)) {
            Path remote = files.getPath("project");
            TransferResult mirrored = TreeTransfer.builder(project, remote).build().run();
            out.println("mirror: " + mirrored.filesCopied() + " files, " + mirrored.bytesTransferred() + " bytes");

            try (WatchService watcher = files.newWatchService()) {
                remote.register(watcher, ENTRY_CREATE, ENTRY_MODIFY);
                build(connection);
                reportChanges(watcher);
            }
        }
        devServer(connection);
        terminal(connection);
    }

    private void build(SshConnection connection) throws IOException, InterruptedException {
        RemoteProcess build = connection.processBuilder("sh build.sh").directory("project")
                .redirectErrorStream(true).start();
        try (BufferedReader output = build.inputReader(StandardCharsets.UTF_8)) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                out.println("build: " + line);
            }
        }
        out.println("build: exit " + build.waitFor());
    }

    private void reportChanges(WatchService watcher) throws InterruptedException {
        WatchKey key = watcher.poll(10, TimeUnit.SECONDS);
        if (key == null) {
            out.println("watch: no change seen");
            return;
        }
        for (WatchEvent<?> event : key.pollEvents()) {
            out.println("watch: " + event.kind().name() + " " + event.context());
        }
        key.reset();
    }

    private void devServer(SshConnection connection) throws Exception {
        int port = freePort();
        RemoteProcess server = connection.processBuilder("python3 -m http.server " + port + " --bind 127.0.0.1")
                .directory("project").redirectErrorStream(true).start();
        try (PortForward web = connection.forwardLocal(0, "127.0.0.1", port)) {
            URI page = URI.create("http://127.0.0.1:" + web.boundAddress().getPort() + "/README.txt");
            out.println("forward: " + web.boundAddress() + " -> sandbox 127.0.0.1:" + port);
            HttpResponse<String> answer = fetchWhenUp(page);
            out.println("forward: dev server answered " + answer.statusCode() + ": " + answer.body().strip());
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The server needs a moment to listen; until then the forward's connection is refused in the sandbox. */
    private static HttpResponse<String> fetchWhenUp(URI page) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                last = notYet;
                Thread.sleep(200);
            }
        }
        throw last;
    }

    private void terminal(SshConnection connection) throws IOException, InterruptedException {
        RemoteProcess terminal = connection.openTerminal(
                PtyOptions.builder().term("xterm-256color").size(120, 40).build());
        OutputStream keys = terminal.getOutputStream();
        keys.write("echo \"terminal is $TERM, rows and columns $(stty size)\"; exit\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        String screen;
        try (InputStream in = terminal.getInputStream()) {
            screen = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        terminal.waitFor(10, TimeUnit.SECONDS);
        // the screen holds the typed line echoed back (with $TERM unexpanded), prompts and escape codes: keep the answer
        screen.lines().filter(line -> line.contains("terminal is ") && !line.contains("$TERM"))
                .map(line -> line.substring(line.indexOf("terminal is ") + "terminal is ".length()).strip())
                .forEach(answer -> out.println("terminal: " + answer));
    }

    private static Path sampleProject() throws IOException {
        Path project = Files.createTempDirectory("sandgate-ide-project");
        Files.writeString(project.resolve("README.txt"), "hello from the dev server\n");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/Main.txt"), "the sources\n");
        Files.writeString(project.resolve("build.sh"),
                "echo compiling $(ls src | wc -l) file\nsleep 0.5\necho done > build.log\necho build ok\n");
        return project;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
