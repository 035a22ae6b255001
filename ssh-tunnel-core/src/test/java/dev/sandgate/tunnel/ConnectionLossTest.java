package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * A process, terminal or stream whose connection was lost ends in {@link ConnectionLostException} after the bytes that
 * did arrive, never in a clean end of file, and says so with {@code connectionLost()}; one that ends normally does not.
 */
class ConnectionLossTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Nested
    class Processes {
        @ParameterizedTest
        @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
        void readsGetEveryLineSentThenConnectionLost(GatewayClients clients) throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = clients.ssh(gateway);
                 SshConnection connection = ssh.connect(sessionId)) {
                RemoteProcess process = connection.start("for i in 1 2 3 4 5; do echo line$i; echo err$i >&2; done;"
                        + " sleep 30");
                try (BufferedReader lines = process.inputReader();
                     BufferedReader errors = process.errorReader()) {
                    for (int i = 1; i <= 5; i++) {
                        assertEquals("line" + i, assertTimeoutPreemptively(BOUND, lines::readLine));
                    }
                    for (int i = 1; i <= 4; i++) {
                        assertEquals("err" + i, assertTimeoutPreemptively(BOUND, errors::readLine));
                    }
                    ReconnectTest.cut(gateway, sessionId, connection);
                    ConnectionLostException lost = assertThrows(ConnectionLostException.class, lines::readLine);
                    assertTrue(lost.getCause() instanceof TunnelException, String.valueOf(lost.getCause()));
                    assertEquals("err5", errors.readLine(), "what arrived before the loss is read first");
                    assertThrows(ConnectionLostException.class, errors::readLine);
                }
                assertEquals(255, assertTimeoutPreemptively(BOUND, () -> process.waitFor()));
                assertTrue(process.connectionLost());
            }
        }

        @Test
        void aTerminalLosesItsConnectionLoudlyToo() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
                 SshConnection connection = ssh.connect(sessionId)) {
                RemoteProcess terminal = connection.openTerminal(PtyOptions.defaults());
                OutputStream keys = terminal.getOutputStream();
                keys.write("echo ready-$((6*7))\n".getBytes(StandardCharsets.UTF_8));
                keys.flush();
                InputStream screen = terminal.getInputStream();
                StringBuilder seen = new StringBuilder();
                assertTimeoutPreemptively(BOUND, () -> {
                    while (!seen.toString().contains("ready-42")) {
                        int b = screen.read();
                        assertTrue(b >= 0, "the terminal is open: " + seen);
                        seen.append((char) b);
                    }
                });
                ReconnectTest.cut(gateway, sessionId, connection);
                assertThrows(ConnectionLostException.class, () -> screen.readAllBytes());
                assertEquals(255, assertTimeoutPreemptively(BOUND, () -> terminal.waitFor()));
                assertTrue(terminal.connectionLost());
            }
        }

        @Test
        void aProcessThatExitsEndsCleanly() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                for (int round = 0; round < 10; round++) {
                    RemoteProcess process = connection.start("echo a; echo b; echo c >&2");
                    try (BufferedReader lines = process.inputReader()) {
                        assertEquals("a", lines.readLine());
                        assertEquals("b", lines.readLine());
                        assertNull(lines.readLine());
                    }
                    assertEquals("c\n", new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(0, assertTimeoutPreemptively(BOUND, () -> process.waitFor()));
                    assertFalse(process.connectionLost());
                }
            }
        }

        @Test
        void aProcessStoppedByASignalHasNotLostItsConnection() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                RemoteProcess process = connection.start("echo up; sleep 30");
                try (BufferedReader lines = process.inputReader()) {
                    assertEquals("up", assertTimeoutPreemptively(BOUND, lines::readLine));
                    process.destroyForcibly();
                    assertTimeoutPreemptively(BOUND, () -> process.waitFor());
                    assertFalse(process.connectionLost());
                }
            }
        }
    }

    @Nested
    class Streams {
        @Test
        void aStreamCutByTheConnectionThrowsAfterWhatArrived() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String sessionId = gateway.newSession();
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
                 SshConnection connection = ssh.connect(sessionId)) {
                Thread peer = serve(server, false);
                try (RemoteStream stream = connection.openStream("127.0.0.1", server.getLocalPort())) {
                    InputStream in = stream.getInputStream();
                    byte[] hello = assertTimeoutPreemptively(BOUND, () -> in.readNBytes(6));
                    assertArrayEquals("hello\n".getBytes(StandardCharsets.US_ASCII), hello);
                    assertFalse(stream.connectionLost());
                    ReconnectTest.cut(gateway, sessionId, connection);
                    assertThrows(ConnectionLostException.class, () -> in.read());
                    assertTrue(stream.connectionLost());
                }
                server.close();
                peer.join(1000); // the peer's socket may stay open when the gateway keeps the sandbox side alive
            }
        }

        @Test
        void aStreamTheFarEndClosesEndsCleanly() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 SandboxSsh ssh = GatewayClients.CONNECT.ssh(gateway);
                 SshConnection connection = ssh.connect(gateway.newSession())) {
                Thread peer = serve(server, true);
                try (RemoteStream stream = connection.openStream("127.0.0.1", server.getLocalPort())) {
                    assertEquals("hello\n", new String(assertTimeoutPreemptively(BOUND,
                            () -> stream.getInputStream().readAllBytes()), StandardCharsets.US_ASCII));
                    assertFalse(stream.connectionLost());
                }
                peer.join(BOUND.toMillis());
            }
        }

        /** Answers one connection with a line, then closes it or keeps it open until interrupted. */
        private Thread serve(ServerSocket server, boolean closeAfter) {
            Thread peer = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    if (!closeAfter) {
                        socket.getInputStream().read(); // until the tunnel's end closes it, or the test ends
                    }
                } catch (java.io.IOException ended) {
                    // the stream went with its connection
                }
            }, "test-peer");
            peer.setDaemon(true);
            peer.start();
            return peer;
        }
    }
}
