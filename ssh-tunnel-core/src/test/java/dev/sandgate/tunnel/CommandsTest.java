package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Commands with options, through the door users use: {@code SandboxSsh.connect} then {@code exec}. */
class CommandsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

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

    @Nested
    class Options {
        @Test
        void environmentAndWorkingDirectoryAreSetForTheCommand() throws Exception {
            connection.exec("mkdir -p 'a dir'").check();
            ExecResult result = connection.exec("pwd; printf '%s|%s' \"$GREETING\" \"$OTHER\"", ExecOptions.builder()
                    .workingDirectory("a dir")
                    .environment("GREETING", "it's $HOME `date` \"quoted\"")
                    .environment("OTHER", "")
                    .build()).check();
            String[] lines = result.stdoutText().split("\n");
            assertTrue(lines[0].endsWith("/a dir"), lines[0]);
            assertEquals("it's $HOME `date` \"quoted\"|", lines[1], "values reach the command as they were");
        }

        @Test
        void aWorkingDirectoryThatDoesNotExistFailsTheCommandNotTheConnection() throws Exception {
            ExecResult result = connection.exec("echo ran",
                    ExecOptions.builder().workingDirectory("no-such-dir").build());
            assertTrue(result.exitCode() != 0, "exit " + result.exitCode());
            assertEquals("", result.stdoutText(), "the command must not run elsewhere");
            assertEquals("ok\n", connection.exec("echo ok").stdoutText());
        }

        @Test
        void stdinIsFedAndThenClosed() throws Exception {
            byte[] input = new byte[3 * 1024 * 1024];
            new Random(7).nextBytes(input);
            ExecResult result = connection.exec("cat", ExecOptions.builder().stdin(input).build()).check();
            assertArrayEquals(input, result.stdout());
        }

        @Test
        void stdinCanBeAStreamReadToItsEnd() throws Exception {
            java.io.InputStream lines = new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream("b\na\n".getBytes(StandardCharsets.US_ASCII)),
                    new java.io.ByteArrayInputStream("c\n".getBytes(StandardCharsets.US_ASCII)));
            ExecResult sorted = connection.exec("sort", ExecOptions.builder().stdin(lines).build()).check();
            assertEquals("a\nb\nc\n", sorted.stdoutText());
        }

        @Test
        void aCommandThatNeverReadsItsInputStillEndsOnTime() throws Exception {
            ExecResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> connection.exec("echo done",
                    ExecOptions.builder().stdin(new byte[16 * 1024 * 1024]).build()));
            assertEquals("done\n", result.stdoutText());
        }

        @Test
        void outputPastTheCapIsCountedDroppedAndFlagged() throws Exception {
            ExecResult result = connection.exec("head -c 100000 /dev/zero; echo err >&2",
                    ExecOptions.builder().maxOutput(1000).build());
            assertEquals(1000, result.stdout().length);
            assertEquals(100_000, result.stdoutBytes());
            assertTrue(result.stdoutTruncated());
            assertFalse(result.stderrTruncated());
            assertTrue(result.truncated());
            assertEquals("err\n", result.stderrText());
        }

        @Test
        void streamedOutputArrivesWholeWhateverTheCap() throws Exception {
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            ByteArrayOutputStream streamedErr = new ByteArrayOutputStream();
            ExecResult result = connection.exec("seq 1 20000; echo warn >&2", ExecOptions.builder()
                    .maxOutput(10)
                    .streamStdout(streamed)
                    .streamStderr(streamedErr)
                    .build());
            String all = streamed.toString(StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("1\n2\n") && all.endsWith("\n20000\n"), all.length() + " characters");
            assertEquals(all.length(), result.stdoutBytes());
            assertEquals("1\n2\n3\n4\n5\n", result.stdoutText());
            assertEquals("warn\n", streamedErr.toString(StandardCharsets.US_ASCII));
        }

        @Test
        void badOptionsAreRefusedBeforeAnythingRuns() {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> connection.exec("true", Duration.ZERO));
            assertTrue(zero.getMessage().contains("timeout"), zero.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ExecOptions.builder().environment("1BAD", "x"));
            assertThrows(IllegalArgumentException.class, () -> ExecOptions.builder().environment("A B", "x"));
            assertThrows(IllegalArgumentException.class, () -> ExecOptions.builder().maxOutput(-1));
            assertThrows(IllegalArgumentException.class, () -> ExecOptions.builder().workingDirectory(""));
        }

        @Test
        void environmentValuesNeverShowInToString() {
            ExecOptions options = ExecOptions.builder().environment("API_KEY", "s3cr3t-value").build();
            assertFalse(options.toString().contains("s3cr3t-value"), options.toString());
            assertTrue(options.toString().contains("API_KEY"), options.toString());
        }
    }

    @Nested
    class Arguments {
        @Test
        void eachArgumentArrivesAsOneWordAsItWasWritten() throws Exception {
            List<String> words = List.of("a file", "it's", "$HOME", "*", "`id`", "", "-n", "semi;colon", "new\nline");
            List<String> command = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
            command.addAll(words);
            ExecResult result = connection.exec(command).check();
            StringBuilder expected = new StringBuilder();
            words.forEach(word -> expected.append('[').append(word).append("]\n"));
            assertEquals(expected.toString(), result.stdoutText());
        }

        @Test
        void anEmptyListOrANulIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> connection.exec(List.of()));
            assertThrows(IllegalArgumentException.class, () -> connection.exec(List.of("echo", "a\0b")));
        }
    }

    @Nested
    class Results {
        @Test
        void checkPassesASuccessAndTypesAFailureWithTheEndOfStderr() throws Exception {
            ExecResult ok = connection.exec("echo fine");
            assertSame(ok, ok.check());
            ExecResult failed = connection.exec("echo first >&2; head -c 5000 /dev/zero | tr '\\0' x >&2;"
                    + " echo last words >&2; exit 3");
            CommandFailedException thrown = assertThrows(CommandFailedException.class, failed::check);
            assertEquals(3, thrown.exitCode());
            assertTrue(thrown.stderrTail().endsWith("last words\n"), thrown.stderrTail());
            assertTrue(thrown.stderrTail().length() <= 2003, "length " + thrown.stderrTail().length());
            assertTrue(thrown.getMessage().contains("exited with 3"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("last words"), thrown.getMessage());
            assertFalse(thrown.getMessage().contains("\n"), thrown.getMessage());
        }

        @Test
        void theDurationIsMeasured() throws Exception {
            ExecResult slept = connection.exec("sleep 0.3");
            assertTrue(slept.duration().toMillis() >= 300, slept.duration().toString());
            assertTrue(slept.duration().toMillis() < 10_000, slept.duration().toString());
        }
    }

    @Nested
    class TimeLimits {
        @Test
        void aTimeLimitEndsTheCommandAndEverythingItStarted() throws Exception {
            CommandTimeoutException stopped = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                    CommandTimeoutException.class, () -> connection.exec(
                            "echo $$ > sh.pid; sleep 60 & echo $! > bg.pid; echo before; wait", Duration.ofSeconds(1))));
            ExecResult partial = stopped.partialResult();
            assertTrue(partial.timedOut());
            assertEquals("before\n", partial.stdoutText(), "what came before the limit is kept");
            assertTrue(stopped.getMessage().contains("within 1 s "), stopped.getMessage());
            assertEquals("", survivors("sh.pid", "bg.pid"), "neither the shell nor its background child may outlive it");
        }

        @Test
        void aCommandThatIgnoresTermIsKilled() throws Exception {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(CommandTimeoutException.class,
                    () -> connection.exec("trap '' TERM; echo $$ > stubborn.pid; sleep 60", Duration.ofMillis(500))));
            assertEquals("", survivors("stubborn.pid"));
        }

        /** The pids of these pid files that still run, as {@code ps} sees them, after a moment to go. */
        private String survivors(String... pidFiles) throws Exception {
            String list = "$(cat " + String.join("),$(cat ", pidFiles) + ")";
            String left = "";
            for (int i = 0; i < 50; i++) {
                left = connection.exec("ps -o pid= -p " + list + " || true").stdoutText().trim();
                if (left.isEmpty()) {
                    break;
                }
                Thread.sleep(100);
            }
            return left;
        }

        @Test
        void aDeletedSessionTakesItsBackgroundProcessesAlong() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            long pid;
            try (SshConnection own = ssh.connect(sessionId)) {
                pid = Long.parseLong(own.exec("sleep 60 > /dev/null 2>&1 & echo $!").check().stdoutText().trim());
            }
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "a background process outlives its command, as with OpenSSH");
            try (dev.sandgate.cert.SandboxApi api = GatewayClients.api(gateway)) {
                api.deleteSession(sessionId);
            }
            for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(100);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "but not its session");
        }

        @Test
        void theConnectionStaysUsableAfterwards() throws Exception {
            assertThrows(CommandTimeoutException.class, () -> connection.exec("sleep 30", Duration.ofMillis(300)));
            assertEquals("ok\n", connection.exec("echo ok").stdoutText());
        }
    }

    @Nested
    class LongCommandLines {
        @Test
        void aCommandLineAsLongAsAShellTakesRuns() throws Exception {
            String padding = "x".repeat(Commands.MAX_COMMAND_BYTES - "echo ok #".length());
            assertEquals("ok\n", connection.exec("echo ok #" + padding).check().stdoutText());
        }

        @Test
        void aLongerOneIsRefusedAndTheConnectionLivesOn() throws Exception {
            String tooLong = "echo " + "x".repeat(200 * 1024);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> connection.exec(tooLong));
            assertTrue(refused.getMessage().contains("stdin"), refused.getMessage());
            assertTrue(refused.getMessage().length() < 400, "the message does not repeat the whole command");
            assertEquals("alive\n", connection.exec("echo alive").stdoutText());
        }
    }
}
