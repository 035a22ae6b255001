package dev.sandgate.sftp;

import static dev.sandgate.sftp.GatewaySessions.newSession;
import static dev.sandgate.sftp.GatewaySessions.ssh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.ProviderMismatchException;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** The {@code sandgate} scheme: installed, URIs that round-trip and carry no secret, and file system lifecycles. */
class SandgateUriTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @Test
    void theSchemeIsInstalled() {
        assertTrue(FileSystemProvider.installedProviders().stream().anyMatch(p -> p.getScheme().equals("sandgate")));
    }

    @Nested
    class OnAConnection {
        @Test
        void aPathRoundTripsThroughItsUriAndTheUriCarriesNoSecret() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path path = files.getPath("dir with space/ü.txt");
                URI uri = path.toUri();
                assertEquals("sandgate", uri.getScheme());
                assertEquals(session, uri.getAuthority());
                assertEquals(path.toAbsolutePath().toString(), uri.getPath());
                assertFalse(uri.toString().contains(gateway.token()), "the account token never stands in a URI");
                assertEquals(path.toAbsolutePath(), Paths.get(uri));
                assertEquals(path.toAbsolutePath(), Path.of(URI.create(uri.toASCIIString())));
                assertSame(files, FileSystems.getFileSystem(SandboxFileSystems.uri(session)));
            }
        }

        /** Two file systems on one session: closing the first leaves the URIs to the second, then to none. */
        @Test
        void theUrisStayServedWhileAnyFileSystemOfTheSessionIsOpen() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(session)) {
                FileSystem first = SandboxFileSystems.open(connection);
                FileSystem second = SandboxFileSystems.open(connection);
                Files.writeString(second.getPath("a.txt"), "x");
                URI uri = second.getPath("a.txt").toUri();
                assertSame(first, Path.of(uri).getFileSystem());
                first.close();
                assertSame(second, Path.of(uri).getFileSystem());
                assertEquals("x", Files.readString(Path.of(uri)));
                second.close();
                assertThrows(FileSystemNotFoundException.class, () -> Path.of(uri));
            }
        }

        @Test
        void afterCloseTheUriFindsNoFileSystemAndEveryOperationSaysClosed() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(session)) {
                FileSystem files = SandboxFileSystems.open(connection);
                Path path = files.getPath("a.txt");
                Files.writeString(path, "x");
                URI uri = path.toUri();
                files.close();
                files.close();
                assertThrows(FileSystemNotFoundException.class, () -> Paths.get(uri));
                assertThrows(ClosedFileSystemException.class, () -> Files.readString(path));
                assertThrows(ClosedFileSystemException.class, () -> Files.exists(path));
                assertThrows(ClosedFileSystemException.class, () -> Files.newDirectoryStream(files.getPath(".")));
                assertTrue(connection.isOpen(), "the caller's connection stays open");
            }
        }

        @Test
        void aClosedConnectionIsRefused() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway)) {
                SshConnection connection = ssh.connect(session);
                connection.close();
                FileSystemException refused = assertThrows(FileSystemException.class,
                        () -> SandboxFileSystems.open(connection));
                assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
            }
        }

        @Test
        void pathsOfAnotherFileSystemAreNotEqualAndCannotBeMixed() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection);
                 FileSystem second = SandboxFileSystems.open(connection)) {
                Path ours = files.getPath("/tmp/x");
                assertNotEquals(ours, Path.of("/tmp/x"));
                assertNotEquals(ours, second.getPath("/tmp/x"));
                assertThrows(ProviderMismatchException.class, () -> ours.resolve(Path.of("y")));
                assertThrows(ProviderMismatchException.class, () -> ours.relativize(Path.of("/tmp")));
                assertThrows(ProviderMismatchException.class, () -> ours.resolve(second.getPath("y")));
                assertSame(files, FileSystems.getFileSystem(SandboxFileSystems.uri(session)),
                        "the first file system of a session serves its URIs");
            }
        }
    }

    @Nested
    class ThroughNewFileSystem {
        @Test
        void opensOwnsAndClosesItsConnection() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            try (SandboxSsh ssh = ssh(gateway)) {
                URI uri = SandboxFileSystems.uri(session);
                FileSystem files = FileSystems.newFileSystem(uri, Map.of(SandboxFileSystems.ENV_SSH, ssh));
                try {
                    assertThrows(FileSystemAlreadyExistsException.class,
                            () -> FileSystems.newFileSystem(uri, Map.of(SandboxFileSystems.ENV_SSH, ssh)));
                    Path note = Paths.get(URI.create("sandgate://" + session + "/tmp/" + session + "-note.txt"));
                    assertSame(files, note.getFileSystem());
                    Files.writeString(note, "via uri");
                    assertEquals("via uri", Files.readString(note));
                    Files.delete(note);
                } finally {
                    files.close();
                }
                assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
                try (FileSystem again = FileSystems.newFileSystem(uri, Map.of(SandboxFileSystems.ENV_SSH, ssh))) {
                    assertTrue(Files.isDirectory(again.getPath(".")), "a closed file system's session can be opened again");
                }
            }
        }

        @Test
        void anEnvWithoutSandboxSshIsRefusedSayingWhatIsMissing() {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> FileSystems.newFileSystem(SandboxFileSystems.uri("sess-none"), Map.of()));
            assertTrue(refused.getMessage().contains(SandboxFileSystems.ENV_SSH), refused.getMessage());
        }

        @Test
        void anUnknownSessionUriFindsNothing() {
            assertThrows(FileSystemNotFoundException.class, () -> Paths.get(URI.create("sandgate://sess-unknown/x")));
        }
    }
}
