package dev.sandgate.sftp;

import static dev.sandgate.sftp.GatewaySessions.newSession;
import static dev.sandgate.sftp.GatewaySessions.ssh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.Traffic;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * What the file system leaves to the server and what it keeps off the wire, seen as a user can see it: in the bytes
 * the gateway relays for the session ({@link LocalGateway#traffic}) and in the session's own directory.
 */
class ServerWorkTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** The bytes relayed both ways between two readings. */
    private static long relayed(Traffic before, Traffic after) {
        return after.bytesToSession() - before.bytesToSession() + after.bytesFromSession() - before.bytesFromSession();
    }

    @Test
    void aCopyInsideTheFileSystemStaysOnTheServer() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(data);
        Files.write(gateway.sessionDirectory(sessionId).resolve("source.bin"), data);
        try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Traffic before = gateway.traffic(sessionId);
            Files.copy(files.getPath("source.bin"), files.getPath("copy.bin"));
            long moved = relayed(before, gateway.traffic(sessionId));
            assertTrue(moved < 64 * 1024, "a 4 MiB copy on the server moved " + moved + " bytes through the tunnel");
        }
        assertArrayEquals(data, Files.readAllBytes(gateway.sessionDirectory(sessionId).resolve("copy.bin")));
    }

    @Test
    void aWalkReadsAttributesFromTheListingsNotFromAStatPerEntry() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        Path tree = gateway.sessionDirectory(sessionId).resolve("tree");
        for (int i = 0; i < 90; i++) {
            Path file = tree.resolve("d" + i % 3).resolve("f" + i);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x".repeat(i));
        }
        long withListings = walkRequestBytes(gateway, sessionId, Duration.ofMinutes(1));
        long withStats = walkRequestBytes(gateway, sessionId, Duration.ZERO);
        // a stat per entry sends about 30 times what the listings do: a ratio of 4 leaves room for keepalives
        assertTrue(withListings * 4 < withStats, "requests sent for a walk of 93 entries: " + withListings
                + " bytes from the listings' attributes, " + withStats + " bytes with a stat per entry");
    }

    /** The bytes sent toward the server while walking the tree and reading each entry's size and times. */
    private static long walkRequestBytes(LocalGateway gateway, String sessionId, Duration listingAttributesTtl)
            throws Exception {
        SftpOptions options = SftpOptions.builder().listingAttributesTtl(listingAttributesTtl).build();
        try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection, options)) {
            Path tree = files.getPath("tree");
            Files.exists(tree);
            Traffic before = gateway.traffic(sessionId);
            long total;
            try (Stream<Path> walk = Files.walk(tree)) {
                total = walk.filter(Files::isRegularFile).mapToLong(path -> {
                    try {
                        Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
                        return Files.readAttributes(path, BasicFileAttributes.class).size();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).sum();
            }
            assertEquals(89L * 90 / 2, total, "the sizes the walk read");
            return gateway.traffic(sessionId).bytesToSession() - before.bytesToSession();
        }
    }

    @Test
    void forceAsksTheServerToSyncTheFile() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(sessionId);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Path file = Files.writeString(files.getPath("synced.txt"), "kept");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                Traffic before = gateway.traffic(sessionId);
                channel.force(true);
                Traffic after = gateway.traffic(sessionId);
                // an fsync@openssh.com request is at least 76 bytes on the wire (its SSH packet carries the
                // extension's name and the handle, padded, with the cipher's tag); a keepalive is shorter
                long sent = after.bytesToSession() - before.bytesToSession();
                assertTrue(sent >= 76, "force(true) sent " + sent + " bytes");
                assertTrue(after.bytesFromSession() > before.bytesFromSession(), "force(true) waited for no answer");
            }
        }
    }

    @Test
    void closingTheFileSystemClosesWhatWasOpenedOnIt() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String sessionId = newSession(gateway);
        Files.write(gateway.sessionDirectory(sessionId).resolve("big.bin"), new byte[1024 * 1024]);
        try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(sessionId)) {
            FileSystem files = SandboxFileSystems.open(connection);
            InputStream stream = Files.newInputStream(files.getPath("big.bin"));
            assertEquals(0, stream.read());
            SeekableByteChannel channel = Files.newByteChannel(files.getPath("written.bin"),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            WatchService watcher = files.newWatchService();
            files.getPath(".").register(watcher, StandardWatchEventKinds.ENTRY_CREATE);

            files.close();

            assertFalse(channel.isOpen());
            assertThrows(IOException.class, stream::read);
            assertThrows(ClosedWatchServiceException.class, watcher::poll);
            assertTrue(connection.isOpen(), "the caller's connection stays open");
            assertEquals("ok", connection.exec("echo ok").stdoutText().trim());
        }
    }

    @Test
    void anAtomicMoveBetweenTwoSessionsIsRefusedAndLosesNothing() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String first = newSession(gateway);
        String second = newSession(gateway);
        try (SandboxSsh ssh = ssh(gateway);
             SshConnection one = ssh.connect(first); SshConnection two = ssh.connect(second);
             FileSystem here = SandboxFileSystems.open(one); FileSystem there = SandboxFileSystems.open(two)) {
            Path source = Files.writeString(here.getPath("moving.txt"), "payload");
            Path target = there.getPath("moved.txt");
            assertThrows(AtomicMoveNotSupportedException.class,
                    () -> Files.move(source, target, StandardCopyOption.ATOMIC_MOVE));
            assertEquals("payload", Files.readString(source));
            assertFalse(Files.exists(target));

            Files.move(source, target);
            assertFalse(Files.exists(source));
            assertEquals("payload", Files.readString(gateway.sessionDirectory(second).resolve("moved.txt")));
        }
    }
}
