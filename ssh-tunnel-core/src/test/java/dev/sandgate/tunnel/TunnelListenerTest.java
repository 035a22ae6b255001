package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;

/** A {@link TunnelListener} hears each tunnel's life, and each tunnel's thread says which session it serves. */
class TunnelListenerTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** Writes down what it hears. */
    static final class Recorder implements TunnelListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        volatile long closedSent = -1;
        volatile long closedReceived = -1;
        volatile IOException closedCause;
        volatile IOException failure;

        @Override
        public void tunnelOpening(String sessionId, TunnelRequest request) {
            events.add("opening " + sessionId);
        }

        @Override
        public void tunnelOpened(String sessionId, String tunnel, Duration took) {
            events.add("opened " + sessionId);
        }

        @Override
        public void tunnelFailed(String sessionId, IOException failure, Duration took) {
            this.failure = failure;
            events.add("failed " + sessionId);
        }

        @Override
        public void bytesSent(String sessionId, long count) {
            sent.addAndGet(count);
        }

        @Override
        public void bytesReceived(String sessionId, long count) {
            received.addAndGet(count);
        }

        @Override
        public void tunnelClosed(String sessionId, String tunnel, long bytesSent, long bytesReceived, IOException cause) {
            closedSent = bytesSent;
            closedReceived = bytesReceived;
            closedCause = cause;
            events.add("closed " + sessionId);
        }
    }

    enum Kind {
        CONNECT, WEBSOCKET;

        SandboxSsh ssh(LocalGateway gateway, TunnelListener listener) {
            return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                    .transport(this == CONNECT ? TransportKind.HTTP_CONNECT : TransportKind.WEB_SOCKET)
                    .tunnelListener(listener)
                    .build();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aTunnelsLifeIsHeardWithItsBytes(Kind kind) throws Exception {
        // the last bytes out (the disconnect) race the close: several rounds, each with totals equal to the counts
        for (int round = 0; round < 5; round++) {
            heardWithItsBytes(kind);
        }
    }

    private static void heardWithItsBytes(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Recorder recorder = new Recorder();
        try (SandboxSsh ssh = kind.ssh(gateway, recorder)) {
            try (SshConnection connection = ssh.connect(sessionId)) {
                connection.exec("head -c 100000 /dev/zero");
                assertTrue(LeakCheck.allThreads().stream()
                        .anyMatch(t -> t.getName().equals("sandgate-tunnel " + sessionId)), "a thread names the session");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (recorder.closedSent < 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertEquals(List.of("opening " + sessionId, "opened " + sessionId, "closed " + sessionId), recorder.events);
        assertTrue(recorder.received.get() > 100_000, "the output came through: " + recorder.received);
        assertEquals(recorder.sent.get(), recorder.closedSent);
        assertEquals(recorder.received.get(), recorder.closedReceived);
        assertNull(recorder.closedCause, "closed by its owner");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRefusalAndABreakAreHeardWithTheirCauses(Kind kind) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        Recorder refused = new Recorder();
        gateway.injectTunnelFault(TunnelFault.refuse(403, 4403).forSession(sessionId));
        try (SandboxSsh ssh = kind.ssh(gateway, refused)) {
            assertThrows(TunnelRefusedException.class, () -> ssh.connect(sessionId));
        }
        assertEquals(List.of("opening " + sessionId, "failed " + sessionId), refused.events);
        assertTrue(refused.failure instanceof TunnelRefusedException, String.valueOf(refused.failure));

        Recorder broken = new Recorder();
        try (SandboxSsh ssh = kind.ssh(gateway, broken); SshConnection connection = ssh.connect(sessionId)) {
            gateway.injectTunnelFault(TunnelFault.dropAfter(0, TunnelFault.Direction.TO_SESSION).forSession(sessionId));
            try (SshConnection cut = ssh.connect(sessionId)) {
                cut.exec("true");
            } catch (IOException expected) {
                // the drop ends the second connection
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (broken.closedSent < 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertNotNull(broken.closedCause, "a tunnel cut by the gateway reports why: " + broken.events);
            assertEquals(0, connection.exec("true").exitCode());
        }
    }
}
