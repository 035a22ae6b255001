package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** The two accessors a layer on the MINA session (the SFTP file system) follows a reconnect with. */
class LiveClientSessionTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final Duration BOUND = Duration.ofSeconds(30);

    private static SandboxSsh ssh(LocalGateway gateway, ReconnectPolicy policy) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).reconnect(policy).build();
    }

    @Test
    void withAPolicyALostConnectionGivesTheNewSession() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = ssh(gateway, ReconnectPolicy.attempts(3, Duration.ofMillis(50)));
             SshConnection connection = ssh.connect(sessionId)) {
            ClientSession first = connection.clientSession();
            assertSame(first, connection.liveClientSession(), "an open connection is not replaced");
            assertTrue(connection.canReconnect());
            ReconnectTest.cut(gateway, sessionId, connection);
            assertTrue(connection.canReconnect(), "lost, and the policy allows a reconnect");
            ClientSession next = assertTimeoutPreemptively(BOUND, connection::liveClientSession);
            assertNotSame(first, next);
            assertTrue(next.isOpen());
            assertSame(next, connection.clientSession());
            connection.close();
            assertFalse(connection.canReconnect(), "a closed connection does not come back");
            assertThrows(SandgateSshException.class, connection::liveClientSession);
        }
    }

    @Test
    void withoutAPolicyALostConnectionStaysLost() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = ssh(gateway, ReconnectPolicy.off());
             SshConnection connection = ssh.connect(sessionId)) {
            assertFalse(connection.canReconnect());
            ReconnectTest.cut(gateway, sessionId, connection);
            assertFalse(connection.canReconnect());
            assertThrows(SandgateSshException.class, connection::liveClientSession);
        }
    }
}
