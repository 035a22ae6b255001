package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** {@link SandboxSsh#stats()} and {@link TimingListener}s, as a metrics library reads them. */
class ClientStatsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @Test
    void statsCountWhatTheClientDidAndListenersHearEachConnectAndCommandUntilRemoved() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        List<String> heard = new CopyOnWriteArrayList<>();
        TimingListener failing = new TimingListener() {
            @Override
            public void connectFinished(String session, Duration took, Exception failure) {
                throw new IllegalStateException("a listener's failure is logged and ignored");
            }
        };
        TimingListener recording = new TimingListener() {
            @Override
            public void connectFinished(String session, Duration took, Exception failure) {
                assertTrue(took.compareTo(Duration.ZERO) > 0);
                heard.add("connect " + session + (failure == null ? "" : " " + failure.getClass().getSimpleName()));
            }

            @Override
            public void commandFinished(String session, Duration took, int exitCode, Exception failure) {
                heard.add("command " + exitCode + (failure == null ? "" : " " + failure.getClass().getSimpleName()));
            }
        };
        try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway)) {
            assertEquals(new ClientStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ssh.stats());
            ssh.addTimingListener(failing);
            ssh.addTimingListener(recording);
            try (SshConnection connection = ssh.connect(sessionId)) {
                ClientStats open = ssh.stats();
                assertEquals(1, open.connectionsOpen());
                assertEquals(1, open.tunnelsOpen());
                assertEquals(1, open.certificatesMinted());
                assertEquals(0, open.certificatesRenewed());
                assertEquals(2, connection.exec("exit 2").exitCode());
                assertTrue(ssh.stats().bytesSent() > open.bytesSent());
                assertTrue(ssh.stats().bytesReceived() > open.bytesReceived());
                ssh.removeTimingListener(recording);
                connection.exec("true");
            }
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                while (ssh.stats().connectionsOpen() != 0 || ssh.stats().tunnelsOpen() != 0) {
                    Thread.sleep(20);
                }
            });
        }
        assertEquals(List.of("connect " + sessionId, "command 2"), heard);
    }
}
