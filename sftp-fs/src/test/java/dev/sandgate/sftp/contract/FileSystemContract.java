package dev.sandgate.sftp.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java.nio.file} behaviour written once and run against the JDK's default file system (the reference) and
 * against sftp-fs. Only the public NIO API is used. Where a file system under test deviates, the test states the
 * deviation's outcome instead of the JDK's.
 */
public abstract class FileSystemContract {
    /** A new, empty directory for one test, on the file system under test. */
    protected abstract Path newDirectory() throws IOException;

    /** The documented deviations of the file system under test. */
    protected abstract Set<Deviation> deviations();

    protected final boolean deviates(Deviation deviation) {
        return deviations().contains(deviation);
    }

    protected Path dir;

    @BeforeEach
    void freshDirectory() throws IOException {
        dir = newDirectory();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Nested
    class Paths {
        @Test
        void syntaxOperationsBehaveAsOnUnix() {
            Path p = dir.getFileSystem().getPath("a/./b/../c//d/");
            assertEquals("a/./b/../c/d", p.toString());
            assertEquals("a/c/d", p.normalize().toString());
            assertEquals(6, p.getNameCount());
            assertEquals("d", p.getFileName().toString());
            assertEquals("b/../c", p.subpath(2, 5).toString());
            assertTrue(p.startsWith("a/."));
            assertTrue(p.endsWith("c/d"));
            assertFalse(p.isAbsolute());
            assertNull(p.getRoot());
            Path base = dir.getFileSystem().getPath("/x/y");
            assertEquals("../z/w", base.relativize(dir.getFileSystem().getPath("/x/z/w")).toString());
            assertEquals("/x/y/q", base.resolve("q").toString());
            assertEquals("/x/q", base.resolveSibling("q").toString());
            assertEquals("/", base.getRoot().toString());
            assertEquals("", dir.getFileSystem().getPath("").toString());
            assertEquals(1, dir.getFileSystem().getPath("").getNameCount());
            List<String> names = new ArrayList<>();
            base.forEach(n -> names.add(n.toString()));
            assertEquals(List.of("x", "y"), names);
            assertTrue(base.compareTo(dir.getFileSystem().getPath("/x/z")) < 0);
            assertEquals(base, dir.getFileSystem().getPath("/x", "y"));
            assertEquals(base.hashCode(), dir.getFileSystem().getPath("/x/y").hashCode());
        }

        @Test
        void globAndRegexMatchers() {
            PathMatcher txt = dir.getFileSystem().getPathMatcher("glob:*.txt");
            assertTrue(txt.matches(dir.getFileSystem().getPath("a.txt")));
            assertFalse(txt.matches(dir.getFileSystem().getPath("d/a.txt")));
            assertTrue(dir.getFileSystem().getPathMatcher("glob:**/*.{java,kt}").matches(dir.getFileSystem().getPath("s/m/A.kt")));
            assertTrue(dir.getFileSystem().getPathMatcher("glob:f[0-9]?.b[!x]n").matches(dir.getFileSystem().getPath("f1a.bin")));
            assertTrue(dir.getFileSystem().getPathMatcher("regex:.*\\.log").matches(dir.getFileSystem().getPath("x/y.log")));
        }

        @Test
        void toAbsolutePathAndUri() throws IOException {
            Path file = Files.writeString(dir.resolve("ü n.txt"), "x");
            assertTrue(file.toAbsolutePath().isAbsolute());
            assertEquals(file.toAbsolutePath(), Path.of(file.toUri()));
            Path sub = Files.createDirectory(dir.resolve("sub"));
            boolean slash = sub.toUri().toString().endsWith("/");
            assertEquals(!deviates(Deviation.DIRECTORY_URI_WITHOUT_SLASH), slash);
        }

        @Test
        void realPathResolvesLinksUnlessToldNot() throws IOException {
            Path target = Files.createDirectory(dir.resolve("real"));
            Files.writeString(target.resolve("f"), "x");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.toAbsolutePath());
            Path real = dir.toRealPath();
            assertEquals(real.resolve("real/f"), link.resolve("f").toRealPath());
            assertEquals(real.resolve("link"), link.toRealPath(LinkOption.NOFOLLOW_LINKS));
            assertThrows(NoSuchFileException.class, () -> dir.resolve("missing").toRealPath());
        }
    }

    @Nested
    class ReadingAndWriting {
        @Test
        void bytesRoundTripWhateverTheSize() throws IOException {
            for (int size : new int[] {0, 1, 4096, 32 * 1024 + 1, 3 * 1024 * 1024}) {
                byte[] data = random(size, size);
                Path file = dir.resolve("f" + size);
                Files.write(file, data);
                assertArrayEquals(data, Files.readAllBytes(file));
                assertEquals(size, Files.size(file));
            }
        }

        @Test
        void linesAndStringsWithNonAsciiNames() throws IOException {
            Path file = dir.resolve("ü ñ 文件.txt");
            Files.write(file, List.of("α", "β"), StandardCharsets.UTF_8);
            assertEquals(List.of("α", "β"), Files.readAllLines(file));
            try (Stream<String> lines = Files.lines(file)) {
                assertEquals(2, lines.count());
            }
            try (var reader = Files.newBufferedReader(file)) {
                assertEquals("α", reader.readLine());
            }
        }

        @Test
        void readingAtEndOfFileReturnsMinusOne() throws IOException {
            Path file = Files.write(dir.resolve("f"), new byte[] {1, 2});
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(2, in.readAllBytes().length);
                assertEquals(-1, in.read());
            }
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                channel.position(10);
                assertEquals(-1, channel.read(ByteBuffer.allocate(4)));
            }
        }

        @Test
        void writingPastTheEndLeavesAZeroGap() throws IOException {
            Path file = dir.resolve("gap");
            try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.position(5);
                channel.write(ByteBuffer.wrap(new byte[] {9}));
                assertEquals(6, channel.size());
            }
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 9}, Files.readAllBytes(file));
        }

        @Test
        void appendTruncateAndCreateOptions() throws IOException {
            Path file = Files.writeString(dir.resolve("f"), "abc");
            Files.writeString(file, "de", StandardOpenOption.APPEND);
            assertEquals("abcde", Files.readString(file));
            Files.writeString(file, "x", StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals("x", Files.readString(file));
            try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap("yz".getBytes(StandardCharsets.UTF_8)));
            }
            assertEquals("yz", Files.readString(file), "WRITE alone overwrites from the start without truncating");
            assertThrows(FileAlreadyExistsException.class, () -> Files.writeString(file, "n", StandardOpenOption.CREATE_NEW));
            assertThrows(NoSuchFileException.class, () -> Files.writeString(dir.resolve("none"), "n",
                    StandardOpenOption.WRITE));
            assertThrows(IllegalArgumentException.class, () -> Files.newByteChannel(file, StandardOpenOption.READ,
                    StandardOpenOption.APPEND));
            assertThrows(IllegalArgumentException.class, () -> Files.newByteChannel(file, StandardOpenOption.APPEND,
                    StandardOpenOption.TRUNCATE_EXISTING));
        }

        @Test
        void aMissingFileIsNoSuchFileWithItsPath() {
            Path missing = dir.resolve("missing.txt");
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(missing));
            assertEquals(missing.toString(), e.getFile());
            assertThrows(NoSuchFileException.class, () -> Files.newInputStream(missing));
            assertThrows(NoSuchFileException.class, () -> Files.size(missing));
        }

        @Test
        void aFileUnderARegularFileIsNotADirectoryFailure() throws IOException {
            Path file = Files.writeString(dir.resolve("plain"), "x");
            FileSystemException e = assertThrows(FileSystemException.class, () -> Files.createFile(file.resolve("x")));
            assertEquals(file.resolve("x").toString(), e.getFile());
        }

        @Test
        void closedChannelsRefuseWork() throws IOException {
            Path file = Files.writeString(dir.resolve("f"), "x");
            SeekableByteChannel channel = Files.newByteChannel(file);
            channel.close();
            assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
        }
    }

    @Nested
    class Channels {
        @Test
        void positionalReadsWritesSizeTruncateForce() throws IOException {
            Path file = Files.write(dir.resolve("c"), random(100_000, 1));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {7, 7}), 50_000);
                ByteBuffer two = ByteBuffer.allocate(2);
                channel.read(two, 50_000);
                assertArrayEquals(new byte[] {7, 7}, two.array());
                assertEquals(0, channel.position());
                assertEquals(100_000, channel.size());
                channel.truncate(10);
                assertEquals(10, channel.size());
                channel.force(true);
            }
            assertEquals(10, Files.size(file));
        }

        @Test
        void mappingAndLocking() throws IOException {
            Path file = Files.write(dir.resolve("c"), new byte[16]);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (deviates(Deviation.NO_MEMORY_MAPPING)) {
                    assertThrows(UnsupportedOperationException.class, () -> channel.map(FileChannel.MapMode.READ_ONLY, 0, 16));
                } else {
                    assertEquals(16, channel.map(FileChannel.MapMode.READ_ONLY, 0, 16).capacity());
                }
                if (deviates(Deviation.NO_FILE_LOCKS)) {
                    assertThrows(UnsupportedOperationException.class, channel::lock);
                } else {
                    channel.lock().release();
                }
            }
        }
    }

    @Nested
    class Directories {
        @Test
        void createListAndDelete() throws IOException {
            Files.createDirectories(dir.resolve("a/b/c"));
            assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir.resolve("a")));
            assertThrows(NoSuchFileException.class, () -> Files.createDirectory(dir.resolve("x/y")));
            Files.writeString(dir.resolve("a/one.txt"), "1");
            Files.writeString(dir.resolve("a/two.log"), "2");
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.resolve("a"), "*.txt")) {
                List<String> names = new ArrayList<>();
                stream.forEach(p -> names.add(p.getFileName().toString()));
                assertEquals(List.of("one.txt"), names);
            }
            try (Stream<Path> list = Files.list(dir.resolve("a"))) {
                assertEquals(Set.of("b", "one.txt", "two.log"),
                        list.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
            }
            DirectoryNotEmptyException e = assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir.resolve("a")));
            assertEquals(dir.resolve("a").toString(), e.getFile());
            Files.delete(dir.resolve("a/b/c"));
            assertFalse(Files.exists(dir.resolve("a/b/c")));
            assertThrows(NoSuchFileException.class, () -> Files.delete(dir.resolve("a/b/c")));
            assertFalse(Files.deleteIfExists(dir.resolve("a/b/c")));
        }

        @Test
        void listingARegularFileIsNotDirectory() throws IOException {
            Path file = Files.writeString(dir.resolve("f"), "x");
            assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(file));
            assertThrows(NoSuchFileException.class, () -> Files.list(dir.resolve("missing")));
        }

        @Test
        void walkingADeepTreeSeesEverything() throws IOException {
            Path deep = dir;
            for (int i = 0; i < 30; i++) {
                deep = deep.resolve("d" + i);
            }
            Files.createDirectories(deep);
            Files.writeString(deep.resolve("leaf"), "x");
            try (Stream<Path> walk = Files.walk(dir)) {
                assertEquals(32, walk.count());
            }
            long[] sizes = {0};
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    sizes[0] += attrs.size();
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
            assertEquals(1, sizes[0]);
        }
    }

    @Nested
    class CopyAndMove {
        @Test
        void copyHonoursReplaceAndAttributes() throws IOException {
            Path source = Files.writeString(dir.resolve("s"), "source");
            Files.setLastModifiedTime(source, FileTime.fromMillis(1_600_000_000_000L));
            Path target = Files.writeString(dir.resolve("t"), "old");
            assertThrows(FileAlreadyExistsException.class, () -> Files.copy(source, target));
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals("source", Files.readString(target));
            assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(target).toMillis());
            Path tree = Files.createDirectories(dir.resolve("tree/sub"));
            Files.copy(dir.resolve("tree"), dir.resolve("copy"));
            try (Stream<Path> list = Files.list(dir.resolve("copy"))) {
                assertEquals(0, list.count(), "a directory is copied empty");
            }
            assertTrue(Files.isDirectory(tree));
        }

        @Test
        void copyBothWaysWithTheDefaultFileSystem(@TempDir Path local) throws IOException {
            byte[] data = random(200_000, 3);
            Path here = Files.write(local.resolve("here.bin"), data);
            Path there = dir.resolve("there.bin");
            Files.copy(here, there);
            Files.copy(there, local.resolve("back.bin"));
            assertArrayEquals(data, Files.readAllBytes(local.resolve("back.bin")));
        }

        @Test
        void moveRenamesReplacesAndRefuses() throws IOException {
            Path a = Files.writeString(dir.resolve("a"), "A");
            Path b = Files.writeString(dir.resolve("b"), "B");
            assertThrows(FileAlreadyExistsException.class, () -> Files.move(a, b));
            Files.move(a, b, StandardCopyOption.REPLACE_EXISTING);
            assertFalse(Files.exists(a));
            assertEquals("A", Files.readString(b));
            Files.move(b, dir.resolve("c"), StandardCopyOption.ATOMIC_MOVE);
            assertEquals("A", Files.readString(dir.resolve("c")));
            Path full = Files.createDirectories(dir.resolve("full/x"));
            Files.createDirectory(dir.resolve("d"));
            assertThrows(DirectoryNotEmptyException.class,
                    () -> Files.move(dir.resolve("d"), dir.resolve("full"), StandardCopyOption.REPLACE_EXISTING));
            Files.move(dir.resolve("full"), dir.resolve("moved"));
            assertTrue(Files.isDirectory(dir.resolve("moved/x")));
            assertFalse(Files.exists(full));
        }
    }

    @Nested
    class Attributes {
        @Test
        void basicAndPosixAttributes() throws IOException {
            Path file = Files.writeString(dir.resolve("f"), "12345");
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
            assertEquals(5, basic.size());
            assertTrue(basic.isRegularFile());
            assertFalse(basic.isDirectory());
            assertEquals(deviates(Deviation.NO_FILE_KEY), basic.fileKey() == null);
            if (deviates(Deviation.NO_CREATION_TIME)) {
                assertEquals(basic.lastModifiedTime(), basic.creationTime());
            }
            Map<String, Object> map = Files.readAttributes(file, "posix:permissions,size");
            assertEquals(Set.of("permissions", "size"), map.keySet());
            assertEquals(5L, map.get("size"));
            assertEquals(Files.getOwner(file), Files.readAttributes(file, PosixFileAttributes.class).owner());
            assertNotNull(Files.getOwner(file).getName());
            if (deviates(Deviation.NUMERIC_OWNERS)) {
                assertTrue(Files.getOwner(file).getName().matches("[0-9]+"));
            }
        }

        @Test
        void timesAndPermissionsCanBeSet() throws IOException {
            Path file = Files.writeString(dir.resolve("f"), "x");
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_500_000_000_123L));
            long expected = deviates(Deviation.TIMES_IN_WHOLE_SECONDS) ? 1_500_000_000_000L : 1_500_000_000_123L;
            assertEquals(expected, Files.getLastModifiedTime(file).toMillis());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx--x---"));
            assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Files.setAttribute(file, "posix:permissions", PosixFilePermissions.fromString("rw-------"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }

        @Test
        void permissionsGivenAtCreationAreHonoured() throws IOException {
            Path file = Files.createFile(dir.resolve("secret"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Path sub = Files.createDirectory(dir.resolve("private"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)));
        }

        @Test
        void questionsAboutAPath() throws IOException {
            Path file = Files.writeString(dir.resolve("u.txt"), "x");
            Files.createDirectory(dir.resolve("d"));
            assertTrue(Files.isSameFile(file, dir.resolve("d/../u.txt")));
            assertTrue(Files.isHidden(dir.resolve(".x")));
            assertFalse(Files.isHidden(file));
            assertTrue(Files.exists(file));
            assertTrue(Files.notExists(dir.resolve("none")));
            assertTrue(Files.isReadable(file));
            assertTrue(Files.isWritable(file));
            if (deviates(Deviation.SPACE_NEEDS_STATVFS)) {
                assertThrows(FileSystemException.class, () -> Files.getFileStore(file).getTotalSpace());
            } else {
                assertTrue(Files.getFileStore(file).getTotalSpace() > 0);
            }
        }
    }

    @Nested
    class Links {
        @Test
        void symbolicLinksFollowedOrNot() throws IOException {
            Path target = Files.writeString(dir.resolve("target"), "t");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            assertTrue(Files.isSymbolicLink(link));
            assertEquals(target.getFileName(), Files.readSymbolicLink(link));
            assertEquals("t", Files.readString(link));
            assertTrue(Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink());
            assertTrue(Files.readAttributes(link, BasicFileAttributes.class).isRegularFile());
            assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(target));
            Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            assertFalse(Files.exists(dangling));
            assertTrue(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS));
            Files.delete(link);
            assertTrue(Files.exists(target), "deleting a link leaves its target");
        }
    }

    @Nested
    class Concurrency {
        @Test
        void manyThreadsWriteAndReadTheirOwnFilesAndShareOne() throws Exception {
            byte[] shared = random(500_000, 8);
            Path common = Files.write(dir.resolve("shared"), shared);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> work = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    work.add(() -> {
                        byte[] mine = random(100_000 + n, n);
                        Path file = Files.write(dir.resolve("t" + n), mine);
                        return java.util.Arrays.equals(mine, Files.readAllBytes(file))
                                && java.util.Arrays.equals(shared, Files.readAllBytes(common));
                    });
                }
                for (Future<Boolean> result : pool.invokeAll(work, 60, TimeUnit.SECONDS)) {
                    assertTrue(result.get(), "each thread saw exactly its bytes");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
