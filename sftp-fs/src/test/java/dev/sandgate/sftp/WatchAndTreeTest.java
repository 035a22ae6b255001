package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** The polling watch service and the tree transfer, over a real SFTP session. */
class WatchAndTreeTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final SftpOptions FAST_WATCH = SftpOptions.builder().watchInterval(Duration.ofMillis(100)).build();

    private static List<String> events(WatchService watcher, int count) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < count && System.nanoTime() < deadline) {
            WatchKey key = watcher.poll(1, TimeUnit.SECONDS);
            if (key == null) {
                continue;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                seen.add(event.kind().name() + " " + event.context());
            }
            key.reset();
        }
        return seen;
    }

    @Test
    void changesMadeByACommandAreReportedToAWatcher() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        try (SandboxSsh ssh = GatewaySessions.ssh(gateway); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection, FAST_WATCH);
             WatchService watcher = files.newWatchService()) {
            Path project = Files.createDirectory(files.getPath("project"));
            WatchKey key = project.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            connection.exec("echo one > project/a.txt").check();
            assertEquals(List.of("ENTRY_CREATE a.txt"), events(watcher, 1));
            connection.exec("echo two-longer >> project/a.txt").check();
            assertEquals(List.of("ENTRY_MODIFY a.txt"), events(watcher, 1));
            connection.exec("rm project/a.txt").check();
            assertEquals(List.of("ENTRY_DELETE a.txt"), events(watcher, 1));
            assertEquals(project, key.watchable());
            assertThrows(java.nio.file.NotDirectoryException.class, () -> {
                Files.writeString(files.getPath("plain.txt"), "x");
                files.getPath("plain.txt").register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            });
        }
    }

    @Test
    void aTreeGoesUpAndComesBackWithEveryByteAndTime(@TempDir Path local) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        Path source = local.resolve("source");
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            byte[] data = new byte[random.nextInt(9000)];
            random.nextBytes(data);
            Path file = source.resolve("d" + (i % 7)).resolve("sub" + (i % 3)).resolve("f " + i + ".bin");
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
        try (SandboxSsh ssh = GatewaySessions.ssh(gateway); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection)) {
            TransferResult up = TreeTransfer.builder(source, files.getPath("tree")).build().run();
            assertEquals(300, up.filesCopied());
            TransferResult down = TreeTransfer.builder(files.getPath("tree"), local.resolve("back")).build().run();
            assertEquals(300, down.filesCopied());
            for (int i = 0; i < 300; i++) {
                String relative = "d" + (i % 7) + "/sub" + (i % 3) + "/f " + i + ".bin";
                assertArrayEquals(Files.readAllBytes(source.resolve(relative)),
                        Files.readAllBytes(local.resolve("back").resolve(relative)), relative);
                assertEquals(Files.getLastModifiedTime(source.resolve(relative)).toMillis() / 1000,
                        Files.getLastModifiedTime(local.resolve("back").resolve(relative)).toMillis() / 1000);
            }
            TransferResult again = TreeTransfer.builder(source, files.getPath("tree")).build().run();
            assertEquals(300, again.filesSkipped(), "a second run finds everything complete");
            assertEquals(0, again.bytesTransferred());
        }
    }

    @Test
    void anUploadCutByTheNetworkResumesWhereItStopped(@TempDir Path local) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        Path source = Files.createDirectories(local.resolve("source"));
        byte[] big = new byte[48 * 1024 * 1024];
        new Random(9).nextBytes(big);
        Files.write(source.resolve("big.bin"), big);
        try (SandboxSsh ssh = GatewaySessions.ssh(gateway)) {
            gateway.injectTunnelFault(TunnelFault.dropAfter(20L * 1024 * 1024, TunnelFault.Direction.TO_SESSION)
                    .forSession(session));
            try (SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                TransferFailedException failed = assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(source, files.getPath("up")).build().run());
                assertNotNull(failed.partialResult());
            }
            long partial = Files.size(gateway.sessionDirectory(session).resolve("up/big.bin"));
            assertTrue(partial > 0 && partial < big.length, "a partial file was left: " + partial);
            try (SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                TransferResult resumed = TreeTransfer.builder(source, files.getPath("up")).build().run();
                assertEquals(1, resumed.filesResumed());
                // the server may still have written requests it had received when the tunnel dropped, after
                // the size above was read: the file can only have grown since
                assertTrue(resumed.bytesTransferred() <= big.length - partial && resumed.bytesTransferred() > 0,
                        "only the missing part is sent: " + resumed.bytesTransferred() + " of " + big.length
                                + ", " + partial + " were there");
                assertArrayEquals(big, Files.readAllBytes(gateway.sessionDirectory(session).resolve("up/big.bin")));
            }
        }
    }

    /**
     * The owner's bits are the source's plus u+w (u+rwx for a directory), which a umask does not take, and no other
     * bit is added.
     */
    private static void assertCarried(String what, String source, Set<PosixFilePermission> target, boolean directory) {
        Set<PosixFilePermission> expected = PosixFilePermissions.fromString(source);
        expected.addAll(PosixFilePermissions.fromString(directory ? "rwx------" : "-w-------"));
        for (PosixFilePermission owner : Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE)) {
            assertEquals(expected.contains(owner), target.contains(owner), what + " " + owner + " in " + target);
        }
        assertTrue(expected.containsAll(target), what + ": " + PosixFilePermissions.toString(target)
                + " grants more than " + PosixFilePermissions.toString(expected));
    }

    @Test
    void permissionsGoUpAndComeBackAsCpGivesThem(@TempDir Path local) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        Path source = Files.createDirectories(local.resolve("source"));
        Map<String, String> files = Map.of("run.sh", "rwxr-xr-x", "secret.key", "rw-------",
                "shut/inside.txt", "rw-r--r--", "notes.txt", "r--r--r--");
        Map<String, String> directories = Map.of("shut", "r-x------");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = source.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getKey());
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(file.getValue()));
        }
        for (Map.Entry<String, String> directory : directories.entrySet()) {
            Files.setPosixFilePermissions(source.resolve(directory.getKey()),
                    PosixFilePermissions.fromString(directory.getValue()));
        }
        try (SandboxSsh ssh = GatewaySessions.ssh(gateway); SshConnection connection = ssh.connect(session);
             FileSystem remote = SandboxFileSystems.open(connection)) {
            assertEquals(4, TreeTransfer.builder(source, remote.getPath("up")).build().run().filesCopied());
            assertEquals(4, TreeTransfer.builder(remote.getPath("up"), local.resolve("back")).build().run()
                    .filesCopied());
            for (Map.Entry<String, String> file : files.entrySet()) {
                assertCarried("up/" + file.getKey(), file.getValue(),
                        Files.getPosixFilePermissions(remote.getPath("up", file.getKey())), false);
                assertCarried("back/" + file.getKey(), file.getValue(),
                        Files.getPosixFilePermissions(local.resolve("back").resolve(file.getKey())), false);
                assertEquals(file.getKey(), Files.readString(local.resolve("back").resolve(file.getKey())));
            }
            for (Map.Entry<String, String> directory : directories.entrySet()) {
                assertCarried("up/" + directory.getKey(), directory.getValue(),
                        Files.getPosixFilePermissions(remote.getPath("up", directory.getKey())), true);
                assertCarried("back/" + directory.getKey(), directory.getValue(),
                        Files.getPosixFilePermissions(local.resolve("back").resolve(directory.getKey())), true);
            }
        }
    }
}
