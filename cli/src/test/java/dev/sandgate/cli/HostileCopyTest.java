package dev.sandgate.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.SftpFault;

/**
 * {@code sandgate cp -r} from a sandbox whose SFTP server attacks the machine (the LocalGateway's hostile server):
 * names that climb out of the target, files that never end, names that carry terminal escapes. Runs in a JVM of its
 * own at {@code -Xmx256m} (see the module's pom).
 */
class HostileCopyTest {
    private static final int MIB = 1024 * 1024;

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
            session = api.createSession(NewSession.builder().build()).id();
        }
        Path dir = Files.createDirectories(gateway.sessionDirectory(session).resolve("dir"));
        Files.writeString(dir.resolve("ok.txt"), "a genuine file\n");
    }

    /** Finding 1: each name climbs out of DST (a/b/target) to a file the user owns or a place of its choosing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../../victim.txt", "../../evildir", "climb", "a/b"})
    void aNameThatClimbsOutFailsTheCopyAndNothingLandsOutsideTheTarget(String name) throws Exception {
        Path victim = Files.createDirectories(home.resolve("a")).resolve("victim.txt");
        Files.writeString(victim, "the user's own file\n");
        Path planted = home.resolve("planted.txt");
        String served = name.equals("climb") ? "../".repeat(11) + planted.toString().substring(1) : name;
        SftpFault fault = name.endsWith("evildir")
                ? SftpFault.directory("dir", served, 0777)
                : SftpFault.file("dir", served, "pwned\n".getBytes(UTF_8), 04755);
        GATEWAY.gateway().serveHostileSftp(session, fault);

        Path target = home.resolve("a/b/target");
        Cli.Result result = cli.run("cp", "-r", session + ":dir", target.toString());

        assertNotEquals(0, result.status(), result::toString);
        assertTrue(result.err().contains("not a single file name"), result::toString);
        HostileValuesTest.assertTerminalSafe(result.out() + result.err());
        assertEquals("the user's own file\n", Files.readString(victim));
        assertFalse(Files.exists(home.resolve("a/evildir"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(planted, LinkOption.NOFOLLOW_LINKS));
    }

    /** Finding 7 through cp: a name that would retitle the terminal and forge a line is refused and shown escaped. */
    @Test
    void aNameWithTerminalEscapesAndAClimbIsShownEscaped() throws Exception {
        GATEWAY.gateway().serveHostileSftp(session, SftpFault.file("dir",
                "../\u001b]0;pwned\u0007\u001b[2J\rall good, nothing skipped", new byte[1], 0644));
        Cli.Result result = cli.run("cp", "-r", session + ":dir", home.resolve("down").toString());
        assertNotEquals(0, result.status(), result::toString);
        HostileValuesTest.assertTerminalSafe(result.out() + result.err());
        assertTrue(result.err().contains("\\033]0;pwned\\007\\033[2J\\rall good"), result::toString);
    }

    /** Finding 3: listed as 1 MiB, never ends; and a file that grows past its listing. */
    @Test
    void aFileThatNeverEndsIsCutAtItsListedSizeAndNamed() throws Exception {
        GATEWAY.gateway().serveHostileSftp(session, SftpFault.endlessFile("dir", "big.bin", MIB),
                SftpFault.growingFile("dir", "grows.log", 1000, 250_000));
        Path down = home.resolve("down");
        long start = System.nanoTime();

        Cli.Result result = cli.run("cp", "-r", session + ":dir", down.toString());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(0, result.status(), result::toString);
        assertEquals(MIB, Files.size(down.resolve("big.bin")));
        assertEquals(1000, Files.size(down.resolve("grows.log")));
        assertEquals("a genuine file\n", Files.readString(down.resolve("ok.txt")));
        assertTrue(result.err().contains("file changed as we read it: ") && result.err().contains("big.bin (cut at the "
                + MIB + " bytes it was listed with)"), result::toString);
        assertTrue(result.err().contains("grows.log (cut at the 1000 bytes"), result::toString);
        assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "took " + took);

        // one file on its own too: the same bound
        Path single = home.resolve("single.bin");
        Cli.Result one = cli.run("cp", session + ":dir/big.bin", single.toString());
        assertEquals(0, one.status(), one::toString);
        assertEquals(MIB, Files.size(single));
    }
}
