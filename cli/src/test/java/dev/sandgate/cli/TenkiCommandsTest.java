package dev.sandgate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.SshKeys;
import dev.sandgate.cert.TenkiApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TenkiFake;
import dev.sandgate.testkit.TenkiFakeExtension;

/** {@code sandgate --provider tenki} against the Tenki fake, run in this JVM as a Tenki user runs it. */
class TenkiCommandsTest {
    /** Certificates for 90 s, due for renewal 2 s after each mint. */
    @RegisterExtension
    static final TenkiFakeExtension TENKI = new TenkiFakeExtension(TenkiFake.builder()
            .certificateLifetime(Duration.ofSeconds(90)).renewalAfter(Duration.ofSeconds(2)));

    /** The default provider, to compare statuses with. */
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final String WRONG_TOKEN = "tk_wrong-4711";

    @TempDir
    Path home;

    /** The command line with Tenki's settings in the environment, as its users set them; the gateway is discovered. */
    Cli cli(TenkiFake tenki, TenkiFake.TokenKind kind) {
        return new Cli(home).env(TenkiApi.ENV_AUTH_TOKEN, tenki.token(kind))
                .env(TenkiApi.ENV_API_ENDPOINT, tenki.apiUrl().toString());
    }

    Cli cli(TenkiFake tenki) {
        return cli(tenki, TenkiFake.TokenKind.API_KEY);
    }

    /** Runs a command line and checks that no token of the fake's, nor the wrong one, is shown. */
    static Cli.Result run(TenkiFake tenki, Cli cli, String... args) {
        Cli.Result result = cli.run(args);
        List<String> tokens = new ArrayList<>(List.of(WRONG_TOKEN));
        for (TenkiFake.TokenKind kind : TenkiFake.TokenKind.values()) {
            tokens.add(tenki.token(kind));
        }
        for (String token : tokens) {
            assertFalse(result.out().contains(token) || result.err().contains(token), () -> "a token shown: " + result);
        }
        return result;
    }

    Path recorded() {
        return home.resolve(".sandgate").resolve(TenkiSettings.KNOWN_HOSTS);
    }

    /** Records the gateway's key as --accept-new-host-key would have, under these names. */
    void record(TenkiFake tenki, String... hosts) throws IOException {
        Files.createDirectories(recorded().getParent());
        List<String> lines = new ArrayList<>();
        for (String host : hosts) {
            lines.add("[" + host + "]:" + tenki.port() + " " + tenki.gatewayHostKeyLine());
        }
        Files.write(recorded(), lines);
    }

    static String fingerprint(TenkiFake tenki) {
        return SshKeys.fingerprint(tenki.gatewayHostKey());
    }

    @Nested
    class EachTokenKindAndGateway {
        @Test
        void execRunsACommandWithEveryKindOfTokenWhetherTheGatewayIsDiscoveredOrGiven() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1", "localhost");
            try {
                for (TenkiFake.TokenKind kind : TenkiFake.TokenKind.values()) {
                    for (boolean given : new boolean[] {false, true}) {
                        String label = kind + (given ? "/given" : "/discovered");
                        // given: a discovered gateway (edge.tenki.test over cleartext) or the derived one
                        // (sandbox-gateway.localhost) could not be reached, so only the variable's can be
                        tenki.gatewaysListed(tenki.gateway(given ? TenkiFake.EDGE_HOST : "localhost"));
                        String session = tenki.createSession();
                        Cli cli = new Cli(home).env(kind == TenkiFake.TokenKind.API_KEY ? TenkiApi.ENV_API_KEY
                                : TenkiApi.ENV_AUTH_TOKEN, tenki.token(kind));
                        if (given) {
                            cli.env(TenkiApi.ENV_API_URL, tenki.apiUrl("localhost").toString())
                                    .env(TenkiApi.ENV_GATEWAY_URL, tenki.gatewayUrl().toString());
                        } else {
                            cli.env(TenkiApi.ENV_API_ENDPOINT, tenki.apiUrl().toString());
                        }
                        int before = tenki.upgrades().size();
                        Cli.Result result = run(tenki, cli, "--provider", "tenki", "exec", session, "--",
                                "echo " + label + "; echo to-stderr >&2; exit 3");
                        assertEquals(3, result.status(), () -> label + ": " + result);
                        assertEquals(label + "\n", result.out(), label);
                        assertEquals("to-stderr\n", result.err(), label);
                        TenkiFake.Upgrade upgrade = tenki.upgrades().get(before);
                        assertEquals((given ? "127.0.0.1:" : "localhost:") + tenki.port(), upgrade.host(), label);
                        assertEquals(kind, upgrade.credential(), label);
                        assertEquals(1, tenki.certificatesMinted(session), label);
                    }
                }
            } finally {
                tenki.gatewaysListed(tenki.gateway("127.0.0.1"));
            }
        }

        @Test
        void cpMovesAFileBySftpBothWays() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            String session = tenki.createSession();
            byte[] content = "a line for the sandbox\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
            Path local = Files.write(home.resolve("up.txt"), content);
            Cli.Result up = run(tenki, cli(tenki, TenkiFake.TokenKind.SESSION_TOKEN), "--provider", "tenki", "cp",
                    local.toString(), session + ":moved.txt");
            assertEquals(0, up.status(), up::toString);
            assertArrayEquals(content, Files.readAllBytes(tenki.sessionDirectory(session).resolve("moved.txt")));
            Path back = home.resolve("back.txt");
            Cli.Result down = run(tenki, cli(tenki, TenkiFake.TokenKind.COOKIE), "--provider", "tenki", "cp",
                    session + ":moved.txt", back.toString());
            assertEquals(0, down.status(), down::toString);
            assertArrayEquals(content, Files.readAllBytes(back));
        }

        @Test
        void shellRunsWhatStandardInputSays() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            Cli.Result result = run(tenki, cli(tenki).stdin("echo $((6 * 7)); exit 4\n"), "--provider", "tenki",
                    "shell", tenki.createSession());
            assertEquals(4, result.status(), result::toString);
            assertTrue(result.out().contains("42"), result::toString);
        }
    }

    @Nested
    class ChoosingTheProvider {
        @Test
        void theOptionAfterTheSubcommandTheVariableAndTheConfigFileChooseTenki() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            String session = tenki.createSession();
            Cli.Result option = run(tenki, cli(tenki), "exec", "--provider=tenki", session, "--", "echo option");
            assertEquals("option\n", option.out(), option::toString);
            Cli.Result variable = run(tenki, cli(tenki).env("SANDGATE_PROVIDER", "tenki"), "exec", session, "--",
                    "echo variable");
            assertEquals("variable\n", variable.out(), variable::toString);
            Path config = Files.writeString(home.resolve(".sandgate/config"), "provider=tenki\n");
            Cli.Result fromConfig = run(tenki, cli(tenki), "exec", session, "--", "echo config");
            assertEquals("config\n", fromConfig.out(), fromConfig::toString);
            // the option wins over the file
            Cli.Result overridden = run(tenki, cli(tenki).env("SANDGATE_API_URL", "http://127.0.0.1:9/")
                    .env("SANDGATE_API_TOKEN", "sandgate-token"), "--provider", "sandgate", "exec", session, "--", "true");
            assertEquals(255, overridden.status(), overridden::toString);
            assertTrue(overridden.err().startsWith("sandgate: gateway failed: "), overridden::toString);
            Files.delete(config);
        }

        @Test
        void sessionsIsRefusedClearlyForItSpeaksSandgatesApiOnly() {
            TenkiFake tenki = TENKI.fake();
            int before = tenki.upgrades().size();
            for (String[] args : List.of(new String[] {"sessions", "list", "--provider", "tenki"},
                    new String[] {"--provider", "tenki", "sessions", "create"})) {
                Cli.Result result = run(tenki, cli(tenki), args);
                assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
                assertTrue(result.err().contains("Sandgate's session API, which Tenki does not offer"), result::toString);
            }
            assertEquals(before, tenki.upgrades().size());
        }

        @Test
        void aMissingTokenIsASettingsErrorAndSandgatesTokenIsNeverSentToTenki() {
            TenkiFake tenki = TENKI.fake();
            Cli.Result result = run(tenki, new Cli(home).env(TenkiApi.ENV_API_ENDPOINT, tenki.apiUrl().toString())
                    .env("SANDGATE_API_TOKEN", tenki.token(TenkiFake.TokenKind.API_KEY)),
                    "--provider", "tenki", "cp", tenki.createSession() + ":x", home.toString());
            assertEquals(ExitCodes.SETTINGS, result.status(), result::toString);
            assertTrue(result.err().contains(TenkiApi.ENV_AUTH_TOKEN) && result.err().contains(TenkiApi.ENV_API_KEY),
                    result::toString);
        }

        @Test
        void anUnknownProviderAConnectTransportAndAcceptNewWithoutTenkiAreSettingsErrors() {
            TenkiFake tenki = TENKI.fake();
            String session = tenki.createSession();
            Cli.Result unknown = run(tenki, cli(tenki), "--provider", "e2b", "cp", session + ":x", home.toString());
            assertEquals(ExitCodes.SETTINGS, unknown.status(), unknown::toString);
            assertTrue(unknown.err().contains("Unknown provider 'e2b': use sandgate or tenki"), unknown::toString);
            Cli.Result connect = run(tenki, cli(tenki), "--provider", "tenki", "cp", "--transport", "connect",
                    session + ":x", home.toString());
            assertEquals(ExitCodes.SETTINGS, connect.status(), connect::toString);
            assertTrue(connect.err().contains("WebSocket only"), connect::toString);
            // SANDGATE_TRANSPORT is a setting of Sandgate's gateways: Tenki's takes no notice of it
            Cli.Result sandgatesSetting = run(tenki, cli(tenki).env("SANDGATE_TRANSPORT", "connect"), "--provider",
                    "tenki", "--accept-new-host-key", "exec", session, "--", "echo", "tenki");
            assertEquals(0, sandgatesSetting.status(), sandgatesSetting::toString);
            assertEquals("tenki\n", sandgatesSetting.out(), sandgatesSetting::toString);
            Cli.Result acceptNew = run(tenki, Cli.against(GATEWAY.gateway(), home), "--accept-new-host-key", "cp",
                    "sess-x:x", home.toString());
            assertEquals(ExitCodes.SETTINGS, acceptNew.status(), acceptNew::toString);
            assertTrue(acceptNew.err().contains("--accept-new-host-key is for --provider tenki"), acceptNew::toString);
        }
    }

    @Nested
    class Refusals {
        @Test
        void aWrongTokenAnUnknownSessionAndAPausedSessionExitAsWithTheDefaultProvider() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            String running = tenki.createSession();
            String paused = tenki.createSession();
            tenki.pauseSession(paused);

            Cli.Result wrong = run(tenki, cli(tenki).env(TenkiApi.ENV_AUTH_TOKEN, WRONG_TOKEN), "--provider", "tenki",
                    "cp", running + ":x", home.toString());
            assertEquals(ExitCodes.TOKEN_REFUSED, wrong.status(), wrong::toString);
            Cli.Result otherAccount = run(tenki, cli(tenki).env(TenkiApi.ENV_AUTH_TOKEN,
                    tenki.newAccountToken(TenkiFake.TokenKind.COOKIE)), "--provider", "tenki", "cp", running + ":x",
                    home.toString());
            assertEquals(ExitCodes.TOKEN_REFUSED, otherAccount.status(), otherAccount::toString);
            Cli.Result unknown = run(tenki, cli(tenki), "--provider", "tenki", "cp", "no-such-session:x", home.toString());
            assertEquals(ExitCodes.NO_SUCH_SESSION, unknown.status(), unknown::toString);
            assertTrue(unknown.err().contains("no-such-session"), unknown::toString);

            Cli.Result tenkiPaused = run(tenki, cli(tenki), "--provider", "tenki", "cp", paused + ":x", home.toString());
            LocalGateway gateway = GATEWAY.gateway();
            String sandgatePaused;
            try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
                sandgatePaused = api.createSession(NewSession.builder().build()).id();
            }
            gateway.pauseSession(sandgatePaused);
            Cli.Result defaultPaused = Cli.against(gateway, home).run("cp", sandgatePaused + ":x", home.toString());
            assertEquals(defaultPaused.status(), tenkiPaused.status(), () -> tenkiPaused + "\n" + defaultPaused);
            assertEquals(ExitCodes.UNREACHABLE, tenkiPaused.status(), tenkiPaused::toString);
            assertTrue(tenkiPaused.err().contains(paused), tenkiPaused::toString);

            // exec keeps its statuses for the remote command: 255, and the line names the failure
            Cli.Result execWrong = run(tenki, cli(tenki).env(TenkiApi.ENV_AUTH_TOKEN, WRONG_TOKEN), "--provider",
                    "tenki", "exec", running, "--", "true");
            assertEquals(255, execWrong.status(), execWrong::toString);
            assertTrue(execWrong.err().startsWith("sandgate: token refused: "), execWrong::toString);
            Cli.Result execUnknown = run(tenki, cli(tenki), "--provider", "tenki", "exec", "no-such-session", "--",
                    "true");
            assertEquals(255, execUnknown.status(), execUnknown::toString);
            assertTrue(execUnknown.err().startsWith("sandgate: no such session: "), execUnknown::toString);
            Cli.Result execPaused = run(tenki, cli(tenki), "--provider", "tenki", "exec", paused, "--", "true");
            assertEquals(255, execPaused.status(), execPaused::toString);
            assertTrue(execPaused.err().startsWith("sandgate: gateway failed: "), execPaused::toString);
        }
    }

    @Nested
    class GatewayKeys {
        @Test
        void theFirstConnectionIsRefusedNamingTheKeyAndTheOptionAndRecordsNothing() {
            TenkiFake tenki = TENKI.fake();
            String session = tenki.createSession();
            Cli.Result cp = run(tenki, cli(tenki), "--provider", "tenki", "cp", session + ":x", home.toString());
            assertEquals(ExitCodes.SSH_REFUSED, cp.status(), cp::toString);
            assertTrue(cp.err().contains(fingerprint(tenki)) && cp.err().contains("--accept-new-host-key")
                    && cp.err().contains(recorded().toString()), cp::toString);
            for (String command : new String[] {"exec", "shell"}) {
                Cli.Result result = command.equals("exec")
                        ? run(tenki, cli(tenki), "--provider", "tenki", "exec", session, "--", "touch ran")
                        : run(tenki, cli(tenki).stdin("touch ran\n"), "--provider", "tenki", "shell", session);
                assertEquals(255, result.status(), result::toString);
                assertTrue(result.err().startsWith("sandgate: ssh refused: "), result::toString);
                assertTrue(result.err().contains(fingerprint(tenki)) && result.err().contains("--accept-new-host-key"),
                        result::toString);
            }
            assertFalse(Files.exists(recorded()), "nothing recorded");
            assertFalse(Files.exists(tenki.sessionDirectory(session).resolve("ran")), "nothing ran");
        }

        @Test
        void theOptionRecordsTheKeyAndSaysSoAndLaterConnectionsNeedNoOption() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String session = tenki.createSession();
            Cli.Result first = run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "exec", session,
                    "--", "echo first");
            assertEquals(0, first.status(), first::toString);
            assertEquals("first\n", first.out());
            assertEquals("sandgate: permanently added the host key of the Tenki gateway [127.0.0.1]:" + tenki.port()
                    + " (ssh-ed25519 " + fingerprint(tenki) + ") to " + recorded() + "\n", first.err());
            String line = Files.readString(recorded());
            assertEquals("[127.0.0.1]:" + tenki.port() + " " + tenki.gatewayHostKeyLine().split(" ")[0] + " "
                    + tenki.gatewayHostKeyLine().split(" ")[1] + "\n", line);

            Cli.Result later = run(tenki, cli(tenki), "--provider", "tenki", "exec", session, "--", "echo later");
            assertEquals(0, later.status(), later::toString);
            assertEquals("", later.err());
            Cli.Result again = run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "exec", session,
                    "--", "true");
            assertEquals("", again.err(), "a key already recorded is not recorded again");
            assertEquals(line, Files.readString(recorded()));
        }

        @Test
        void aRotatedGatewayKeyIsRefusedWhateverTheOptions() throws Exception {
            try (TenkiFake tenki = TenkiFake.start()) {
                String session = tenki.createSession();
                String old = fingerprint(tenki);
                assertEquals(0, run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "exec", session,
                        "--", "true").status());
                String line = Files.readString(recorded());
                tenki.rotateGatewayHostKey();
                String now = fingerprint(tenki);

                Cli.Result withOption = run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "cp",
                        session + ":x", home.toString());
                assertEquals(ExitCodes.SSH_REFUSED, withOption.status(), withOption::toString);
                assertTrue(withOption.err().contains(old) && withOption.err().contains(now)
                        && withOption.err().contains("--accept-new-host-key never replaces a recorded key"),
                        withOption::toString);
                Cli.Result without = run(tenki, cli(tenki), "--provider", "tenki", "cp", session + ":x",
                        home.toString());
                assertEquals(ExitCodes.SSH_REFUSED, without.status(), without::toString);
                assertTrue(without.err().contains(now) && without.err().contains(recorded().toString()),
                        without::toString);
                Cli.Result exec = run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "exec",
                        session, "--", "touch ran");
                assertEquals(255, exec.status(), exec::toString);
                assertTrue(exec.err().startsWith("sandgate: ssh refused: ") && exec.err().contains(now),
                        exec::toString);
                assertEquals(line, Files.readString(recorded()), "the recorded key is kept");
                assertFalse(Files.exists(tenki.sessionDirectory(session).resolve("ran")), "nothing ran");
            }
        }
    }

    @Nested
    class OpenSshFiles {
        @Test
        void sshConfigWritesTheRecordedKeyForOpenSshAndRefusesAnUnrecordedOne() throws Exception {
            TenkiFake tenki = TENKI.fake();
            String session = tenki.createSession();
            Path dir = home.resolve("ssh");
            Cli.Result refused = run(tenki, cli(tenki), "--provider", "tenki", "ssh-config", "--dir", dir.toString(),
                    session);
            assertEquals(ExitCodes.SSH_REFUSED, refused.status(), refused::toString);
            assertTrue(refused.err().contains(fingerprint(tenki)) && refused.err().contains("--accept-new-host-key"),
                    refused::toString);
            assertFalse(Files.exists(dir.resolve(session)), "no files for a session whose gateway is not trusted");
            assertFalse(Files.exists(dir.resolve("config")));

            Cli.Result written = run(tenki, cli(tenki), "--provider", "tenki", "--accept-new-host-key", "ssh-config",
                    "--dir", dir.toString(), session);
            assertEquals(0, written.status(), written::toString);
            assertTrue(written.out().contains("certificate for tenki"), written::toString);
            String recordedKey = Files.readString(recorded()).trim().split(" ", 2)[1];
            List<String> knownHosts = Files.readAllLines(dir.resolve(session).resolve("known_hosts"));
            assertEquals(session + " " + recordedKey, knownHosts.get(knownHosts.size() - 1));
            String config = Files.readString(dir.resolve("config"));
            assertTrue(config.contains("  User tenki\n") && config.contains("  HostKeyAlias " + session + "\n")
                    && config.contains(" proxy --provider=tenki --dir ") && config.contains(" renew --provider=tenki --dir "),
                    config);
        }

        @Test
        void theProxyOpensTheTunnelWithTheTokenTheWayItsPrefixSaysAndExitsAsTheApiWouldWhenRefused() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            String session = tenki.createSession();
            Path dir = home.resolve("ssh");
            assertEquals(0, run(tenki, cli(tenki), "--provider", "tenki", "ssh-config", "--dir", dir.toString(), session)
                    .status());
            int before = tenki.upgrades().size();
            // the files are fresh: the proxy asks no API, and the gateway itself refuses the token
            Cli.Result refused = run(tenki, cli(tenki).env(TenkiApi.ENV_AUTH_TOKEN, WRONG_TOKEN), "proxy",
                    "--provider=tenki", "--dir", dir.toString(), session);
            assertEquals(ExitCodes.TOKEN_REFUSED, refused.status(), refused::toString);
            Cli.Result banner = run(tenki, cli(tenki, TenkiFake.TokenKind.SESSION_TOKEN).stdin("SSH-2.0-probe\r\n"),
                    "proxy", "--provider=tenki", "--dir", dir.toString(), session);
            assertEquals(0, banner.status(), banner::toString);
            assertTrue(banner.out().startsWith("SSH-2.0-"), banner::toString);
            List<TenkiFake.Upgrade> upgrades = tenki.upgrades().subList(before, tenki.upgrades().size());
            assertEquals(401, upgrades.get(0).status());
            assertEquals(TenkiFake.TokenKind.SESSION_TOKEN, upgrades.get(1).credential());
        }

        @Test
        void theFilesAreRenewedAfterRenewalAfterAndNotBefore() throws Exception {
            TenkiFake tenki = TENKI.fake();
            record(tenki, "127.0.0.1");
            String session = tenki.createSession();
            Path dir = home.resolve("ssh");
            assertEquals(0, run(tenki, cli(tenki), "--provider", "tenki", "ssh-config", "--dir", dir.toString(), session)
                    .status());
            Path certificate = dir.resolve(session).resolve("key-cert.pub");
            String minted = Files.readString(certificate);
            String knownHosts = Files.readString(dir.resolve(session).resolve("known_hosts"));
            long mints = tenki.certificatesMinted(session);
            Cli.Result early = run(tenki, cli(tenki), "renew", "--provider=tenki", "--dir", dir.toString(), session);
            assertEquals(0, early.status(), early::toString);
            assertEquals(mints, tenki.certificatesMinted(session), "fresh files are kept before renewalAfter");

            Thread.sleep(2_500); // the fake's renewalAfter is 2 s
            // the API the files were minted with is kept with them, as the proxy's renewals need no variable
            Cli.Result due = run(tenki, cli(tenki).env(TenkiApi.ENV_API_ENDPOINT, null), "renew", "--provider=tenki",
                    "--dir", dir.toString(), session);
            assertEquals(0, due.status(), due::toString);
            assertEquals(mints + 1, tenki.certificatesMinted(session));
            assertNotEquals(minted, Files.readString(certificate));
            assertEquals(knownHosts, Files.readString(dir.resolve(session).resolve("known_hosts")),
                    "a renewal keeps the gateway key OpenSSH checks");
        }
    }
}
