package dev.sandgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * The launcher as a shell runs it: how each command's JVM starts, how the long-running ones end on SIGTERM, what a
 * refused forwarded connection and an interrupted copy show on a terminal.
 */
class LauncherIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @TempDir
    static Path scratch;

    private static Programs programs;
    private static Path cache;
    private static String session;

    @BeforeAll
    static void environment() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        Path home = Files.createDirectories(scratch.resolve("home"));
        cache = scratch.resolve("cache");
        programs = new Programs(Map.of("SANDGATE_API_URL", gateway.apiUrl().toString(),
                "SANDGATE_API_TOKEN", gateway.token(), "HOME", home.toString(),
                "XDG_CACHE_HOME", cache.toString()), scratch);
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            session = api.createSession(NewSession.builder().metadata("test", "launcher").build()).id();
        }
    }

    @Test
    void everyCommandKeepsAClassDataArchiveOfItsOwn() throws Exception {
        String launcher = Programs.launcher().toString();
        assertEquals(0, programs.run(LIMIT, launcher, "--version").status());
        Programs.Result exec = programs.run(LIMIT, launcher, "exec", session, "--", "true");
        assertEquals(0, exec.status(), exec::toString);
        Programs.Result sessions = programs.run(LIMIT, launcher, "sessions", "list");
        assertEquals(0, sessions.status(), sessions::toString);
        for (String name : List.of("sandgate", "exec", "sessions")) {
            // the first run's JVM writes it as it exits; the launcher's watcher gives it its name once that JVM is gone
            awaitTrue(() -> archives(name) == 1, "an archive for " + name + " in " + cache);
        }
        Programs.Result again = programs.run(LIMIT, launcher, "exec", session, "--", "echo", "again");
        assertEquals("again\n", again.out(), again::toString);
        assertEquals("", again.err(), "the archive is taken without a warning: " + again);
    }

    @Test
    void forwardStartsLeanAndEndsWithinASecondOfSigterm() throws Exception {
        Background forward = Background.start("forward", "fwd", session, "0:9");
        forward.awaitOut("Forwarding 127\\.0\\.0\\.1:([0-9]+) ");
        String flags = Files.readString(Path.of("/proc", Long.toString(forward.process.pid()), "cmdline"))
                .replace('\0', ' ');
        assertTrue(flags.contains("-XX:+UseSerialGC") && flags.contains("-XX:TieredStopAtLevel=1"), flags);
        assertEndsWithinASecondOfSigterm(forward);
    }

    @Test
    void forwardSaysWhenTheSessionRefusesAConnection() throws Exception {
        Background forward = Background.start("forward", "fwd", session, "0:9");
        try {
            int port = Integer.parseInt(forward.awaitOut("Forwarding 127\\.0\\.0\\.1:([0-9]+) "));
            try (Socket client = new Socket("127.0.0.1", port); InputStream in = client.getInputStream()) {
                assertEquals(-1, in.read(), "nothing listens on port 9 in the session: the connection is closed");
            }
            awaitTrue(() -> forward.errText().contains("nothing accepts connections there"),
                    "stderr says the session refused: " + forward.errText());
            assertTrue(forward.errText().startsWith("sandgate: the connection from 127.0.0.1:"), forward.errText());
        } finally {
            Programs.stop(forward.process);
        }
    }

    @Test
    void localGatewayEndsWithinASecondOfSigterm() throws Exception {
        Background gateway = Background.start("local-gateway", "lg");
        String sessionLine = gateway.awaitOut("export SANDGATE_SESSION=(sess-[a-z0-9]+)");
        assertTrue(sessionLine.startsWith("sess-"), sessionLine);
        assertEndsWithinASecondOfSigterm(gateway);
    }

    @Test
    void cpOnATerminalCountsOneFileAsOneAndEndsTheProgressLineWhenInterrupted() throws Exception {
        Programs.requireInstalled("script");
        Path small = Files.writeString(scratch.resolve("small.txt"), "one file\n");
        Programs.Result one = programs.run(LIMIT, "script", "-qec", shellWords(Programs.launcher().toString(), "cp",
                small.toString(), session + ":small.txt"), "/dev/null");
        assertEquals(0, one.status(), one::toString);
        assertTrue(one.out().contains("Copied 1 file (9 B)"), one::toString);

        Path big = scratch.resolve("big.bin");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(2L * 1024 * 1024 * 1024); // sparse: read at disk speed, written over SSH far slower
        }
        Path typescript = scratch.resolve("cp-typescript.txt");
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", shellWords(Programs.launcher().toString(), "cp",
                big.toString(), session + ":big.bin"), "/dev/null").redirectOutput(typescript.toFile())
                .redirectErrorStream(true).redirectInput(new File("/dev/null"));
        builder.environment().putAll(programs.environment());
        Process script = builder.start();
        try {
            awaitTrue(() -> read(typescript).contains(" files "), "a progress bar: " + read(typescript));
            ProcessHandle java = script.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                    .findFirst().orElseThrow();
            assertEquals(0, programs.run(LIMIT, "kill", "-INT", Long.toString(java.pid())).status());
            assertTrue(script.waitFor(30, TimeUnit.SECONDS), "cp ends on Ctrl-C");
            String shown = read(typescript);
            int lastBar = shown.lastIndexOf("\r[");
            assertTrue(lastBar >= 0 && shown.indexOf('\n', lastBar) > lastBar,
                    "the progress line is ended, so the prompt starts on a line of its own: " + shown.replace("\r", "\\r"));
        } finally {
            Programs.stop(script);
        }
    }

    private static String shellWords(String... words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            line.append(line.length() == 0 ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    private static void assertEndsWithinASecondOfSigterm(Background background) throws Exception {
        long started = System.nanoTime();
        background.process.destroy(); // SIGTERM, as kill PID
        boolean ended = background.process.waitFor(10, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Programs.stop(background.process);
        assertTrue(ended && millis < 1000, "ended " + millis + " ms after SIGTERM (at most 1000 wanted); stderr: "
                + background.errText());
    }

    private static long archives(String name) {
        try (Stream<Path> files = Files.list(cache.resolve("sandgate"))) {
            return files.filter(f -> f.getFileName().toString().matches(name + "-[0-9]+\\.jsa")).count();
        } catch (IOException none) {
            return 0;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + LIMIT + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** The launcher running a command that runs until stopped, its output in files. */
    private record Background(Process process, Path out, Path err) {
        static Background start(String... args) throws IOException {
            String name = args[1];
            List<String> command = new java.util.ArrayList<>();
            command.add(Programs.launcher().toString());
            command.add(args[0]);
            command.addAll(List.of(args).subList(2, args.length));
            Path out = Files.createTempFile(scratch, name, ".out");
            Path err = Files.createTempFile(scratch, name, ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(new File("/dev/null"));
            builder.environment().putAll(programs.environment());
            return new Background(builder.start(), out, err);
        }

        /** The first group of the pattern, once stdout holds it. */
        String awaitOut(String pattern) throws InterruptedException {
            java.util.regex.Pattern wanted = java.util.regex.Pattern.compile(pattern);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (true) {
                java.util.regex.Matcher found = wanted.matcher(read(out));
                if (found.find()) {
                    return found.group(1);
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("No " + pattern + " in stdout: " + read(out) + "\nstderr: " + read(err));
                }
                Thread.sleep(50);
            }
        }

        String errText() {
            return read(err);
        }
    }
}
