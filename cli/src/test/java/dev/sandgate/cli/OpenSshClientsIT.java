package dev.sandgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.TenkiApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TenkiFake;

/**
 * OpenSSH's own clients reach a LocalGateway session through {@code sandgate ssh-config} and {@code sandgate proxy},
 * run from the launcher as an IDE or a shell would run them: ssh, scp, sftp, rsync, ssh -L and git; and a Tenki
 * fake's session through {@code sandgate --provider tenki}.
 */
class OpenSshClientsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @TempDir
    static Path scratch;

    private static Programs programs;
    private static String session;
    private static Path config;

    @BeforeAll
    static void writeTheSshConfig() throws Exception {
        Programs.requireInstalled("ssh", "scp", "sftp", "rsync", "git", "python3");
        LocalGateway gateway = GATEWAY.gateway();
        Path home = Files.createDirectories(scratch.resolve("home"));
        programs = new Programs(Map.of("SANDGATE_API_URL", gateway.apiUrl().toString(),
                "SANDGATE_API_TOKEN", gateway.token(), "HOME", home.toString()), scratch);
        session = newSession();
        Programs.Result written = programs.run(LIMIT, Programs.launcher().toString(), "ssh-config", session);
        assertEquals(0, written.status(), written::toString);
        config = home.resolve(".sandgate/ssh/config");
        assertTrue(Files.isRegularFile(config), written::toString);
    }

    private static String newSession() throws IOException {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            return api.createSession(NewSession.builder().build()).id();
        }
    }

    private Programs.Result ssh(Path configFile, String host, String command) throws Exception {
        return programs.run(LIMIT, "ssh", "-F", configFile.toString(), "-o", "BatchMode=yes", host, command);
    }

    @Test
    void sshRunsACommandAndExitsWithItsStatus() throws Exception {
        Programs.Result result = ssh(config, session, "echo \"hello from $(basename $PWD)\"; exit 5");
        assertEquals(5, result.status(), result::toString);
        assertEquals("hello from " + session + "\n", result.out());
    }

    @Test
    void scpAndSftpMove64MiBBothWaysIntact() throws Exception {
        Path original = scratch.resolve("original.bin");
        byte[] block = new byte[1024 * 1024];
        Random random = new Random(64);
        try (var out = Files.newOutputStream(original)) {
            for (int i = 0; i < 64; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String expected = sha256(original);

        Programs.Result up = programs.run(LIMIT, "scp", "-q", "-F", config.toString(), original.toString(),
                session + ":by-scp.bin");
        assertEquals(0, up.status(), up::toString);
        assertEquals(expected + "  by-scp.bin\n", ssh(config, session, "sha256sum by-scp.bin").out());
        Path down = scratch.resolve("by-scp.bin");
        assertEquals(0, programs.run(LIMIT, "scp", "-q", "-F", config.toString(), session + ":by-scp.bin",
                down.toString()).status());
        assertEquals(expected, sha256(down));

        Path batch = scratch.resolve("sftp-batch");
        Path sftpDown = scratch.resolve("by-sftp.bin");
        Files.writeString(batch, "put " + original + " by-sftp.bin\nget by-sftp.bin " + sftpDown + "\n");
        Programs.Result sftp = programs.run(LIMIT, "sftp", "-q", "-F", config.toString(), "-b", batch.toString(), session);
        assertEquals(0, sftp.status(), sftp::toString);
        assertEquals(expected, sha256(sftpDown));
        assertEquals(expected + "  by-sftp.bin\n", ssh(config, session, "sha256sum by-sftp.bin").out());
    }

    @Test
    void rsyncSyncsATreeAndThenOnlyWhatChanged() throws Exception {
        Path tree = scratch.resolve("tree");
        Files.createDirectories(tree.resolve("src/deep"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(tree.resolve("src/file" + i + ".txt"), "content " + i + "\n");
        }
        Files.writeString(tree.resolve("src/deep/leaf.txt"), "leaf\n");
        String rsh = "ssh -F " + config;
        Programs.Result first = programs.run(LIMIT, "rsync", "-a", "--delete", "-e", rsh,
                scratch.resolve("tree") + "/", session + ":synced/");
        assertEquals(0, first.status(), first::toString);
        assertEquals("41\n", ssh(config, session, "find synced -type f | wc -l").out());

        Files.writeString(tree.resolve("src/file3.txt"), "changed\n");
        Files.delete(tree.resolve("src/file4.txt"));
        Programs.Result second = programs.run(LIMIT, "rsync", "-a", "--delete", "--itemize-changes", "-e", rsh,
                scratch.resolve("tree") + "/", session + ":synced/");
        assertEquals(0, second.status(), second::toString);
        assertTrue(second.out().contains("src/file3.txt") && second.out().contains("*deleting   src/file4.txt"),
                second::toString);
        assertTrue(!second.out().contains("file5.txt"), second::toString);
        assertEquals("changed\n", ssh(config, session, "cat synced/src/file3.txt").out());
        assertEquals("40\n", ssh(config, session, "find synced -type f | wc -l").out());
    }

    @Test
    void sshLocalForwardReachesAServerInTheSession() throws Exception {
        int remotePort = freePort();
        int localPort = freePort();
        ssh(config, session, "mkdir -p www && echo served-from-the-session > www/index.html");
        Process server = programs.start("ssh", "-F", config.toString(), "-o", "BatchMode=yes", session,
                "cd www && exec python3 -m http.server " + remotePort + " --bind 127.0.0.1");
        Process forward = programs.start("ssh", "-F", config.toString(), "-o", "BatchMode=yes",
                "-o", "ExitOnForwardFailure=yes", "-N", "-L", localPort + ":127.0.0.1:" + remotePort, session);
        try {
            String body = null;
            for (int attempt = 0; attempt < 100 && body == null; attempt++) {
                body = httpGet(localPort);
                if (body == null) {
                    Thread.sleep(100);
                }
            }
            assertEquals("served-from-the-session\n", body);
        } finally {
            Programs.stop(forward);
            Programs.stop(server);
        }
    }

    @Test
    void sandgateForwardReachesAServerInTheSessionUntilStopped() throws Exception {
        int remotePort = freePort();
        ssh(config, session, "mkdir -p www2 && echo forwarded-by-sandgate > www2/index.html");
        Process server = programs.start("ssh", "-F", config.toString(), "-o", "BatchMode=yes", session,
                "cd www2 && exec python3 -m http.server " + remotePort + " --bind 127.0.0.1");
        Path output = scratch.resolve("forward-output.txt");
        ProcessBuilder builder = new ProcessBuilder(Programs.launcher().toString(), "forward", session, "0:" + remotePort)
                .redirectOutput(output.toFile()).redirectErrorStream(true);
        builder.environment().putAll(programs.environment());
        Process forward = builder.start();
        try {
            java.util.regex.Matcher bound = null;
            for (int attempt = 0; attempt < 300 && (bound == null || !bound.find()); attempt++) {
                Thread.sleep(100);
                bound = java.util.regex.Pattern.compile("Forwarding 127\\.0\\.0\\.1:(\\d+) to localhost:" + remotePort)
                        .matcher(Files.readString(output));
            }
            assertTrue(bound.find(0), () -> "no Forwarding line in: " + read(output));
            int localPort = Integer.parseInt(bound.group(1));
            String body = null;
            for (int attempt = 0; attempt < 100 && body == null; attempt++) {
                body = httpGet(localPort);
                if (body == null) {
                    Thread.sleep(100);
                }
            }
            assertEquals("forwarded-by-sandgate\n", body);
            forward.destroy();
            assertTrue(forward.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "forward did not stop on SIGTERM");
            assertEquals(null, httpGet(localPort), "the port is closed once forward has stopped");
        } finally {
            Programs.stop(forward);
            Programs.stop(server);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void gitClonesOverSshFromABareRepositoryInTheSession() throws Exception {
        Programs.Result made = ssh(config, session, "set -e; git init -q --bare repo.git; git init -q work; cd work;"
                + " echo 'first line' > notes.txt; git add notes.txt;"
                + " git -c user.name=t -c user.email=t@example.test commit -qm first; git push -q ../repo.git HEAD:refs/heads/main");
        assertEquals(0, made.status(), made::toString);
        Path clone = scratch.resolve("clone");
        Programs.Result cloned = programs.run(LIMIT, List.of("git", "-c", "core.sshCommand=ssh -F " + config,
                "clone", "-q", "--branch", "main", "ssh://" + session + "/~/repo.git", clone.toString()));
        assertEquals(0, cloned.status(), cloned::toString);
        assertEquals("first line\n", Files.readString(clone.resolve("notes.txt")));
    }

    @Test
    void anExpiredCertificateIsRenewedByTheNextSsh() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String shortLived = newSession();
        Path dir = scratch.resolve("short-lived");
        Programs.Result written = programs.run(LIMIT, Programs.launcher().toString(), "ssh-config", "--dir",
                dir.toString(), "--ttl", "10s", shortLived);
        assertEquals(0, written.status(), written::toString);
        Path certificate = dir.resolve(shortLived).resolve("key-cert.pub");
        String before = Files.readString(certificate);
        long minted = gateway.certificatesMinted(shortLived);
        // past the certificate's end; renewals ask for 10 s again, which the login needs a second or two of
        Thread.sleep(11_000);

        Programs.Result result = ssh(dir.resolve("config"), shortLived, "echo still in");
        assertEquals(0, result.status(), result::toString);
        assertEquals("still in\n", result.out());
        assertNotEquals(before, Files.readString(certificate));
        assertTrue(gateway.certificatesMinted(shortLived) > minted);
    }

    @Test
    void theWebSocketTransportCarriesSshToo() throws Exception {
        String viaWebSocket = newSession();
        Path dir = scratch.resolve("websocket");
        Programs.Result written = programs.run(LIMIT, Programs.launcher().toString(), "ssh-config", "--dir",
                dir.toString(), "--transport", "websocket", viaWebSocket);
        assertEquals(0, written.status(), written::toString);
        assertTrue(Files.readString(dir.resolve("config")).contains("--transport=websocket"));
        Programs.Result result = ssh(dir.resolve("config"), viaWebSocket, "exit 9");
        assertEquals(9, result.status(), result::toString);
    }

    @Test
    void sshReachesATenkiSessionThroughTheProxyAndChecksTheGatewayKeySandgateRecorded() throws Exception {
        try (TenkiFake tenki = TenkiFake.start()) {
            Path home = Files.createDirectories(scratch.resolve("tenki-home"));
            Programs tenkiPrograms = new Programs(Map.of(TenkiApi.ENV_AUTH_TOKEN, tenki.token(TenkiFake.TokenKind.COOKIE),
                    TenkiApi.ENV_API_ENDPOINT, tenki.apiUrl().toString(), "HOME", home.toString()), scratch);
            String tenkiSession = tenki.createSession();
            Programs.Result written = tenkiPrograms.run(LIMIT, Programs.launcher().toString(), "--provider", "tenki",
                    "--accept-new-host-key", "ssh-config", tenkiSession);
            assertEquals(0, written.status(), written::toString);
            assertTrue(written.err().contains("permanently added"), written::toString);
            Path tenkiConfig = home.resolve(".sandgate/ssh/config");

            Programs.Result result = tenkiPrograms.run(LIMIT, "ssh", "-F", tenkiConfig.toString(), "-o", "BatchMode=yes",
                    tenkiSession, "basename $PWD; exit 6");
            assertEquals(6, result.status(), result::toString);
            assertEquals(tenki.sessionDirectory(tenkiSession).getFileName() + "\n", result.out());

            // OpenSSH checks the key Sandgate recorded: a rotated gateway key is refused by ssh itself
            tenki.rotateGatewayHostKey();
            Programs.Result refused = tenkiPrograms.run(LIMIT, "ssh", "-F", tenkiConfig.toString(), "-o",
                    "BatchMode=yes", tenkiSession, "touch ran");
            assertEquals(255, refused.status(), refused::toString);
            assertTrue(refused.err().contains("Host key verification failed"), refused::toString);
            assertTrue(!Files.exists(tenki.sessionDirectory(tenkiSession).resolve("ran")), "nothing ran");
        }
    }

    @Test
    void aProxyThatCannotReachTheSessionSaysWhy() throws Exception {
        Path dir = scratch.resolve("gone");
        String doomed = newSession();
        assertEquals(0, programs.run(LIMIT, Programs.launcher().toString(), "ssh-config", "--dir", dir.toString(),
                doomed).status());
        assertEquals(0, programs.run(LIMIT, Programs.launcher().toString(), "sessions", "delete", doomed).status());
        Programs.Result result = ssh(dir.resolve("config"), doomed, "true");
        assertEquals(255, result.status(), result::toString);
        assertTrue(result.err().contains("sandgate: ") && result.err().contains(doomed), result::toString);
    }

    @Test
    void aBackgroundLocalGatewayServesTheCommandsAndRemovesItsSessionsWhenKilled() throws Exception {
        Path sessions = scratch.resolve("background-sessions");
        Programs.Result started = programs.run(LIMIT, Programs.launcher().toString(), "local-gateway", "--background",
                "--directory", sessions.toString());
        assertEquals(0, started.status(), started::toString);
        Map<String, String> exports = new java.util.HashMap<>();
        Matcher export = Pattern.compile("(?m)^export (SANDGATE_\\w+)=(\\S+)$").matcher(started.out());
        while (export.find()) {
            exports.put(export.group(1), export.group(2));
        }
        Matcher pid = Pattern.compile("pid (\\d+)").matcher(started.out());
        assertTrue(pid.find() && exports.keySet().containsAll(List.of("SANDGATE_API_URL", "SANDGATE_API_TOKEN",
                "SANDGATE_SESSION")), started::toString);
        ProcessHandle gateway = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        try {
            Map<String, String> environment = new java.util.HashMap<>(programs.environment());
            environment.putAll(exports);
            Programs.Result pwd = new Programs(environment, scratch).run(LIMIT, Programs.launcher().toString(), "exec",
                    exports.get("SANDGATE_SESSION"), "--", "pwd");
            assertEquals(0, pwd.status(), pwd::toString);
            assertTrue(pwd.out().startsWith(sessions.toString()), pwd::toString);
            try (Stream<Path> entries = Files.list(sessions)) {
                assertEquals(1, entries.count(), "the session's directory");
            }
        } finally {
            gateway.destroy(); // SIGTERM, as kill does
            gateway.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        try (Stream<Path> entries = Files.list(sessions)) {
            assertEquals(List.of(), entries.toList(), "the session's directory is removed when the gateway is killed");
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The body at http://127.0.0.1:port/, or null while nothing answers there yet. */
    private static String httpGet(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return null;
        }
    }
}
