package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;

/**
 * What a hostile or broken gateway sends cannot make Sandgate hold it: every oversized thing ends in a typed
 * {@code IOException}, never an {@code OutOfMemoryError}. The build runs this class in its own JVM with
 * {@code -Xmx256m}, so a gigabyte held anywhere fails it.
 */
class HostilePeerTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final long GIBIBYTE = 1L << 30;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @BeforeAll
    static void heapIsSmall() {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 300L * 1024 * 1024, "this test must run with -Xmx256m, runs with " + (maxHeap >> 20) + " MiB");
    }

    @Nested
    class WebSocketMessages {
        @ParameterizedTest
        @EnumSource(value = GatewayClients.class, names = {"WEBSOCKET", "WEBSOCKET_TLS"})
        void aOneGibibyteMessageEndsTheTunnelBeforeItIsHeld(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = clients.ssh(gateway)) {
                gateway.injectTunnelFault(TunnelFault.oversizedMessage(GIBIBYTE).forSession(sessionId));
                TunnelException refused = assertTimeoutPreemptively(BOUND,
                        () -> assertThrows(TunnelException.class, () -> ssh.connect(sessionId)));
                assertTrue(refused.getMessage().contains("more than the limit of 16777216 bytes"), refused.getMessage());
                assertTrue(refused.getMessage().contains("TransportOptions.maxWebSocketMessage"), refused.getMessage());
                try (SshConnection next = ssh.connect(sessionId)) {
                    assertEquals("fine\n", next.exec("echo fine").stdoutText(), "the next tunnel is not affected");
                }
            }
        }

        @ParameterizedTest
        @EnumSource(value = GatewayClients.class, names = {"WEBSOCKET", "WEBSOCKET_TLS"})
        void aLimitOfOnesOwnHoldsAndSshTrafficStaysWithinIt(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            long limit = 512 * 1024;
            try (SandboxSsh ssh = clients.ssh(gateway, options -> options.maxWebSocketMessage(limit))) {
                try (SshConnection connection = ssh.connect(sessionId)) {
                    ExecResult eightMiB = connection.exec("head -c 8388608 /dev/zero");
                    assertEquals(8 << 20, eightMiB.stdout().length, "ordinary SSH packets fit well within the limit");
                }
                gateway.injectTunnelFault(TunnelFault.oversizedMessage(limit + 1).forSession(sessionId));
                TunnelException refused = assertThrows(TunnelException.class, () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().contains("more than the limit of " + limit + " bytes"),
                        refused.getMessage());
                gateway.injectTunnelFault(TunnelFault.oversizedMessage(limit).forSession(sessionId));
                TunnelException notSsh = assertThrows(TunnelException.class, () -> ssh.connect(sessionId));
                assertTrue(!notSsh.getMessage().contains("more than the limit"),
                        "a message of exactly the limit is taken (and then found not to be SSH): " + notSsh.getMessage());
            }
        }

        @Test
        void theLimitMustBePositive() {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> TransportOptions.builder().maxWebSocketMessage(0));
            assertTrue(bad.getMessage().contains("maxWebSocketMessage"), bad.getMessage());
        }
    }

    @Nested
    class CommandOutput {
        @Test
        void sixHundredMegabytesOfOutputAreCountedButOnlyTheCapIsKept() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                long written = 600L * 1000 * 1000;
                ExecResult result = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> connection.exec(
                        "head -c " + written + " /dev/zero; head -c " + written + " /dev/zero >&2; exit 4"));
                assertEquals(4, result.exitCode(), "the command ran to its end");
                assertEquals(written, result.stdoutBytes());
                assertEquals(written, result.stderrBytes());
                assertEquals(ExecOptions.DEFAULT_MAX_OUTPUT, result.stdout().length);
                assertEquals(ExecOptions.DEFAULT_MAX_OUTPUT, result.stderr().length);
                assertTrue(result.stdoutTruncated() && result.stderrTruncated());
                assertEquals("still here\n", connection.exec("echo still here").stdoutText());
            }
        }
    }

    @Nested
    class ProcessOutput {
        @ParameterizedTest
        @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
        void aGibibyteReadSlowlyHoldsTheRemoteBackInsteadOfTheHeap(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = clients.ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
                RemoteProcess process = connection.start("head -c " + GIBIBYTE + " /dev/zero");
                java.io.InputStream out = process.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                long read = out.readNBytes(buffer, 0, buffer.length);
                Thread.sleep(500);
                long before = gateway.traffic(sessionId).bytesFromSession();
                Thread.sleep(1000);
                long stalled = gateway.traffic(sessionId).bytesFromSession() - before;
                assertTrue(stalled < 1024 * 1024, "while nobody reads, the remote must wait: " + stalled + " bytes came");
                assertTrue(before < 64L * 1024 * 1024, "at most a window's worth came ahead: " + before + " bytes");
                long n;
                while ((n = out.read(buffer)) >= 0) {
                    read += n;
                }
                assertEquals(GIBIBYTE, read, "every byte arrives");
                assertEquals(0, process.waitFor());
            }
        }
    }

    @Nested
    class ConnectStreams {
        @Test
        void aGibibyteOfZerosInsteadOfABannerIsATunnelFailure() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway)) {
                gateway.injectTunnelFault(TunnelFault.oversizedMessage(GIBIBYTE).forSession(sessionId));
                TunnelException refused = assertTimeoutPreemptively(BOUND,
                        () -> assertThrows(TunnelException.class, () -> ssh.connect(sessionId)));
                assertInstanceOf(TunnelException.class, refused);
            }
        }
    }
}
