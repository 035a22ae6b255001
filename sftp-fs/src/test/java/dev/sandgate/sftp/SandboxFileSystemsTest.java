package dev.sandgate.sftp;

import static dev.sandgate.sftp.GatewaySessions.newSession;
import static dev.sandgate.sftp.GatewaySessions.ssh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

class SandboxFileSystemsTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void filesRoundTripThroughNioAndLandInTheSessionDirectory(boolean webSocket) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        try (SandboxSsh ssh = ssh(gateway, webSocket);
             SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Path blob = files.getPath("blob.bin");
            Files.write(blob, data);
            assertArrayEquals(data, Files.readAllBytes(blob));
            assertArrayEquals(data, Files.readAllBytes(gateway.sessionDirectory(sessionId).resolve("blob.bin")),
                    "the bytes are on the session's disk, not just in a cache");
            assertEquals(String.valueOf(data.length), connection.exec("wc -c < blob.bin").stdoutText().trim());

            Files.writeString(files.getPath("a.txt"), "alpha");
            Files.writeString(files.getPath("b.txt"), "beta");
            try (Stream<Path> listing = Files.list(files.getPath("."))) {
                List<String> names = listing.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
                assertEquals(List.of("a.txt", "b.txt", "blob.bin"), names);
            }

            Files.delete(files.getPath("a.txt"));
            assertFalse(Files.exists(gateway.sessionDirectory(sessionId).resolve("a.txt")));
            assertThrows(java.nio.file.NoSuchFileException.class, () -> Files.delete(files.getPath("a.txt")));
            assertThrows(java.nio.file.NoSuchFileException.class, () -> Files.readAllBytes(files.getPath("missing.txt")));
        }
    }

    @Test
    void closingTheFileSystemLeavesTheConnectionOpen() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(sessionId)) {
            FileSystem files = SandboxFileSystems.open(connection);
            Files.writeString(files.getPath("note.txt"), "kept");
            files.close();
            assertFalse(files.isOpen());
            assertTrue(connection.isOpen());
            assertEquals("kept", connection.exec("cat note.txt").stdoutText());
        }
    }

    @Test
    void anAbsolutePathIsTheSameFileToACommandAndToTheFileSystem() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection)) {
            String home = connection.exec("pwd").stdoutText().trim();
            connection.exec("mkdir -p sub && printf from-exec > sub/shared.txt").check();
            assertEquals("from-exec", Files.readString(files.getPath(home + "/sub/shared.txt")));
            assertEquals(home, files.getPath(".").toAbsolutePath().normalize().toString(),
                    "relative paths start from the same home");
            Files.writeString(files.getPath(home + "/sub/back.txt"), "from-sftp");
            assertEquals("from-sftp", connection.exec("cat '" + home + "/sub/back.txt'").stdoutText());
        }
    }
}
