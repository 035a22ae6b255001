package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** A shell whose state persists between commands, and code run as the sandbox SDKs' run_code does. */
class ShellSessionTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static SandboxSsh ssh;
    private static SshConnection connection;

    @BeforeAll
    static void connect() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        ssh = GatewayClients.CONNECT.ssh(gateway);
        connection = ssh.connect(gateway.newSession());
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
        ssh.close();
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void cdAndExportPersistAndEachCommandReportsItsStatusAndDirectory(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh own = clients.ssh(gateway); SshConnection on = own.connect(gateway.newSession());
             ShellSession shell = on.openShell()) {
            ShellSession.Result made = shell.run("mkdir -p deep/er && cd deep/er && export MODE='a b'");
            assertEquals(0, made.exitCode());
            assertTrue(made.workingDirectory().endsWith("/deep/er"), made.workingDirectory());
            ShellSession.Result echoed = shell.run("echo \"$MODE\" in \"$(basename \"$PWD\")\"; echo warn >&2");
            assertEquals("a b in er\n", echoed.stdoutText());
            assertEquals("warn\n", echoed.stderrText());
            ShellSession.Result failed = shell.run("false");
            assertEquals(1, failed.exitCode());
            assertEquals("", failed.stdoutText());
        }
    }

    @Test
    void outputWithoutATrailingNewlineOrWithUnderscoresIsKeptExactly() throws Exception {
        try (ShellSession shell = connection.openShell()) {
            assertEquals("no newline___", shell.run("printf 'no newline___'").stdoutText());
            assertEquals("x".repeat(300_000), shell.run("head -c 300000 /dev/zero | tr '\\0' x").stdoutText());
            assertEquals("after\n", shell.run("echo after").stdoutText(), "the stream stays in step");
        }
    }

    @Test
    void binaryOutputComesBackByteForByte() throws Exception {
        try (ShellSession shell = connection.openShell()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {(byte) 0xff, 0, 'x'},
                    shell.run("printf '\\377\\000x'").stdout());
        }
    }

    @Test
    void aCommandThatReadsStdinGetsEndOfFileNotTheNextCommands() throws Exception {
        try (ShellSession shell = connection.openShell()) {
            assertEquals("", assertTimeoutPreemptively(BOUND, () -> shell.run("cat")).stdoutText());
            assertEquals("next\n", shell.run("echo next").stdoutText());
        }
    }

    @Test
    void aTimeLimitEndsTheShellTyped() throws Exception {
        ShellSession shell = connection.openShell();
        CommandTimeoutException stopped = assertTimeoutPreemptively(BOUND, () -> assertThrows(
                CommandTimeoutException.class, () -> shell.run("echo started; echo warn >&2; sleep 30",
                        Duration.ofSeconds(3))));
        // what it wrote before the limit, as exec's timeout gives it
        assertTrue(stopped.partialResult().timedOut());
        assertEquals("started\n", stopped.partialResult().stdoutText());
        assertEquals("warn\n", stopped.partialResult().stderrText());
        assertTimeoutPreemptively(BOUND, () -> {
            while (shell.isOpen()) {
                Thread.sleep(20);
            }
        });
        assertThrows(SandgateSshException.class, () -> shell.run("echo again"));
    }

    @Test
    void exitingTheShellEndsTheSessionTyped() throws Exception {
        try (ShellSession shell = connection.openShell()) {
            assertThrows(SandgateSshException.class, () -> shell.run("exit 3"));
            assertFalse(shell.isOpen());
        }
    }

    @Test
    void codeRunsInPythonAndBash() throws Exception {
        ExecResult python = connection.runCode(CodeLanguage.PYTHON, "import sys\nprint(sum(range(10)))\n"
                + "print('oops', file=sys.stderr)\nsys.exit(2)\n", BOUND);
        assertEquals("45\n", python.stdoutText());
        assertEquals("oops\n", python.stderrText());
        assertEquals(2, python.exitCode());
        ExecResult bash = connection.runCode(CodeLanguage.BASH, "a=(x y z)\necho ${#a[@]}\n", BOUND).check();
        assertEquals("3\n", bash.stdoutText());
    }

    @Test
    void codeRunsInJavaScript() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(connection.exec("command -v node").exitCode() == 0,
                "no node on this machine's PATH");
        ExecResult node = connection.runCode(CodeLanguage.JAVASCRIPT, "console.log(6 * 7)", BOUND).check();
        assertEquals("42\n", node.stdoutText());
    }
}
