package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** A connection whose tunnel died reconnects on its next operation, when the policy says so, and says what happened. */
class ReconnectTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);

    /** Every event, in order, as text. */
    static final class Events implements ConnectionListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<IOException> causes = new CopyOnWriteArrayList<>();

        @Override
        public void connected(String sessionId) {
            seen.add("connected");
        }

        @Override
        public void disconnected(String sessionId, IOException cause) {
            seen.add(cause == null ? "closed" : "lost");
            if (cause != null) {
                causes.add(cause);
            }
        }

        @Override
        public void reconnecting(String sessionId, int attempt, IOException lastFailure) {
            seen.add("reconnecting " + attempt);
        }

        @Override
        public void reconnected(String sessionId, int attempts) {
            seen.add("reconnected after " + attempts);
        }
    }

    private static SandboxSsh ssh(LocalGateway gateway, boolean tls, TransportKind transport, ReconnectPolicy policy,
            Events events, Duration ttl) {
        return SandboxSsh.builder()
                .apiUrl(tls ? gateway.tlsApiUrl() : gateway.apiUrl())
                .token(gateway.token())
                .transport(transport)
                .reconnect(policy)
                .connectionListener(events)
                .certificateTtl(ttl)
                .build();
    }

    /** Cuts the session's tunnels by pausing it, waits for the connection to notice, and resumes the session. */
    static void cut(LocalGateway gateway, String sessionId, SshConnection connection) {
        gateway.pauseSession(sessionId);
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                while (connection.isOpen()) {
                    Thread.sleep(20);
                }
            });
        } finally {
            gateway.resumeSession(sessionId);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GatewayClients.class, names = {"CONNECT", "WEBSOCKET"})
    void aDroppedTunnelIsFollowedByASuccessfulReconnect(GatewayClients clients) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        TransportKind transport = clients == GatewayClients.CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET;
        try (SandboxSsh ssh = ssh(gateway, false, transport, ReconnectPolicy.attempts(3, Duration.ofMillis(100)),
                events, Duration.ofMinutes(30));
             SshConnection connection = ssh.connect(sessionId)) {
            assertEquals("one\n", connection.exec("echo one").stdoutText());
            cut(gateway, sessionId, connection);
            assertEquals("two\n", assertTimeoutPreemptively(BOUND, () -> connection.exec("echo two")).stdoutText());
            assertTrue(connection.isOpen());
            assertEquals(1, gateway.certificatesMinted(sessionId), "a certificate still valid is reused");
            // "lost" comes from the old session's close, which may be heard just after the reconnect began
            assertEquals(List.of("connected", "reconnecting 1", "connected", "reconnected after 1"),
                    events.seen.stream().filter(event -> !event.equals("lost")).collect(java.util.stream.Collectors.toList()));
            assertTrue(events.seen.indexOf("lost") > 0 && events.seen.indexOf("lost") < events.seen.indexOf("reconnected after 1"),
                    events.seen.toString());
            assertTrue(events.causes.get(0) instanceof TunnelException, events.causes.toString());
        }
        assertTimeoutPreemptively(BOUND, () -> {
            while (!events.seen.get(events.seen.size() - 1).equals("closed")) {
                Thread.sleep(20);
            }
        }, "closing is no loss: " + events.seen);
    }

    @Test
    void manyThreadsFindingTheConnectionLostShareOneReconnect() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (SandboxSsh ssh = ssh(gateway, false, TransportKind.WEB_SOCKET, ReconnectPolicy.attempts(3, Duration.ofMillis(50)),
                events, Duration.ofMinutes(30));
             SshConnection connection = ssh.connect(sessionId)) {
            for (int round = 1; round <= 5; round++) {
                cut(gateway, sessionId, connection);
                List<java.util.concurrent.Future<String>> outputs = new java.util.ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String word = "r" + round + "-" + i;
                    outputs.add(pool.submit(() -> connection.exec("echo " + word).stdoutText()));
                }
                for (int i = 0; i < outputs.size(); i++) {
                    assertEquals("r" + round + "-" + i + "\n", outputs.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS));
                }
                assertEquals(round, events.seen.stream().filter(event -> event.startsWith("reconnected")).count(),
                        "one reconnect per loss, whatever the number of callers: " + events.seen);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExpiredCertificateIsMintedAnewOnReconnect() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = ssh(gateway, false, TransportKind.HTTP_CONNECT, ReconnectPolicy.attempts(2, Duration.ZERO),
                new Events(), Duration.ofSeconds(2));
             SshConnection connection = ssh.connect(sessionId)) {
            cut(gateway, sessionId, connection);
            Thread.sleep(2500);
            assertEquals("fresh\n", connection.exec("echo fresh").stdoutText());
            assertEquals(2, gateway.certificatesMinted(sessionId));
        }
    }

    @Test
    void withoutAPolicyALostConnectionStaysLostTyped() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = ssh(gateway, false, TransportKind.HTTP_CONNECT, ReconnectPolicy.off(), events,
                Duration.ofMinutes(30));
             SshConnection connection = ssh.connect(sessionId)) {
            cut(gateway, sessionId, connection);
            assertThrows(TunnelException.class, () -> connection.exec("echo never"));
            assertFalse(events.seen.contains("reconnecting 1"));
        }
    }

    @Test
    void aCommandInFlightWhenTheTunnelDiesFailsAndIsNotRunAgain() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = ssh(gateway, false, TransportKind.HTTP_CONNECT, ReconnectPolicy.attempts(3, Duration.ZERO),
                new Events(), Duration.ofMinutes(30));
             SshConnection connection = ssh.connect(sessionId)) {
            Thread cutter = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    cut(gateway, sessionId, connection);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            cutter.start();
            assertThrows(TunnelException.class, () -> connection.exec("echo ran >> runs.txt; sleep 5"));
            cutter.join();
            assertEquals("ran\n", connection.exec("cat runs.txt").stdoutText(), "the command ran once, not again");
        }
    }

    @Test
    void whenEveryAttemptFailsTheLastFailureIsReported() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Events events = new Events();
        try (SandboxSsh ssh = ssh(gateway, false, TransportKind.HTTP_CONNECT, ReconnectPolicy.attempts(2, Duration.ofMillis(50)),
                events, Duration.ofMinutes(30));
             SshConnection connection = ssh.connect(sessionId)) {
            gateway.pauseSession(sessionId);
            try {
                assertTimeoutPreemptively(BOUND, () -> {
                    while (connection.isOpen()) {
                        Thread.sleep(20);
                    }
                });
                TunnelException failed = assertThrows(TunnelException.class, () -> connection.exec("echo never"));
                assertTrue(failed.getMessage().contains("2 reconnect attempt(s) failed"), failed.getMessage());
                assertNotNull(dev.sandgate.cert.Refusal.of(failed.getCause()).orElse(null), failed.getCause().toString());
                assertTrue(events.seen.contains("reconnecting 2"), events.seen.toString());
            } finally {
                gateway.resumeSession(sessionId);
            }
        }
    }

    @Test
    void policiesAreCheckedAndBackOff() {
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.attempts(0, Duration.ZERO));
        ReconnectPolicy policy = ReconnectPolicy.attempts(10, Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, policy.backoffBefore(1));
        assertEquals(Duration.ofSeconds(1), policy.backoffBefore(2));
        assertEquals(Duration.ofSeconds(4), policy.backoffBefore(4));
        assertEquals(ReconnectPolicy.MAX_BACKOFF, policy.backoffBefore(10));
    }
}
