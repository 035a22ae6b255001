package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.sandgate.testkit.LocalGateway;

/** Only modern algorithms by default; a server that offers nothing better is refused, naming what it offers. */
class AlgorithmPolicyTest {
    private static SandboxSsh ssh(LocalGateway gateway, boolean legacy) {
        SandboxSsh.Builder builder = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token());
        return (legacy ? builder.legacyAlgorithms() : builder).build();
    }

    @Test
    void aServerOfferingOnlySha1AndCbcIsRefusedNamingItsOffers() throws Exception {
        try (LocalGateway old = LocalGateway.builder().weakAlgorithmsOnly().start()) {
            String sessionId = old.newSession();
            try (SandboxSsh ssh = ssh(old, false)) {
                NoCommonAlgorithmException refused = assertThrows(NoCommonAlgorithmException.class,
                        () -> ssh.connect(sessionId));
                assertTrue(refused.getMessage().contains("diffie-hellman-group14-sha1"), refused.getMessage());
                assertTrue(refused.getMessage().contains("legacyAlgorithms"), refused.getMessage());
            }
            try (SandboxSsh ssh = ssh(old, true); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals("old\n", connection.exec("echo old").stdoutText(), "legacyAlgorithms() reaches it");
            }
        }
    }

    @Test
    void aHostCertificateSignedWithSha1IsRefused() throws Exception {
        try (LocalGateway old = LocalGateway.builder().sha1SignedHostCertificates().start()) {
            String sessionId = old.newSession();
            try (SandboxSsh ssh = ssh(old, false)) {
                assertThrows(HostKeyRejectedException.class, () -> ssh.connect(sessionId));
            }
            try (SandboxSsh ssh = ssh(old, true); SshConnection connection = ssh.connect(sessionId)) {
                assertEquals(0, connection.exec("true").exitCode(), "legacyAlgorithms() accepts it");
            }
        }
    }
}
