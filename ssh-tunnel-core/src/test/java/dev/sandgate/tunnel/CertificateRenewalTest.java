package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.cert.CertificateCache;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.ServerErrorException;
import dev.sandgate.testkit.ApiFault;
import dev.sandgate.testkit.ManualClock;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;

/** Connections keep working through a failed certificate renewal for as long as the old certificate is valid. */
class CertificateRenewalTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @Test
    void aFailedRenewalKeepsConnectingWithTheOldCertificateUntilItExpires() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        ManualClock clock = new ManualClock();
        try (SandboxApi api = GatewayClients.api(gateway);
             SandboxSsh ssh = SandboxSsh.builder()
                     .certificateCache(CertificateCache.builder(api).clock(clock).build())
                     .token(gateway.token())
                     .build();
             SshConnection first = ssh.connect(sessionId)) {
            IssuedCertificate original = first.issuedCertificate().orElseThrow();

            gateway.injectApiFault(ApiFault.status(500).onMints().times(1000));
            clock.set(original.renewAfter().plusSeconds(1));
            try (SshConnection second = ssh.connect(sessionId)) {
                assertEquals(original.credentials().certificate(), second.issuedCertificate().orElseThrow().credentials().certificate());
                assertEquals("ok\n", second.exec("echo ok").stdoutText());
            }
            assertEquals("still\n", first.exec("echo still").stdoutText());

            clock.set(original.validBefore());
            assertThrows(ServerErrorException.class, () -> ssh.connect(sessionId));

            gateway.clearApiFaults();
            try (SshConnection renewed = ssh.connect(sessionId)) {
                assertNotEquals(original.credentials().certificate(), renewed.issuedCertificate().orElseThrow().credentials().certificate());
                assertEquals(0, renewed.exec("true").exitCode());
            }
        }
        assertEquals(2, gateway.certificatesMinted(sessionId));
    }

    @Test
    void connectionsReuseTheCachedCertificate() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = gateway.newSession();
        try (SandboxSsh ssh = GatewayClients.WEBSOCKET.ssh(gateway)) {
            for (int i = 0; i < 3; i++) {
                try (SshConnection connection = ssh.connect(sessionId)) {
                    assertEquals(0, connection.exec("true", Duration.ofSeconds(30)).exitCode());
                }
            }
        }
        assertEquals(1, gateway.certificatesMinted(sessionId));
    }
}
