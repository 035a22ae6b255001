package dev.sandgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;

/** The sandgate command's subcommands against a LocalGateway, run in this JVM. */
class CommandsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @TempDir
    Path home;

    Cli cli;
    String session;

    @BeforeEach
    void createSession() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        cli = Cli.against(gateway, home);
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            session = api.createSession(NewSession.builder().metadata("test", "cli").build()).id();
        }
    }

    @Nested
    class Exec {
        @Test
        void streamsOutputAndExitsWithTheCommandsStatus() {
            Cli.Result result = cli.run("exec", session, "--", "echo out; echo err >&2; exit 7");
            assertEquals(7, result.status(), result::toString);
            assertEquals("out\n", result.out());
            assertEquals("err\n", result.err());
        }

        @RepeatedTest(3)
        void endsTheCommandWhenNobodyReadsItsOutputAnyMore() {
            Cli.Result result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> cli.stdoutClosedAfter(64 * 1024).run("exec", session, "--", "yes"));
            assertEquals(141, result.status(), result::toString);
            assertTrue(result.out().startsWith("y\ny\n"), result::toString);
            assertEquals("", result.err());
            Cli.Result left = cli.stdoutClosedAfter(Long.MAX_VALUE).run("exec", session, "--",
                    "for i in $(seq 50); do pgrep -x yes >/dev/null || { echo none; exit; }; sleep 0.1; done; echo running");
            assertEquals("none\n", left.out(), left::toString);
        }

        @Test
        void passesStandardInputToTheCommand() {
            Cli.Result result = cli.stdin("line one\nline two\n").run("exec", session, "--", "wc", "-l");
            assertEquals(0, result.status(), result::toString);
            assertEquals("2", result.out().trim());
        }

        @Test
        void quotesEachWordWhenGivenSeveral() {
            Cli.Result result = cli.run("exec", session, "--", "printf", "[%s]", "a b", "$HOME");
            assertEquals("[a b][$HOME]", result.out(), result::toString);
        }

        @Test
        void theHelpSaysThatSeveralWordsAreNotExpandedAsSshWould() {
            Cli.Result single = cli.run("exec", session, "--", "echo $HOME");
            assertTrue(single.out().startsWith("/"), "one word is expanded by the session's shell: " + single);
            Cli.Result several = cli.run("exec", session, "--", "echo", "$HOME");
            assertEquals("$HOME\n", several.out(), several::toString);
            String help = cli.run("exec", "--help").out().replaceAll("\\s+", " ");
            assertTrue(help.contains("sandgate exec sess-1 -- echo '$HOME' prints $HOME, where ssh would join the words"
                    + " with spaces and let the shell expand them"), help);
        }

        @Test
        void takesADirectoryAndVariables() {
            cli.run("exec", session, "--", "mkdir -p sub");
            Cli.Result result = cli.run("exec", "-C", "sub", "-e", "GREETING=hi there", session, "--",
                    "echo \"$GREETING in $(basename $PWD)\"");
            assertEquals("hi there in sub\n", result.out(), result::toString);
        }

        @Test
        void exits255WhenSandgateItselfFails() {
            Cli.Result result = cli.run("exec", "sess-does-not-exist", "--", "true");
            assertEquals(255, result.status(), result::toString);
            assertTrue(result.err().startsWith("sandgate: no such session: "), result::toString);
            assertTrue(result.err().contains("sess-does-not-exist"), result::toString);
        }

        @Test
        void exits255NamingTheFailureWhenSettingsAreMissingOrTheTokenIsRefused() {
            // a remote command may exit 3 or 4: only 255 is Sandgate's, and the line says which failure it was
            Cli.Result noUrl = cli.env("SANDGATE_API_URL", null).run("exec", session, "--", "true");
            assertEquals(255, noUrl.status(), noUrl::toString);
            assertTrue(noUrl.err().startsWith("sandgate: settings: "), noUrl::toString);
            Cli.Result refused = cli.env("SANDGATE_API_URL", GATEWAY.gateway().apiUrl().toString())
                    .env("SANDGATE_API_TOKEN", "not-a-valid-token-4711").run("exec", session, "--", "true");
            assertEquals(255, refused.status(), refused::toString);
            assertTrue(refused.err().startsWith("sandgate: token refused: "), refused::toString);
        }

        @Test
        void exits255OnBadUsageAsARemoteCommandMayExit2() {
            Cli.Result result = cli.run("exec", "--no-such-option", session, "--", "true");
            assertEquals(255, result.status(), result::toString);
            assertTrue(result.err().startsWith("sandgate: usage: "), result::toString);
        }

        @Test
        void aDirectoryThatCannotBeEnteredExits255AndRunsNothing() {
            Cli.Result result = cli.run("exec", "-C", "missing-dir", session, "--", "touch ran");
            assertEquals(255, result.status(), result::toString);
            assertTrue(result.err().startsWith("sandgate: failed: cannot run in the directory 'missing-dir' of "
                    + session), result::toString);
            assertEquals("no\n", cli.run("exec", session, "--", "test -e ran && echo yes || echo no").out());
        }
    }

    @Nested
    class Shell {
        @Test
        void runsWhatStandardInputSaysOnATerminalAndExitsWithItsStatus() {
            Cli.Result result = cli.stdin("echo \"cols=$(tput cols 2>/dev/null || stty size)\"; echo $((6 * 7)); exit 3\n")
                    .run("shell", session);
            assertEquals(3, result.status(), result::toString);
            assertTrue(result.out().contains("42"), result::toString);
        }

        @Test
        void aShellGoesOnAcrossACutThroughAResumingGateway() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            Thread cutter = cutOnceConnected(gateway, session, Duration.ofMillis(400));
            Cli.Result result = cli.stdin("cd /tmp; echo before; sleep 1.5; echo after-$((6 * 7)) in $PWD; exit 3\n")
                    .run("shell", session);
            cutter.join(10_000);
            assertEquals(3, result.status(), result::toString);
            assertTrue(result.out().contains("after-42 in /tmp"), result::toString);
            assertEquals(1, gateway.traffic(session).tunnelsOpened(), "one tunnel: " + result);
            assertEquals(1, gateway.traffic(session).tunnelsReattached(), "re-attached once: " + result);
        }
    }

    /**
     * Cuts the session's tunnels once, {@code after} the first one opened (a resumable tunnel re-attaches); gives up
     * after 20 s without a tunnel.
     */
    static Thread cutOnceConnected(LocalGateway gateway, String session, Duration after) {
        Thread cutter = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (gateway.traffic(session).tunnelsOpen() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(after.toMillis());
                gateway.cutTunnels(session);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tunnel-cutter");
        cutter.setDaemon(true);
        cutter.start();
        return cutter;
    }

    @Nested
    class OpenSshFiles {
        @Test
        void sshConfigWritesPrivateFilesAndRenewsOnlyWhenDue() throws Exception {
            Path dir = home.resolve("ssh");
            Cli.Result first = cli.run("ssh-config", "--dir", dir.toString(), session);
            assertEquals(0, first.status(), first::toString);
            Path key = dir.resolve(session).resolve("key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(session))));
            String config = Files.readString(dir.resolve("config"));
            assertTrue(config.contains("Host " + session + "\n"), config);
            assertTrue(config.contains("CertificateFile \"" + dir.resolve(session).resolve("key-cert.pub") + "\""), config);
            assertTrue(Files.readString(dir.resolve(session).resolve("known_hosts")).startsWith("# host CAs"));
            assertTrue(Files.readString(dir.resolve(session).resolve("known_hosts")).contains("@cert-authority " + session
                    + " ssh-ed25519 "));
            long minted = GATEWAY.gateway().certificatesMinted(session);
            String certificate = Files.readString(dir.resolve(session).resolve("key-cert.pub"));

            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            assertEquals(0, cli.run("renew", "--dir", dir.toString(), session).status());
            assertEquals(minted, GATEWAY.gateway().certificatesMinted(session), "fresh files are kept");
            assertEquals(certificate, Files.readString(dir.resolve(session).resolve("key-cert.pub")));

            assertEquals(0, cli.run("ssh-config", "--renew", "--dir", dir.toString(), session).status());
            assertEquals(minted + 1, GATEWAY.gateway().certificatesMinted(session));
            assertFalse(certificate.equals(Files.readString(dir.resolve(session).resolve("key-cert.pub"))));
        }

        @Test
        void renewMintsWhenTheFilesAreDueAndUsesTheApiTheyCameFrom() throws Exception {
            Path dir = home.resolve("ssh");
            // a two-second certificate is due for renewal at once (the gateway back-dates certificates by a minute); a
            // one-second one could end, in whole seconds, a millisecond after it was minted and be refused as expired
            assertEquals(0, cli.run("ssh-config", "--ttl", "2s", "--dir", dir.toString(), session).status());
            long minted = GATEWAY.gateway().certificatesMinted(session);
            String key = publicKey(dir.resolve(session));
            Cli.Result renewed = cli.env("SANDGATE_API_URL", null).run("renew", "--dir", dir.toString(), session);
            assertEquals(0, renewed.status(), renewed::toString);
            assertEquals(minted + 1, GATEWAY.gateway().certificatesMinted(session));
            Path certificate = dir.resolve(session).resolve("key-cert.pub");
            assertTrue(secondsLeft(certificate) <= 5, "the renewal asked for the lifetime ssh-config was given");
            assertEquals(key, publicKey(dir.resolve(session)),
                    "a renewal keeps the key, so an ssh reading key and certificate meanwhile finds a matching pair");

            assertEquals(0, cli.run("renew", "--ttl", "2h", "--dir", dir.toString(), session).status());
            assertTrue(secondsLeft(certificate) > 3600, "a lifetime named on the command line wins");
            Cli.Result again = cli.env("SANDGATE_API_URL", GATEWAY.gateway().apiUrl().toString())
                    .run("ssh-config", "--renew", "--dir", dir.toString(), session);
            assertEquals(0, again.status(), again::toString);
            assertTrue(secondsLeft(certificate) > 3600, "and is kept for the renewals after it");
            assertFalse(key.equals(publicKey(dir.resolve(session))), "--renew makes a new key");
        }

        /** The session's public key, without the comment (which names the certificate). */
        private String publicKey(Path sessionDir) throws IOException {
            String[] words = Files.readString(sessionDir.resolve("key.pub")).trim().split(" ");
            return words[0] + " " + words[1];
        }

        private long secondsLeft(Path certificateFile) throws IOException {
            OpenSshCertificate certificate = (OpenSshCertificate) SshKeys.parsePublicKey(
                    Files.readString(certificateFile).trim());
            return certificate.getValidBefore() - Instant.now().getEpochSecond();
        }

        @Test
        void aSessionThatDoesNotExistHasItsOwnStatus() throws IOException {
            Cli.Result result = cli.run("ssh-config", "--dir", home.resolve("ssh").toString(), "sess-nothing-here");
            assertEquals(ExitCodes.NO_SUCH_SESSION, result.status(), result::toString);
            assertFalse(Files.exists(home.resolve("ssh/sess-nothing-here/key")));
            assertFalse(Files.exists(home.resolve("ssh/config")), "nothing to connect to, so no config");

            Cli.Result some = cli.run("ssh-config", "--dir", home.resolve("ssh").toString(), session, "sess-nothing-here");
            assertEquals(ExitCodes.NO_SUCH_SESSION, some.status(), some::toString);
            assertTrue(some.err().contains("sess-nothing-here"), some::toString);
            assertTrue(Files.readString(home.resolve("ssh/config")).contains("Host " + session + "\n"),
                    "the session that exists is written and reachable all the same");
        }
    }

    @Nested
    class Settings {
        @Test
        void aMissingApiUrlSaysHowToGiveOne() {
            Cli.Result result = cli.env("SANDGATE_API_URL", null).run("sessions", "list");
            assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
            assertTrue(result.err().contains("SANDGATE_API_URL"), result::toString);
            assertTrue(result.err().contains("--api-url"), result::toString);
        }

        @Test
        void anApiUrlThatIsNotHttpOrCannotBeReachedSaysSo() {
            Cli.Result ftp = cli.env("SANDGATE_API_URL", "ftp://127.0.0.1/").run("sessions", "list");
            assertEquals(ExitCodes.SETTINGS, ftp.status(), ftp::toString);
            assertTrue(ftp.err().contains("'ftp://127.0.0.1/' is not an absolute http(s) URL"), ftp::toString);

            // port 9 (discard) on 127.0.0.1: nothing listens there on a test machine
            Cli.Result down = cli.env("SANDGATE_API_URL", "http://127.0.0.1:9/").run("sessions", "list");
            assertEquals(ExitCodes.UNREACHABLE, down.status(), down::toString);
            assertTrue(down.err().contains("127.0.0.1:9") && down.err().contains("nothing accepts connections"),
                    down::toString);
            assertFalse(down.err().contains("java."), "words, not a Java exception's name: " + down);
        }

        @Test
        void aMissingTokenSaysHowToGiveOne() {
            Cli.Result result = cli.env("SANDGATE_API_TOKEN", null).run("sessions", "list");
            assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
            assertTrue(result.err().contains("SANDGATE_API_TOKEN"), result::toString);
        }

        @Test
        void aGatewayThatRefusesTheTunnelExitsAsTheApiWould() throws Exception {
            // proxy opens the tunnel with the certificate ssh-config wrote, without asking the API: the gateway refuses
            Path dir = home.resolve("ssh");
            assertEquals(0, cli.run("ssh-config", "--dir", dir.toString(), session).status());
            Cli.Result badToken = cli.env("SANDGATE_API_TOKEN", "not-a-valid-token-4711")
                    .run("proxy", "--dir", dir.toString(), session);
            assertEquals(ExitCodes.TOKEN_REFUSED, badToken.status(), badToken::toString);
            cli.env("SANDGATE_API_TOKEN", GATEWAY.gateway().token());
            try (SandboxApi api = SandboxApi.builder().baseUrl(GATEWAY.gateway().apiUrl()).token(GATEWAY.gateway().token())
                    .build()) {
                api.deleteSession(session);
            }
            Cli.Result gone = cli.run("proxy", "--dir", dir.toString(), session);
            assertEquals(ExitCodes.NO_SUCH_SESSION, gone.status(), gone::toString);
        }

        @Test
        void aRefusedTokenHasItsOwnStatusAndIsNotShown() {
            Cli.Result result = cli.env("SANDGATE_API_TOKEN", "not-a-valid-token-4711").run("sessions", "list");
            assertEquals(ExitCodes.TOKEN_REFUSED, result.status(), result::toString);
            assertFalse(result.err().contains("4711"), result::toString);
        }

        @Test
        void theConfigFileGivesUrlAndTokenWhenTheEnvironmentDoesNot() throws Exception {
            Path config = home.resolve(".sandgate/config");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "api-url=" + GATEWAY.gateway().apiUrl() + "\ntoken=" + GATEWAY.gateway().token() + "\n");
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Cli.Result result = cli.env("SANDGATE_API_URL", null).env("SANDGATE_API_TOKEN", null)
                    .run("sessions", "get", session);
            assertEquals(0, result.status(), result::toString);
            assertTrue(result.out().contains(session), result::toString);
        }

        @Test
        void aTokenFileIsReadWhenPrivateAndRefusedWhenOthersCanReadIt() throws Exception {
            Path tokenFile = home.resolve("token");
            Files.writeString(tokenFile, GATEWAY.gateway().token() + "\n");
            Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
            Cli.Result read = cli.env("SANDGATE_API_TOKEN", null).run("sessions", "get", "--token-file", tokenFile.toString(),
                    session);
            assertEquals(0, read.status(), read::toString);

            Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
            Cli.Result refused = cli.env("SANDGATE_API_TOKEN", null).run("sessions", "get", "--token-file",
                    tokenFile.toString(), session);
            assertEquals(ExitCodes.SETTINGS, refused.status(), refused::toString);
            assertTrue(refused.err().contains("chmod 600 " + tokenFile), refused::toString);
            assertFalse(refused.err().contains(GATEWAY.gateway().token()), refused::toString);

            Cli.Result missing = cli.env("SANDGATE_API_TOKEN", null).run("sessions", "get", "--token-file",
                    home.resolve("no-such-token").toString(), session);
            assertEquals(ExitCodes.SETTINGS, missing.status(), missing::toString);
            assertFalse(missing.err().contains("Exception"), missing::toString);
        }

        @Test
        void aSessionIdThatWouldReachAnotherApiPathIsRefused() {
            for (String id : new String[] {"x/y", "../sessions", session + "/ssh"}) {
                Cli.Result result = cli.run("sessions", "get", id);
                assertEquals(ExitCodes.USAGE, result.status(), result::toString);
                assertTrue(result.err().contains("session id"), result::toString);
            }
        }

        @Test
        void aConfigFileWithATokenThatOthersCanReadIsRefused() throws Exception {
            Path config = home.resolve(".sandgate/config");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "token=" + GATEWAY.gateway().token() + "\n");
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
            Cli.Result result = cli.env("SANDGATE_API_TOKEN", null).run("sessions", "list");
            assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
            assertTrue(result.err().contains("chmod 600"), result::toString);
            assertFalse(result.err().contains(GATEWAY.gateway().token()), result::toString);
        }

        @Test
        void anUnknownSubcommandIsAUsageError() {
            Cli.Result result = cli.run("sessions", "frobnicate");
            assertEquals(ExitCodes.USAGE, result.status(), result::toString);
            assertTrue(result.err().contains("frobnicate"), result::toString);
            assertTrue(result.err().contains("Try 'sandgate sessions --help'"), result::toString);
            assertFalse(result.err().contains("Exit status"), "the error, not the whole help: " + result);

            Cli.Result badTtl = cli.run("ssh-config", "--ttl", "soon", session);
            assertEquals(ExitCodes.USAGE, badTtl.status(), badTtl::toString);
            assertTrue(badTtl.err().contains("'soon' is not a duration"), badTtl::toString);
        }
    }

    @Nested
    class Sessions {
        @Test
        void createGetListAndDeleteAsJson() throws Exception {
            ObjectMapper json = new ObjectMapper();
            Cli.Result created = cli.run("sessions", "create", "--json", "-m", "owner=me");
            assertEquals(0, created.status(), created::toString);
            JsonNode node = json.readTree(created.out());
            String id = node.path("session_id").asText();
            assertEquals("running", node.path("status").asText());
            assertEquals("me", node.path("metadata").path("owner").asText());

            JsonNode got = json.readTree(cli.run("sessions", "get", "--json", id).out());
            assertEquals(id, got.path("session_id").asText());

            JsonNode listed = json.readTree(cli.run("sessions", "list", "--json").out());
            assertTrue(listed.findValuesAsText("session_id").contains(id), listed::toString);

            assertEquals(0, cli.run("sessions", "delete", id).status());
            Cli.Result gone = cli.run("sessions", "get", id);
            assertEquals(ExitCodes.NO_SUCH_SESSION, gone.status(), gone::toString);
        }

        @Test
        void listsAsATableWithAHeader() {
            Cli.Result result = cli.run("sessions", "list");
            String[] lines = result.out().split("\n");
            assertTrue(lines[0].startsWith("ID") && lines[0].contains("STATUS"), result::toString);
            assertTrue(result.out().lines().anyMatch(line -> line.startsWith(session + " ") && line.contains("running")),
                    result::toString);
        }
    }

    @Nested
    class Copy {
        @Test
        void aFileUpAndBackDown() throws Exception {
            Path local = home.resolve("data.bin");
            byte[] bytes = new byte[3 * 1024 * 1024 + 17];
            new java.util.Random(7).nextBytes(bytes);
            Files.write(local, bytes);
            Cli.Result up = cli.run("cp", local.toString(), session + ":data.bin");
            assertEquals(0, up.status(), up::toString);
            assertEquals("", up.err());
            Path back = home.resolve("back.bin");
            assertEquals(0, cli.run("cp", session + ":data.bin", back.toString()).status());
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(back)));
        }

        @Test
        void aTreeIntoAnExistingDirectoryGoesUnderItsOwnName() throws Exception {
            Path tree = home.resolve("project");
            Files.createDirectories(tree.resolve("src/main"));
            Files.writeString(tree.resolve("README"), "hello");
            Files.writeString(tree.resolve("src/main/App.java"), "class App {}");
            cli.run("exec", session, "--", "mkdir -p into");
            Cli.Result up = cli.run("cp", "-r", tree.toString(), session + ":into");
            assertEquals(0, up.status(), up::toString);
            assertEquals("class App {}", cli.run("exec", session, "--", "cat into/project/src/main/App.java").out());

            Path down = home.resolve("down");
            assertEquals(0, cli.run("cp", "-r", session + ":into/project", down.toString()).status());
            assertEquals("hello", Files.readString(down.resolve("README")));
        }

        @Test
        void aDirectoryWithoutRecursiveIsRefused() throws Exception {
            Files.createDirectories(home.resolve("dir"));
            Cli.Result result = cli.run("cp", home.resolve("dir").toString(), session + ":dir");
            assertEquals(ExitCodes.USAGE, result.status(), result::toString);
            assertTrue(result.err().contains("-r"), result::toString);
        }

        @Test
        void aMissingSourceNamesItself() {
            Cli.Result result = cli.run("cp", session + ":no/such/file", home.resolve("x").toString());
            assertEquals(ExitCodes.FAILED, result.status(), result::toString);
            assertTrue(result.err().contains(session + ":no/such/file"), result::toString);
            assertFalse(Files.exists(home.resolve("x")));
        }

        @RepeatedTest(3)
        void aCopyCutByTheNetworkFailsLooksIncompleteAndARerunFinishesIt() throws Exception {
            Path local = home.resolve("big.bin");
            byte[] bytes = new byte[8 * 1024 * 1024];
            new java.util.Random(11).nextBytes(bytes);
            Files.write(local, bytes);
            LocalGateway gateway = GATEWAY.gateway();
            Path remote = gateway.sessionDirectory(session).resolve("big.bin");
            Files.deleteIfExists(remote);
            gateway.injectTunnelFault(TunnelFault.dropAfter(3 * 1024 * 1024, TunnelFault.Direction.TO_SESSION)
                    .forSession(session).times(1));
            Cli.Result cut = cli.run("cp", local.toString(), session + ":big.bin");
            assertTrue(cut.status() != 0, "a cut copy fails: " + cut);
            assertTrue(!Files.exists(remote) || Files.size(remote) < bytes.length,
                    "the cut file is shorter than its source, so it cannot pass for complete");

            Cli.Result rerun = cli.run("cp", local.toString(), session + ":big.bin");
            assertEquals(0, rerun.status(), rerun::toString);
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(remote)), "the rerun finishes it intact");
        }

        @Test
        void aCopyThroughAResumingGatewayGoesOnAcrossCuts() throws Exception {
            Path local = home.resolve("large.bin");
            byte[] bytes = new byte[64 * 1024 * 1024];
            new java.util.Random(26).nextBytes(bytes);
            Files.write(local, bytes);
            LocalGateway gateway = GATEWAY.gateway();
            Thread cutter = cutOnceConnected(gateway, session, Duration.ofMillis(250));
            Cli.Result up = cli.run("cp", local.toString(), session + ":large.bin");
            cutter.join(10_000);
            assertEquals(0, up.status(), up::toString);
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(gateway.sessionDirectory(session)
                    .resolve("large.bin"))), "the copy arrived intact");
            assertEquals(1, gateway.traffic(session).tunnelsOpened(), "one tunnel: " + up);
            assertEquals(1, gateway.traffic(session).tunnelsReattached(), "re-attached during the upload: " + up);

            Path back = home.resolve("large-back.bin");
            cutter = cutOnceConnected(gateway, session, Duration.ofMillis(250));
            Cli.Result down = cli.run("cp", session + ":large.bin", back.toString());
            cutter.join(10_000);
            assertEquals(0, down.status(), down::toString);
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(back)), "the download arrived intact");
            assertEquals(2, gateway.traffic(session).tunnelsOpened(), "one more tunnel: " + down);
            assertEquals(2, gateway.traffic(session).tunnelsReattached(), "re-attached during the download: " + down);
        }

        @Test
        void aTrailingSlashOnAMissingTargetIsADirectoryThatIsNotThere() throws Exception {
            Path local = home.resolve("notes.txt");
            Files.writeString(local, "notes");
            Cli.Result up = cli.run("cp", local.toString(), session + ":not-made-yet/");
            assertEquals(ExitCodes.FAILED, up.status(), up::toString);
            assertTrue(up.err().contains("not-made-yet/") && up.err().contains("create it first"), up::toString);
            assertEquals(1, cli.run("exec", session, "--", "test -e not-made-yet").status(), "no file took its name");

            cli.run("exec", session, "--", "mkdir -p made");
            assertEquals(0, cli.run("cp", local.toString(), session + ":made/").status());
            assertEquals("notes", cli.run("exec", session, "--", "cat made/notes.txt").out());
            Cli.Result down = cli.run("cp", session + ":made/notes.txt", home.resolve("missing").toString() + "/");
            assertEquals(ExitCodes.FAILED, down.status(), down::toString);
            assertFalse(Files.exists(home.resolve("missing")));
        }

        @Test
        void aTreeKeepsItsExecutableBitsAndNamesTheLinksItLeavesOut() throws Exception {
            Path tree = home.resolve("tools");
            Files.createDirectories(tree);
            Files.writeString(tree.resolve("run.sh"), "echo ran");
            Files.setPosixFilePermissions(tree.resolve("run.sh"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createSymbolicLink(tree.resolve("latest"), Path.of("run.sh"));
            Cli.Result up = cli.run("cp", "-r", tree.toString(), session + ":tools");
            assertEquals(0, up.status(), up::toString);
            assertTrue(up.err().contains(tree.resolve("latest") + " (symbolic link)"), up::toString);
            assertEquals("ran\n", cli.run("exec", session, "--", "./tools/run.sh").out(), "still executable");

            Cli.Result quiet = cli.run("cp", "-r", "-q", tree.toString(), session + ":tools");
            assertEquals(0, quiet.status(), quiet::toString);
            assertEquals("", quiet.err(), "-q names nothing");
        }

        @Test
        void twoLocalPathsAreAUsageError() {
            Cli.Result result = cli.run("cp", "a", "b");
            assertEquals(ExitCodes.USAGE, result.status(), result::toString);
        }
    }

    @Nested
    class Forward {
        @Test
        void aNegativeLocalPortIsRefusedAsAPort() {
            Cli.Result result = cli.run("forward", session, "-1:80");
            assertEquals(ExitCodes.USAGE, result.status(), result::toString);
            assertTrue(result.err().contains("'-1' is not a port"), result::toString);
        }
    }

    @Nested
    class Help {
        @Test
        void listsEveryCommandAndTheExitStatuses() {
            Cli.Result result = cli.run("--help");
            assertEquals(0, result.status());
            for (String command : new String[] {"proxy", "ssh-config", "exec", "shell", "cp", "forward", "sessions",
                    "local-gateway"}) {
                assertTrue(result.out().contains(command), command);
            }
            assertTrue(result.out().contains("Exit status"), result::toString);
        }
    }
}
