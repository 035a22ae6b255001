package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/**
 * Pings share the WebSocket with SSH bytes: sent every few milliseconds while megabytes go both ways, each frame stays
 * whole (a ping written into the middle of a data frame would corrupt the SSH stream), and an idle tunnel kept alive
 * by them still works afterwards. Repeated: the ping timer races the writers.
 */
class WebSocketPingsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @RepeatedTest(3)
    void pingsEveryFewMillisecondsLeaveBulkBytesBothWaysIntactAndAnIdleTunnelOpen() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = gateway.newSession();
        byte[] input = new byte[8 << 20];
        new Random(11).nextBytes(input);
        String inputSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        for (GatewayClients clients : new GatewayClients[] {GatewayClients.WEBSOCKET, GatewayClients.WEBSOCKET_TLS}) {
            try (SandboxSsh ssh = clients.ssh(gateway, options -> options.pingInterval(Duration.ofMillis(5)));
                 SshConnection connection = ssh.connect(session)) {
                ExecResult echoed = connection.exec("cat", ExecOptions.builder().stdin(input)
                        .timeout(Duration.ofSeconds(60)).build());
                assertArrayEquals(input, echoed.stdout(), clients + ": 8 MiB up and back down while pinging");
                Thread.sleep(300);
                ExecResult sum = connection.exec("sha256sum", ExecOptions.builder().stdin(input).build());
                assertEquals(inputSha, sum.stdoutText().split(" ")[0], clients + ": after an idle spell of pings");
            }
        }
    }
}
