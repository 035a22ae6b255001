package dev.sandgate.sftp;

import static dev.sandgate.sftp.GatewaySessions.newSession;
import static dev.sandgate.sftp.GatewaySessions.ssh;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.SftpFault;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * A sandbox whose SFTP server attacks the client (the LocalGateway's hostile server): names that climb out, files
 * that never end, endless and lying listings, lengths that lie, requests never answered, read limits MINA's client
 * cannot take. Through the doors users use ({@code Files.*}, {@code TreeTransfer}); every case ends in a typed
 * {@code IOException} within its bound and nothing lands outside the target. This class runs in a JVM of its own at
 * {@code -Xmx256m} (see the module's pom), so a listing or a length that were trusted would end in an
 * {@code OutOfMemoryError} here.
 */
class HostileSandboxTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    @TempDir
    Path local;

    /** One session served by the hostile server, connected, with its file system open. */
    private final class Hostile implements AutoCloseable {
        final LocalGateway gateway = GATEWAY.gateway();
        final String session;
        final SandboxSsh ssh;
        final SshConnection connection;
        final FileSystem files;

        Hostile(SftpOptions options, SftpFault... faults) throws IOException {
            session = newSession(gateway);
            Files.createDirectories(gateway.sessionDirectory(session).resolve("dir"));
            Files.writeString(gateway.sessionDirectory(session).resolve("dir/ok.txt"), "a genuine file\n");
            gateway.serveHostileSftp(session, faults);
            ssh = ssh(gateway);
            connection = ssh.connect(session);
            files = SandboxFileSystems.open(connection, options);
        }

        Hostile(SftpFault... faults) throws IOException {
            this(SftpOptions.DEFAULTS, faults);
        }

        Path remote(String path) {
            return files.getPath(path);
        }

        @Override
        public void close() throws IOException {
            try (ssh; connection; files) {
                // closes all three, the file system first
            }
        }
    }

    /** What a copy of the hostile tree would have reached, were names trusted: all beside or above the target. */
    private record Victims(Path target, Path victim, Path evilDirectory, Path absolute) {
        static Victims under(Path local) throws IOException {
            Path target = local.resolve("a/b/target");
            Path victim = local.resolve("a/victim.txt");
            Files.createDirectories(victim.getParent());
            Files.writeString(victim, "the user's own file\n");
            return new Victims(target, victim, local.resolve("a/evildir"), local.resolve("planted.txt"));
        }

        void untouched() throws IOException {
            assertEquals("the user's own file\n", Files.readString(victim), "a file beside the target was rewritten");
            assertFalse(Files.exists(evilDirectory, LinkOption.NOFOLLOW_LINKS), "a directory above the target");
            assertFalse(Files.exists(absolute, LinkOption.NOFOLLOW_LINKS), "a file at an absolute path");
        }

        /** Eleven {@code ../} and then the absolute path: whatever the depth, it would reach {@code absolute}. */
        String climbingName() {
            return "../".repeat(11) + absolute.toString().substring(1);
        }
    }

    @Nested
    class NamesThatAreNotNames {
        /** Finding 1: each name a hostile listing carries, alone in its directory beside a genuine file. */
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"../../victim.txt", "../x", "a/b", "/etc/passwd", "x\u0000y", "climb"})
        void aTreeTransferFailsTypedAndWritesNothingOutsideTheTarget(String name) throws Exception {
            Victims victims = Victims.under(local);
            String served = name.equals("climb") ? victims.climbingName() : name;
            try (Hostile sandbox = new Hostile(SftpFault.file("dir", served, "pwned\n".getBytes(UTF_8), 04755))) {
                TransferFailedException e = assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(sandbox.remote("dir"), victims.target()).build().run());
                UnsafeNameException unsafe = assertInstanceOf(UnsafeNameException.class, e.getCause());
                assertEquals(served, unsafe.name());
                assertFalse(unsafe.getMessage().contains("\u0000"), "the message shows NUL escaped");
            }
            victims.untouched();
        }

        @Test
        void aDirectoryNamedToClimbIsNeverCreated() throws Exception {
            Victims victims = Victims.under(local);
            try (Hostile sandbox = new Hostile(SftpFault.directory("dir", "../../evildir", 0777),
                    SftpFault.file("dir/../../evildir", "payload", "x".getBytes(UTF_8), 0644))) {
                assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(sandbox.remote("dir"), victims.target()).build().run());
            }
            victims.untouched();
        }

        @Test
        void aListingWithABadNameFailsTheDirectoryStreamWithTheNameEscaped() throws Exception {
            String name = "../\u001b]0;pwned\u0007\rall good, nothing skipped";
            try (Hostile sandbox = new Hostile(SftpFault.file("dir", name, new byte[1], 0644));
                 Stream<Path> listing = Files.list(sandbox.remote("dir"))) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> listing.count());
                UnsafeNameException unsafe = assertInstanceOf(UnsafeNameException.class, e.getCause());
                assertEquals(sandbox.remote("dir").toString(), unsafe.getFile());
                assertFalse(unsafe.getMessage().contains("\u001b"), unsafe.getMessage());
                assertFalse(unsafe.getMessage().contains("\r"), unsafe.getMessage());
                assertTrue(unsafe.getMessage().contains("\\033]0;pwned\\007\\rall good"), unsafe.getMessage());
                // the file system goes on working
                assertEquals("a genuine file\n", Files.readString(sandbox.remote("dir/ok.txt")));
            }
        }

        /**
         * Set-id and sticky bits never reach a local file, whatever mode the server lists. A guard, not a fix: the
         * code before the fix passed it too ({@code PosixFilePermission} has no such bits), and it must stay so.
         */
        @Test
        void aSetuidFileArrivesWithoutItsSetIdBits() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.file("dir", "tool", "#!/bin/sh\n".getBytes(UTF_8), 07755))) {
                Path target = local.resolve("target");
                TreeTransfer.builder(sandbox.remote("dir"), target).build().run();
                int mode = (Integer) Files.getAttribute(target.resolve("tool"), "unix:mode");
                assertEquals(0, mode & 07000, "mode " + Integer.toOctalString(mode));
                assertTrue(Files.getPosixFilePermissions(target.resolve("tool")).contains(PosixFilePermission.OWNER_EXECUTE));
            }
        }
    }

    @Nested
    class FilesThatDoNotEnd {
        /**
         * Finding 3: listed as 1 MiB, never ends. Before the fix a transfer wrote about 150 MB/s without error (3 GB
         * in 20 s); now it is cut at 1 MiB and reported as changed.
         */
        @Test
        void aTreeTransferCutsAnEndlessFileAtItsListedSize() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.endlessFile("dir", "big.bin", MIB))) {
                Path target = local.resolve("target");
                List<String> changed = new ArrayList<>();
                TransferResult result = TreeTransfer.builder(sandbox.remote("dir"), target)
                        .listener(changedInto(changed))
                        .build().run();
                assertEquals(MIB, Files.size(target.resolve("big.bin")));
                assertEquals(1, result.filesChanged());
                assertEquals(2, result.filesCopied());
                assertEquals(List.of("big.bin=" + MIB), changed);
                assertTrue(result.bytesTransferred() < MIB + 100, "bytes " + result.bytesTransferred());
            }
        }

        /** Before the fix a file that grew failed the transfer and was left at its new size; now it is cut. */
        @Test
        void aTreeTransferCutsAGrowingFileAtItsListedSize() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.growingFile("dir", "grows.log", 1000, 5000))) {
                Path target = local.resolve("target");
                List<String> changed = new ArrayList<>();
                TransferResult result = TreeTransfer.builder(sandbox.remote("dir"), target)
                        .listener(changedInto(changed))
                        .build().run();
                assertEquals(1000, Files.size(target.resolve("grows.log")));
                assertEquals(1, result.filesChanged());
                assertEquals(List.of("grows.log=1000"), changed);
            }
        }

        private TransferListener changedInto(List<String> changed) {
            return new TransferListener() {
                @Override
                public synchronized void fileChanged(Path source, Path to, long listedSize) {
                    changed.add(source.getFileName() + "=" + listedSize);
                }
            };
        }
    }

    @Nested
    class ListingsWithoutEnd {
        /** Finding 4: memory stays flat (this JVM has 256 MiB), and the bound ends the listing, typed. */
        @Test
        void anEndlessListingEndsAtTheBoundWithATypedError() throws Exception {
            SftpOptions options = SftpOptions.builder().maxDirectoryEntries(200_000).build();
            try (Hostile sandbox = new Hostile(options, SftpFault.endlessListing("dir"))) {
                AtomicLong seen = new AtomicLong();
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(sandbox.remote("dir"))) {
                    DirectoryIteratorException e = assertThrows(DirectoryIteratorException.class,
                            () -> stream.forEach(path -> seen.incrementAndGet()));
                    assertInstanceOf(FileSystemException.class, e.getCause());
                    assertTrue(e.getCause().getMessage().contains("more than 200000 entries"), e.getCause().getMessage());
                }
                assertEquals(200_000, seen.get());
            }
        }

        @Test
        void aHugeListingIsReadAsItIsWalkedNotHeld() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.generatedEntries("dir", 500_000));
                 Stream<Path> listing = Files.list(sandbox.remote("dir"))) {
                // the ok.txt of the session's real directory is not listed: the fault's directory replaces it
                assertTrue(listing.count() >= 500_000);
            }
        }

        @Test
        void aTreeTransferStopsAtItsEntryBound() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.endlessListing("dir"))) {
                Path target = local.resolve("target");
                TransferFailedException e = assertThrows(TransferFailedException.class,
                        () -> TreeTransfer.builder(sandbox.remote("dir"), target).maxEntries(20_000).build().run());
                assertTrue(e.getCause().getMessage().contains("more than 20000 entries"), e.getCause().getMessage());
            }
        }
    }

    @Nested
    class LengthsThatLie {
        /** Finding 5: a 2 GiB claim in a 29-byte reply, and a negative one. */
        @ParameterizedTest(name = "claimed={0}")
        @ValueSource(longs = {0x8000_0000L, 0xFFFF_FFF0L, 0x7FFF_FFFFL})
        void aDataLengthBeyondTheReplyIsATypedError(long claimed) throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.lyingDataLength(claimed).onPath("dir/ok.txt"))) {
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> Files.readAllBytes(sandbox.remote("dir/ok.txt")));
                assertEquals(sandbox.remote("dir/ok.txt").toString(), e.getFile());
                assertTrue(e.getMessage().contains("with a length of"), e.getMessage());
            }
        }

        @Test
        void aNameCountBeyondTheReplyIsATypedError() throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.lyingNameCount(0x7FFF_FFFFL).onPath("dir"));
                 Stream<Path> listing = Files.list(sandbox.remote("dir"))) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> listing.count());
                assertInstanceOf(FileSystemException.class, e.getCause());
            }
        }
    }

    @Nested
    class Silence {
        /** Finding 6: the server keeps the connection alive but never answers a READ or an OPENDIR. */
        @Test
        void aReadNeverAnsweredFailsAfterTheRequestTimeoutAndTheFileSystemGoesOn() throws Exception {
            SftpOptions options = SftpOptions.builder().requestTimeout(Duration.ofSeconds(2)).build();
            try (Hostile sandbox = new Hostile(options, SftpFault.unanswered(SftpFault.Request.READ))) {
                long start = System.nanoTime();
                SftpTimeoutException e = assertThrows(SftpTimeoutException.class,
                        () -> Files.readAllBytes(sandbox.remote("dir/ok.txt")));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertEquals(sandbox.remote("dir/ok.txt").toString(), e.getFile());
                assertEquals(Duration.ofSeconds(2), e.limit());
                assertTrue(e.getMessage().contains("within 2 s"), e.getMessage());
                assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
                // other requests still work
                assertTrue(Files.isRegularFile(sandbox.remote("dir/ok.txt")));
                assertEquals(List.of("ok.txt"), names(sandbox.remote("dir")));
            }
        }

        @Test
        void aChannelWhoseServerNeverSaysItsVersionFailsAfterTheRequestTimeout() throws Exception {
            LocalGateway gateway = GATEWAY.gateway();
            String session = newSession(gateway);
            gateway.serveHostileSftp(session, SftpFault.unanswered(SftpFault.Request.INIT));
            SftpOptions options = SftpOptions.builder().requestTimeout(Duration.ofSeconds(1)).build();
            try (SandboxSsh ssh = ssh(gateway); SshConnection connection = ssh.connect(session)) {
                long start = System.nanoTime();
                SftpTimeoutException e = assertThrows(SftpTimeoutException.class,
                        () -> SandboxFileSystems.open(connection, options));
                assertEquals(Duration.ofSeconds(1), e.limit());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
                // the connection itself goes on
                assertEquals("hi\n", connection.exec("echo hi").stdoutText());
            }
        }

        @Test
        void anOpendirNeverAnsweredFailsAfterTheRequestTimeout() throws Exception {
            SftpOptions options = SftpOptions.builder().requestTimeout(Duration.ofSeconds(1)).build();
            try (Hostile sandbox = new Hostile(options, SftpFault.unanswered(SftpFault.Request.OPENDIR))) {
                SftpTimeoutException e = assertThrows(SftpTimeoutException.class,
                        () -> Files.newDirectoryStream(sandbox.remote("dir")).close());
                assertEquals(sandbox.remote("dir").toString(), e.getFile());
                assertTrue(Files.exists(sandbox.remote("dir/ok.txt")));
            }
        }
    }

    @Nested
    class ReadLimits {
        /** Finding 8: a server allowing 256 KiB reads gets reads MINA's client can take the answers of. */
        @ParameterizedTest(name = "limit={0}")
        @ValueSource(ints = {256 * 1024, 1024 * 1024})
        void aDownloadWorksWhateverLimitTheServerAnnounces(int limit) throws Exception {
            try (Hostile sandbox = new Hostile(SftpFault.readLimit(limit))) {
                byte[] content = new byte[3 * MIB + 17];
                new Random(limit).nextBytes(content);
                Files.write(sandbox.gateway.sessionDirectory(sandbox.session).resolve("dir/big.bin"), content);
                assertArrayEquals(content, Files.readAllBytes(sandbox.remote("dir/big.bin")));
                Path copied = local.resolve("big.bin");
                Files.copy(sandbox.remote("dir/big.bin"), copied);
                assertArrayEquals(content, Files.readAllBytes(copied));
            }
        }
    }

    @Nested
    class LinksInTheTarget {
        /** Finding 9: a link planted in the target is replaced, never written through. */
        @Test
        void aLinkWhereAFileGoesIsReplacedAndWhatItPointsToIsUntouched() throws Exception {
            Path outside = Files.writeString(local.resolve("outside.txt"), "not yours to write\n");
            Path outsideDirectory = Files.createDirectories(local.resolve("outside-dir"));
            Path target = Files.createDirectories(local.resolve("target"));
            Files.createSymbolicLink(target.resolve("ok.txt"), outside);
            Files.createSymbolicLink(target.resolve("sub"), outsideDirectory);
            try (Hostile sandbox = new Hostile()) {
                Path sub = sandbox.gateway.sessionDirectory(sandbox.session).resolve("dir/sub");
                Files.createDirectories(sub);
                Files.writeString(sub.resolve("inner.txt"), "inner\n");
                TreeTransfer.builder(sandbox.remote("dir"), target).build().run();
            }
            assertEquals("not yours to write\n", Files.readString(outside));
            try (Stream<Path> entries = Files.list(outsideDirectory)) {
                assertEquals(0, entries.count());
            }
            assertFalse(Files.isSymbolicLink(target.resolve("ok.txt")));
            assertEquals("a genuine file\n", Files.readString(target.resolve("ok.txt")));
            assertFalse(Files.isSymbolicLink(target.resolve("sub")));
            assertEquals("inner\n", Files.readString(target.resolve("sub/inner.txt")));
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
