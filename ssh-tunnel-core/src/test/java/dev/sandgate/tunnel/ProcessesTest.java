package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Running commands as {@link Process}es, through {@code SandboxSsh.connect} and {@code start}. */
class ProcessesTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static SandboxSsh ssh;
    private static SshConnection connection;

    @BeforeAll
    static void connect() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        ssh = GatewayClients.WEBSOCKET.ssh(gateway);
        connection = ssh.connect(gateway.newSession());
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
        ssh.close();
    }

    @Test
    void stdinGoesInAndStdoutAndStderrComeOutSeparately() throws Exception {
        RemoteProcess process = connection.start("tr a-z A-Z; echo done >&2");
        try (OutputStream in = process.getOutputStream()) {
            in.write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("HELLO\nWORLD\n", new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("done\n", new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, assertTimeoutPreemptively(BOUND, () -> process.waitFor()));
        assertFalse(process.isAlive());
        assertTrue(process.onExit().get(5, TimeUnit.SECONDS) == process);
    }

    @Test
    void outputComesAsItIsWrittenNotAtTheEnd() throws Exception {
        RemoteProcess process = connection.start("echo first; sleep 30; echo never");
        try (BufferedReader lines = process.inputReader()) {
            assertEquals("first", assertTimeoutPreemptively(BOUND, lines::readLine));
            assertTrue(process.isAlive());
            assertThrows(IllegalThreadStateException.class, process::exitValue);
            assertFalse(process.waitFor(200, TimeUnit.MILLISECONDS));
            process.destroy();
            assertEquals(128 + 15, assertTimeoutPreemptively(BOUND, () -> process.waitFor()), "ended by TERM");
        }
    }

    @Test
    void stderrMergedIntoStdout() throws Exception {
        RemoteProcess process = connection.processBuilder("echo out; echo err >&2").redirectErrorStream(true).start();
        String all = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(all.contains("out\n") && all.contains("err\n"), all);
        assertEquals(-1, process.getErrorStream().read());
        assertEquals(0, process.waitFor());
    }

    @Test
    void environmentDirectoryAndArgumentsAsAProcessBuilderHasThem() throws Exception {
        connection.exec("mkdir -p work").check();
        RemoteProcess process = connection.processBuilder(List.of("sh", "-c", "pwd; echo \"$MODE\"", "a b"))
                .directory("work").environment("MODE", "it's set").start();
        String[] lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].endsWith("/work"), lines[0]);
        assertEquals("it's set", lines[1]);
        assertEquals(0, process.waitFor());
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aTimeLimitEndsSleep60AndLeavesNoProcess(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh own = clients.ssh(gateway); SshConnection on = own.connect(gateway.newSession())) {
            CommandTimeoutException stopped = assertTimeoutPreemptively(BOUND, () -> assertThrows(
                    CommandTimeoutException.class, () -> on.exec("echo $$; sleep 60", Duration.ofMillis(700))));
            long shell = Long.parseLong(stopped.partialResult().stdoutText().trim());
            for (int i = 0; i < 50 && alive(shell); i++) {
                Thread.sleep(100);
            }
            assertFalse(alive(shell), "the command's shell is gone");
            // this command's sleep only: another test run on the machine may have a sleep 60 of its own
            assertTrue(on.exec("ps -eo ppid=,args=").stdoutText().lines().map(String::trim)
                            .noneMatch(line -> line.equals(shell + " sleep 60")),
                    "ps shows no sleep 60 of the command's shell left");
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void destroyEndsTheWholeProcessGroup(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh own = clients.ssh(gateway); SshConnection on = own.connect(gateway.newSession())) {
            destroyEndsTheWholeProcessGroup(on);
        }
    }

    private void destroyEndsTheWholeProcessGroup(SshConnection on) throws Exception {
        RemoteProcess process = on.start("sleep 60 & echo $!; echo $$; wait");
        long child;
        long shell;
        try (BufferedReader lines = process.inputReader()) {
            child = Long.parseLong(lines.readLine());
            shell = Long.parseLong(lines.readLine());
        }
        process.destroy();
        assertEquals(128 + 15, assertTimeoutPreemptively(BOUND, () -> process.waitFor()));
        // the LocalGateway's commands run on this machine, so their pids can be checked from here
        for (int i = 0; i < 50 && (alive(child) || alive(shell)); i++) {
            Thread.sleep(100);
        }
        assertFalse(alive(child), "the background child ended with its group");
        assertFalse(alive(shell));
    }

    @Test
    void destroyForciblyEndsACommandThatIgnoresTerm() throws Exception {
        RemoteProcess process = connection.start("trap '' TERM; echo ready; sleep 60");
        try (BufferedReader lines = process.inputReader()) {
            assertEquals("ready", lines.readLine());
            process.destroy();
            assertFalse(process.waitFor(500, TimeUnit.MILLISECONDS), "TERM is ignored");
            process.destroyForcibly();
            assertTimeoutPreemptively(BOUND, () -> process.onExit().get());
            assertFalse(process.isAlive());
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aConnectionThatEndsEndsItsProcessesTyped(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        try (SandboxSsh own = clients.ssh(gateway)) {
            SshConnection doomed = own.connect(gateway.newSession());
            RemoteProcess process = doomed.start("sleep 60");
            doomed.close();
            assertTimeoutPreemptively(BOUND, () -> process.waitFor());
            assertTrue(process.connectionLost());
            assertEquals(255, process.exitValue());
            assertThrows(SandgateSshException.class, () -> doomed.start("true"));
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
