package dev.sandgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.Visible;
import dev.sandgate.sftp.SkipReason;
import dev.sandgate.sftp.TransferListener;
import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * What the API and the sandbox choose reaches an ssh config, a known_hosts file and the terminal only as data: never
 * as a line, an option or an escape sequence of its own.
 */
class HostileValuesTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** Moves the cursor home, clears the screen, sets the title, and overwrites the line with a forged all-clear. */
    static final String FORGED = "\u001b]0;pwned\u0007\u001b[2J\u009b1m\u202eevil\rall good, nothing skipped";

    @TempDir
    Path home;

    Cli cli;
    String session;

    @BeforeEach
    void createSession() throws Exception {
        cli = Cli.against(GATEWAY.gateway(), home);
        session = newSession(Map.of("test", "hostile"));
    }

    @AfterEach
    void clearFaults() {
        GATEWAY.gateway().clearApiFaults();
    }

    private static String newSession(Map<String, String> metadata) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            NewSession.Builder request = NewSession.builder();
            metadata.forEach(request::metadata);
            return api.createSession(request.build()).id();
        }
    }

    /** No character a terminal would act on, line ends aside. */
    static void assertTerminalSafe(String shown) {
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            assertTrue(c == '\n' || !Visible.isUnsafe(c), "raw U+" + String.format("%04X", (int) c) + " at " + i
                    + " in: " + Visible.of(shown));
        }
    }

    @Nested
    class SshConfig {
        Path dir;
        Path marker;

        @BeforeEach
        void paths() {
            dir = home.resolve("ssh");
            marker = home.resolve("MARKER");
        }

        /** What an injected line would do: the commands it names run as ssh reads the config. */
        private String injection() {
            return "sandbox\nMatch exec \"touch " + marker + "\"\nHost *\n  ProxyCommand sh -c 'touch " + marker + "'";
        }

        /**
         * Runs OpenSSH's {@code ssh -G} on the written config for a host no block names: it evaluates every
         * {@code Match exec} as it would before connecting, and connects nowhere.
         */
        private void assertSshRunsNothing() throws Exception {
            Path ssh = Path.of("/usr/bin/ssh");
            assumeTrue(Files.isExecutable(ssh), "OpenSSH's ssh is not installed");
            Programs programs = new Programs(Map.of("HOME", home.toString()), Files.createDirectories(home.resolve("run")));
            Programs.Result parsed = programs.run(Duration.ofSeconds(30), ssh.toString(), "-F",
                    dir.resolve("config").toString(), "-G", "unrelated-host.invalid");
            assertEquals(0, parsed.status(), parsed::toString);
            assertTrue(parsed.out().contains("hostname unrelated-host.invalid"), parsed::toString);
            assertFalse(Files.exists(marker), "ssh ran a command the API injected into the config");
        }

        @Test
        void aUsernameThatWouldWriteConfigLinesIsRefusedAndSshRunsNothing() throws Exception {
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            String other = newSession(Map.of());
            GATEWAY.gateway().injectApiFault(ApiFault.answerField("/username", injection()).onMints());

            Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), other);
            assertSshRunsNothing();
            assertEquals(ExitCodes.UNREACHABLE, result.status(), result::toString);
            assertTrue(result.err().contains("'username'"), result::toString);
            assertTrue(result.err().contains("sandbox\\nMatch exec"), "shown escaped: " + result);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTerminalSafe(result.err());
            String config = Files.readString(dir.resolve("config"));
            assertFalse(config.contains("touch") || config.contains("Host *"), config);
            assertTrue(config.contains("Host " + session + "\n"), "the sound session keeps its block: " + config);
            assertFalse(Files.exists(dir.resolve(other).resolve("grant")), "nothing kept of the refused grant");
        }

        /** As if the value had got past the API client: the grant file kept for the session says it. */
        private void tamper(String key, String value) throws Exception {
            Path grant = dir.resolve(session).resolve("grant");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(grant)) {
                properties.load(reader);
            }
            properties.setProperty(key, value);
            try (Writer writer = Files.newBufferedWriter(grant)) {
                properties.store(writer, null);
            }
        }

        @Test
        void theWriterRefusesAUsernameThatGotPastTheApiClient() throws Exception {
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            String other = newSession(Map.of());
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), other).status());
            tamper("username", injection());

            Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), session);
            assertSshRunsNothing();
            assertEquals(ExitCodes.UNREACHABLE, result.status(), result::toString);
            assertTrue(result.err().contains("'username'"), result::toString);
            assertTerminalSafe(result.out() + result.err());
            String config = Files.readString(dir.resolve("config"));
            assertFalse(config.contains("touch") || config.contains("Host *"), config);
            assertFalse(config.contains("Host " + session + "\n"), "no block for the refused session: " + config);
            assertTrue(config.contains("Host " + other + "\n"), "the other session keeps its block: " + config);
        }

        @Test
        void theWriterRefusesAHostKeyAliasThatIsAnOption() throws Exception {
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            tamper("connect-target", "-oProxyCommand:22");
            Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), session);
            assertEquals(ExitCodes.UNREACHABLE, result.status(), result::toString);
            assertTrue(result.err().contains("'endpoints.connect.target'"), result::toString);
            assertFalse(Files.readString(dir.resolve("config")).contains("-oProxyCommand"));
        }

        @Test
        void theWriterRefusesASessionDirectoryWhoseNameIsAHostPattern() throws Exception {
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            Path pattern = Files.createDirectory(dir.resolve("sess*"));
            Files.copy(dir.resolve(session).resolve("grant"), pattern.resolve("grant"));
            Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), session);
            assertEquals(ExitCodes.UNREACHABLE, result.status(), result::toString);
            assertTrue(result.err().contains("'session_id'") && result.err().contains("sess*"), result::toString);
            String config = Files.readString(dir.resolve("config"));
            assertFalse(config.contains("sess*"), config);
            assertTrue(config.contains("Host " + session + "\n"), config);
        }

        @Test
        void aTypedSessionIdThatIsAHostPatternIsBadUsage() {
            Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), "sess-1,*");
            assertEquals(ExitCodes.USAGE, result.status(), result::toString);
            assertTrue(result.err().contains("Host alias"), result::toString);
        }

        @Test
        void aDirectoryThatWouldBreakItsLinesIsASettingsError() {
            for (String bad : List.of("ssh\nHost *", "ssh\"x", "ssh$HOME", "ssh\\x")) {
                Cli.Result result = cli.run("ssh-config", "--dir", home.resolve(bad).toString(), session);
                assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
                assertTerminalSafe(result.err());
                assertFalse(Files.exists(home.resolve(bad)), "nothing written for " + Visible.of(bad));
            }
        }

        @Test
        void aLauncherPathThatWouldBreakTheProxyCommandIsASettingsError() throws Exception {
            String before = System.getProperty(Launcher.PROPERTY);
            System.setProperty(Launcher.PROPERTY, "/opt/sandgate\"; touch " + marker + "; \"");
            try {
                Cli.Result result = cli.run("ssh-config", "--dir", dir.toString(), session);
                assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
                assertTrue(result.err().contains("launcher"), result::toString);
            } finally {
                if (before == null) {
                    System.clearProperty(Launcher.PROPERTY);
                } else {
                    System.setProperty(Launcher.PROPERTY, before);
                }
            }
            assertFalse(Files.exists(dir.resolve("config")) && Files.readString(dir.resolve("config")).contains("touch"));
        }

        @Test
        void eachRuleOfTheWriter() {
            assertThrows(UnsafeValueException.class, () -> SshConfigValues.user("-oProxyCommand=x"));
            assertThrows(UnsafeValueException.class, () -> SshConfigValues.user("a b"));
            assertThrows(UnsafeValueException.class, () -> SshConfigValues.user("x".repeat(33)));
            assertEquals("sandbox", assertDoesNotThrow(() -> SshConfigValues.user("sandbox")));
            for (String alias : List.of("a*", "a?", "!a", "a,b", "-a", ".a", "a b", "a\"", "")) {
                assertThrows(UnsafeValueException.class, () -> SshConfigValues.hostAlias(alias), alias);
            }
            for (String host : List.of("a b", "a,b", "*", "-o", "a\nb", "@cert-authority")) {
                assertThrows(UnsafeValueException.class, () -> SshConfigValues.hostKeyAlias(host), host);
            }
            for (String host : List.of("sess-1", "127.0.0.1", "::1", "gw.example.com")) {
                assertEquals(host, assertDoesNotThrow(() -> SshConfigValues.hostKeyAlias(host)));
            }
            for (String path : List.of("/a\nb", "/a\"b", "/a\\b", "/${HOME}", "/a\u202eb")) {
                assertThrows(SettingsException.class, () -> SshConfigValues.path(path, "directory"), Visible.of(path));
            }
        }

        private <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> supplier) {
            return org.junit.jupiter.api.Assertions.assertDoesNotThrow(supplier);
        }
    }

    @Nested
    class Terminal {
        @Test
        void metadataIsShownEscapedInTheTable() throws Exception {
            String forged = newSession(Map.of("note", FORGED));
            for (String[] command : List.of(new String[] {"sessions", "get", forged}, new String[] {"sessions", "list"})) {
                Cli.Result result = cli.run(command);
                assertEquals(0, result.status(), result::toString);
                assertTerminalSafe(result.out() + result.err());
                assertTrue(result.out().contains("note=\\033]0;pwned\\007\\033[2J\\u009b1m\\u202eevil\\rall good,"
                        + " nothing skipped"), result::toString);
            }
        }

        @Test
        void jsonStaysJsonThatParsesBackToTheSameText() throws Exception {
            String forged = newSession(Map.of("note", FORGED + "\u007f\u2066\\\"", "\u001b[31mkey", "v"));
            Cli.Result result = cli.run("sessions", "get", "--json", forged);
            assertEquals(0, result.status(), result::toString);
            assertTerminalSafe(result.out());
            JsonNode parsed = new ObjectMapper().readTree(result.out());
            assertEquals(FORGED + "\u007f\u2066\\\"", parsed.path("metadata").path("note").asText());
            assertEquals("v", parsed.path("metadata").path("\u001b[31mkey").asText());
            assertTrue(result.out().contains("\\u202e") || result.out().contains("\\u202E"), result::toString);

            Cli.Result list = cli.run("sessions", "list", "--json");
            assertTerminalSafe(list.out());
            boolean found = false;
            for (JsonNode one : new ObjectMapper().readTree(list.out())) {
                found |= (FORGED + "\u007f\u2066\\\"").equals(one.path("metadata").path("note").asText());
            }
            assertTrue(found, list::toString);
        }

        @Test
        void aSessionIdWithEscapesIsRefusedAndShownEscaped() {
            GATEWAY.gateway().injectApiFault(ApiFault.answerField("/session_id", session + FORGED).onGets());
            Cli.Result result = cli.run("sessions", "get", session);
            assertEquals(ExitCodes.UNREACHABLE, result.status(), result::toString);
            assertTrue(result.err().contains("'session_id'"), result::toString);
            assertTerminalSafe(result.out() + result.err());
            assertEquals(1, result.err().lines().count(), result::toString);
        }

        @Test
        void anApiErrorMessageIsShownEscaped() {
            GATEWAY.gateway().injectApiFault(ApiFault.errorMessage(403, "denied" + FORGED));
            Cli.Result result = cli.run("sessions", "list");
            assertEquals(ExitCodes.TOKEN_REFUSED, result.status(), result::toString);
            assertTerminalSafe(result.out() + result.err());
            assertEquals(1, result.err().lines().count(), result::toString);
        }

        @Test
        void cpNamesWhatItLeftOutEscaped() throws Exception {
            Cli.Result made = cli.run("exec", session, "--", "mkdir -p tree && echo hi > tree/plain"
                    + " && echo x > \"tree/$(printf 'file\\033[2Jname')\""
                    + " && ln -s plain \"tree/$(printf 'link\\033]0;pwned\\007\\033[2J\\rall good, nothing skipped')\"");
            assertEquals(0, made.status(), made::toString);
            Path down = home.resolve("down");
            Cli.Result result = cli.run("cp", "-r", session + ":tree", down.toString());
            assertEquals(0, result.status(), result::toString);
            assertTerminalSafe(result.out() + result.err());
            assertTrue(result.err().contains("not copied: ") && result.err().contains(
                    "link\\033]0;pwned\\007\\033[2J\\rall good, nothing skipped"), result::toString);
            assertTrue(Files.exists(down.resolve("file\u001b[2Jname")), "a name with escapes is still a name");
        }

        @Test
        void theLeftOutListEscapesWhateverNameItIsGiven() {
            LeftOut leftOut = new LeftOut(TransferListener.NONE);
            leftOut.fileSkipped(Path.of("tree", "..", "..", "x\u001b[2J\rall good"), null, SkipReason.NOT_REGULAR);
            leftOut.fileSkipped(Path.of("tree", "a\u202eb"), null, SkipReason.SYMBOLIC_LINK);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            leftOut.report(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String shown = bytes.toString(StandardCharsets.UTF_8);
            assertTerminalSafe(shown);
            assertEquals(List.of("sandgate: not copied: tree/../../x\\033[2J\\rall good (not a regular file or directory)",
                            "sandgate: not copied: tree/a\\u202eb (symbolic link)"),
                    shown.lines().toList());
        }

        @Test
        void visibleEscapesAsLsDoes() {
            assertEquals("plain name, with \\backslash", Visible.of("plain name, with \\backslash"));
            assertEquals("a\\nb\\rc\\td\\033[2Je\\177f\\000", Visible.of("a\nb\rc\td\u001b[2Je\u007ff\u0000"));
            assertEquals("\\u0085\\u009b\\u202a\\u202e\\u2066\\u2069\\u200f\\u2028", Visible.of(
                    "\u0085\u009b\u202a\u202e\u2066\u2069\u200f\u2028"));
            assertEquals("é 日本 \uD83D\uDE00", Visible.of("é 日本 \uD83D\uDE00"));
            assertEquals(Visible.of("x\u001b"), Visible.of(Visible.of("x\u001b")), "escaping twice changes nothing");
        }
    }
}
