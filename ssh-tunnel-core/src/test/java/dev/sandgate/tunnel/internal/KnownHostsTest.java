package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.cert.SshKeys;

/**
 * Host patterns and ports as OpenSSH reads them: a pattern is matched against the name, which is {@code host} on
 * port 22 and {@code [host]:port} elsewhere (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT").
 */
class KnownHostsTest {
    @TempDir
    Path temp;

    private final KeyPair hostCa = SshKeys.generate();
    private final KeyPair hostKey = SshKeys.generate();

    private KnownHosts file(String... lines) throws Exception {
        return new KnownHosts(Files.write(temp.resolve("known_hosts"), List.of(lines)));
    }

    private OpenSshCertificate hostCertificate() throws Exception {
        Instant now = Instant.now();
        return OpenSshCertificateBuilder.hostCertificate().publicKey(hostKey.getPublic()).id("host")
                .principals(List.of("127.0.0.1")).validAfter(now.minusSeconds(60)).validBefore(now.plusSeconds(600))
                .sign(hostCa);
    }

    private String line(PublicKey key) {
        return SshKeys.publicKeyLine(key);
    }

    @Test
    void aCertAuthorityForEveryHostVouchesOnEveryPort() throws Exception {
        KnownHosts hosts = file("@cert-authority * " + line(hostCa.getPublic()));

        assertNull(hosts.refusal("127.0.0.1", 22, hostCertificate()));
        assertNull(hosts.refusal("127.0.0.1", 2222, hostCertificate()));
        assertNull(hosts.refusal("sess-1", 40022, hostCertificate()));
    }

    @Test
    void aNegatedPatternExcludesTheNameItMatches() throws Exception {
        KnownHosts hosts = file("@cert-authority *,!10.0.0.1,!*.untrusted " + line(hostCa.getPublic()));

        assertNotNull(hosts.refusal("10.0.0.1", 22, hostCertificate()));
        assertNotNull(hosts.refusal("a.untrusted", 22, hostCertificate()));
        // on another port the name is [10.0.0.1]:2222, which "10.0.0.1" does not match, as in OpenSSH
        assertNull(hosts.refusal("10.0.0.1", 2222, hostCertificate()));
        assertNull(hosts.refusal("127.0.0.1", 2222, hostCertificate()));
    }

    @Test
    void aLineMinaCannotParseVouchesForNothing() throws Exception {
        KnownHosts hosts = file("@cert-authority *,![127.0.0.1]:2222 " + line(hostCa.getPublic()));

        assertNotNull(hosts.refusal("127.0.0.1", 2222, hostCertificate()));
    }

    @Test
    void aHostWithAPortIsListedOnlyForThatPort() throws Exception {
        KnownHosts hosts = file("[127.0.0.1]:2222 " + line(hostKey.getPublic()));

        assertNull(hosts.refusal("127.0.0.1", 2222, hostKey.getPublic()));
        HostRefusal refusal = hosts.refusal("127.0.0.1", 2200, hostKey.getPublic());
        assertNotNull(refusal);
        assertTrue(refusal.message().contains("[127.0.0.1]:2200 is not in"), refusal.message());
        assertEquals(dev.sandgate.tunnel.HostKeyRejectedException.Reason.UNKNOWN_HOST, refusal.reason());
    }

    @Test
    void aHostWithoutAPortIsListedOnlyForPort22() throws Exception {
        KnownHosts hosts = file("127.0.0.1 " + line(hostKey.getPublic()));

        assertNull(hosts.refusal("127.0.0.1", 22, hostKey.getPublic()));
        assertNotNull(hosts.refusal("127.0.0.1", 2222, hostKey.getPublic()));
    }
}
