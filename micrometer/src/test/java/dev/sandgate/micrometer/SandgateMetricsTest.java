package dev.sandgate.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.cert.SessionNotFoundException;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.tunnel.CommandTimeoutException;
import dev.sandgate.tunnel.ExecOptions;
import dev.sandgate.tunnel.ReconnectPolicy;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The meters move by what a client does through the LocalGateway, and name no session. */
class SandgateMetricsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int PAYLOAD = 200_000;
    private static final int CONCURRENT = 20;

    private static SandboxSsh ssh(LocalGateway gateway, TransportKind transport) {
        return SandboxSsh.builder()
                .apiUrl(gateway.apiUrl())
                .token(gateway.token())
                .transport(transport)
                .reconnect(ReconnectPolicy.attempts(3, Duration.ofMillis(100)))
                // shorter than the certificate cache's 30 s expiry margin: every connect mints, a session's second
                // mint is a renewal
                .certificateTtl(Duration.ofSeconds(20))
                .build();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"HTTP_CONNECT", "WEB_SOCKET"})
    void metersFollowConnectsCommandsBytesResumptionsAndReconnects(TransportKind transport) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SandboxSsh ssh = ssh(gateway, transport)) {
            new SandgateMetrics(ssh, Tags.of("client", "test")).bindTo(registry);
            assertEquals(0, gauge(registry, "sandgate.connections.open"));
            assertEquals(0, counter(registry, "sandgate.tunnel.bytes", "direction", "sent"));

            assertThrows(SessionNotFoundException.class, () -> ssh.connect("no-such-session"));
            assertEquals(1, counter(registry, "sandgate.certificates.failures"));
            assertEquals(1, timerCount(registry, "sandgate.connect", "outcome", "failure",
                    "exception", "SessionNotFoundException"));

            try (SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(1, gauge(registry, "sandgate.connections.open"));
                assertEquals(1, gauge(registry, "sandgate.tunnels.open"));
                assertEquals(1, counter(registry, "sandgate.certificates.minted", "kind", "first"));
                assertEquals(1, timerCount(registry, "sandgate.connect", "outcome", "success", "exception", "none"));

                assertEquals(0, connection.exec("true").exitCode());
                assertEquals(3, connection.exec("exit 3").exitCode());
                assertThrows(CommandTimeoutException.class, () -> connection.exec("sleep 20", Duration.ofMillis(300)));

                double sentBefore = counter(registry, "sandgate.tunnel.bytes", "direction", "sent");
                double receivedBefore = counter(registry, "sandgate.tunnel.bytes", "direction", "received");
                byte[] payload = new byte[PAYLOAD];
                Arrays.fill(payload, (byte) 'x');
                assertEquals(PAYLOAD + "\n", connection.exec("wc -c | tr -d ' '",
                        ExecOptions.builder().stdin(payload).build()).stdoutText());
                assertEquals(PAYLOAD, connection.exec("head -c " + PAYLOAD + " /dev/zero").stdoutBytes());
                assertTrue(counter(registry, "sandgate.tunnel.bytes", "direction", "sent") - sentBefore >= PAYLOAD);
                assertTrue(counter(registry, "sandgate.tunnel.bytes", "direction", "received") - receivedBefore
                        >= PAYLOAD);

                // the gateway re-attaches the tunnel: the connection goes on, nothing reconnects
                gateway.cutTunnels(sessionId);
                assertEquals("resumed\n", connection.exec("echo resumed").stdoutText());
                assertEquals(1, counter(registry, "sandgate.tunnel.resumes"));
                assertEquals(0, counter(registry, "sandgate.reconnects", "outcome", "success"));

                // a paused session refuses the re-attachment: the connection is lost, and its next command reconnects
                lose(gateway, sessionId, connection);
                assertEquals("reconnected\n", connection.exec("echo reconnected").stdoutText());
                assertEquals(1, counter(registry, "sandgate.reconnects", "outcome", "success"));
                assertEquals(0, counter(registry, "sandgate.reconnects", "outcome", "failure"));
                assertEquals(2, timerCount(registry, "sandgate.connect", "outcome", "success", "exception", "none"));
                assertEquals(1, counter(registry, "sandgate.certificates.minted", "kind", "renewal"));
                assertEquals(2, gateway.certificatesMinted(sessionId));
                eventually(() -> gauge(registry, "sandgate.connections.open"), 1);
                eventually(() -> gauge(registry, "sandgate.tunnels.open"), 1);
            }
            eventually(() -> gauge(registry, "sandgate.connections.open"), 0);
            eventually(() -> gauge(registry, "sandgate.tunnels.open"), 0);
        }

        assertEquals(5, timerCount(registry, "sandgate.command", "outcome", "success"));
        assertEquals(1, timerCount(registry, "sandgate.command", "outcome", "nonzero_exit"));
        assertEquals(1, timerCount(registry, "sandgate.command", "outcome", "timeout"));
        assertEquals(0, timerCount(registry, "sandgate.command", "outcome", "failure"));
        assertTrue(registry.get("sandgate.command").tag("outcome", "timeout").timer().totalTime(TimeUnit.MILLISECONDS)
                >= 300);
        assertEquals(1, counter(registry, "sandgate.certificates.failures"));
        for (Meter meter : registry.getMeters()) {
            assertEquals("test", meter.getId().getTag("client"), meter.getId().toString());
            for (Tag tag : meter.getId().getTags()) {
                assertFalse(tag.getValue().contains(sessionId) || tag.getValue().contains("no-such-session"),
                        "a tag names a session: " + meter.getId());
            }
        }
    }

    @Test
    void aRegistryBoundTwiceCountsOnceAndClosedMetricsTimeNothing() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (SandboxSsh ssh = ssh(gateway, TransportKind.WEB_SOCKET);
             SshConnection connection = ssh.connect(sessionId)) {
            SandgateMetrics metrics = new SandgateMetrics(ssh);
            metrics.bindTo(registry);
            metrics.bindTo(registry);
            metrics.bindTo(other);
            assertEquals(1, gauge(registry, "sandgate.connections.open"), "made before the binding, read at once");
            connection.exec("true");
            assertEquals(1, timerCount(registry, "sandgate.command", "outcome", "success"));
            assertEquals(1, timerCount(other, "sandgate.command", "outcome", "success"));

            metrics.close();
            connection.exec("true");
            assertEquals(1, timerCount(registry, "sandgate.command", "outcome", "success"));
            assertEquals(1, gauge(registry, "sandgate.connections.open"), "gauges go on reading the client");
        }
    }

    @Test
    void gaugesAndCountsHoldWhenManyThreadsConnectRunAndCloseAtOnce() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        List<String> sessions = List.of(gateway.newSession(), gateway.newSession(), gateway.newSession(),
                gateway.newSession());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            new SandgateMetrics(ssh).bindTo(registry);
            List<Future<SshConnection>> opening = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                String sessionId = sessions.get(i % sessions.size());
                opening.add(pool.submit(() -> {
                    SshConnection connection = ssh.connect(sessionId);
                    connection.exec("true");
                    return connection;
                }));
            }
            List<SshConnection> open = new ArrayList<>();
            for (Future<SshConnection> connection : opening) {
                open.add(connection.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(CONCURRENT, gauge(registry, "sandgate.connections.open"));
            assertEquals(CONCURRENT, gauge(registry, "sandgate.tunnels.open"));
            List<Future<?>> closing = new ArrayList<>();
            for (SshConnection connection : open) {
                closing.add(pool.submit(() -> {
                    connection.close();
                    return null;
                }));
            }
            for (Future<?> closed : closing) {
                closed.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            eventually(() -> gauge(registry, "sandgate.connections.open"), 0);
            eventually(() -> gauge(registry, "sandgate.tunnels.open"), 0);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(CONCURRENT, timerCount(registry, "sandgate.connect", "outcome", "success", "exception", "none"));
        assertEquals(CONCURRENT, timerCount(registry, "sandgate.command", "outcome", "success"));
        assertEquals(sessions.size(), counter(registry, "sandgate.certificates.minted", "kind", "first"),
                "connects to one session share its certificate");
        assertEquals(0, counter(registry, "sandgate.certificates.minted", "kind", "renewal"));
    }

    /** Pauses the session (its tunnels end, a re-attachment is refused) until the connection is lost, then resumes it. */
    private static void lose(LocalGateway gateway, String sessionId, SshConnection connection)
            throws InterruptedException {
        gateway.pauseSession(sessionId);
        try {
            eventually(() -> connection.isOpen() ? 1 : 0, 0);
        } finally {
            gateway.resumeSession(sessionId);
        }
    }

    private static void eventually(DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, value.getAsDouble());
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static double counter(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private static long timerCount(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }
}
