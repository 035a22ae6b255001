package dev.sandgate.tunnel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The build runs every test JVM with the repository's hosts file as its only resolver (the parent pom's
 * {@code sandgate.testJvmResolver}), so that no test can send a DNS query off this machine. This fails when a surefire
 * execution loses that setting, before a lookup could leave.
 */
class TestJvmResolverTest {
    @Test
    void namesComeFromTheRepositorysHostsFileAndNoOtherNameResolves() throws Exception {
        // on JDK 18 and later this module's tests resolve through RecordingResolverProvider, which reads the same file
        String hosts = System.getProperty("jdk.net.hosts.file", System.getProperty("sandgate.testHosts"));
        assertNotNull(hosts, "the test JVM runs without -Djdk.net.hosts.file: its lookups would go to DNS");
        assertTrue(Files.isRegularFile(Path.of(hosts)), hosts);
        assertTrue(InetAddress.getByName("localhost").isLoopbackAddress());
        assertTrue(InetAddress.getByName("gw.remote.test").isLoopbackAddress());
        assertThrows(UnknownHostException.class, () -> InetAddress.getByName("sess-not-in-the-hosts-file"));
    }
}
