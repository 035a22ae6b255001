package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** What a Flight Recorder recording of Sandgate's work holds: connects with their phases, commands, tunnels, resumes. */
class FlightRecorderEventsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void aSessionsWorkIsRecordedWithoutASecret(@TempDir Path directory) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        AtomicInteger resumed = new AtomicInteger();
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            for (String name : List.of("Connect", "Tunnel", "Resume", "Reconnect", "Command")) {
                recording.enable("dev.sandgate." + name).withThreshold(Duration.ZERO);
            }
            recording.start();
            try (SandboxSsh ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                    .transport(TransportKind.WEB_SOCKET)
                    .connectionListener(new ConnectionListener() {
                        @Override
                        public void resumed(String id, Duration took, long bytesReplayed) {
                            resumed.incrementAndGet();
                        }
                    }).build()) {
                try (SshConnection connection = ssh.connect(sessionId)) {
                    connection.exec("echo hi");
                    connection.exec("echo oops >&2; exit 3");
                    gateway.cutTunnels(sessionId);
                    assertTimeoutPreemptively(BOUND, () -> {
                        while (resumed.get() < 1) {
                            Thread.sleep(10);
                        }
                    });
                }
                assertThrows(IOException.class, () -> ssh.connect("sess-does-not-exist"));
            }
            recording.stop();
            Path file = directory.resolve("sandgate.jfr");
            recording.dump(file);
            events = RecordingFile.readAllEvents(file);
        }

        List<RecordedEvent> connects = named(events, "dev.sandgate.Connect");
        assertEquals(2, connects.size(), connects.toString());
        RecordedEvent connected = connects.stream().filter(e -> e.getString("failure").isEmpty()).findFirst()
                .orElseThrow();
        assertEquals(sessionId, connected.getString("sessionId"));
        assertTrue(connected.getString("tunnel").startsWith("WebSocket ws://127.0.0.1:"), connected.toString());
        assertTrue(connected.getDuration("login").toNanos() > 0 && connected.getDuration("tunnelOpen").toNanos() > 0
                && connected.getDuration("handshake").toNanos() > 0, connected.toString());
        RecordedEvent refused = connects.stream().filter(e -> !e.getString("failure").isEmpty()).findFirst()
                .orElseThrow();
        assertEquals("sess-does-not-exist", refused.getString("sessionId"));

        List<RecordedEvent> commands = named(events, "dev.sandgate.Command");
        assertEquals(List.of(0, 3), commands.stream().map(e -> e.getInt("exitCode")).collect(Collectors.toList()));
        assertEquals(3, commands.get(0).getLong("stdoutBytes"));
        assertEquals(5, commands.get(1).getLong("stderrBytes"));

        List<RecordedEvent> resumes = named(events, "dev.sandgate.Resume");
        assertEquals(1, resumes.size());
        assertTrue(resumes.get(0).getDuration("took").toNanos() > 0);

        List<RecordedEvent> tunnels = named(events, "dev.sandgate.Tunnel");
        assertEquals(1, tunnels.size(), "one tunnel, re-attached once: " + tunnels);
        assertTrue(tunnels.get(0).getLong("bytesSent") > 0 && tunnels.get(0).getLong("bytesReceived") > 0);

        for (RecordedEvent event : events) {
            assertFalse(event.toString().contains(gateway.token()), "no token in " + event);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name))
                .sorted((a, b) -> a.getStartTime().compareTo(b.getStartTime())).collect(Collectors.toList());
    }
}
