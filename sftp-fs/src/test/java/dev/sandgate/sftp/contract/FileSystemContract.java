package dev.sandgate.sftp.contract;

import static dev.sandgate.sftp.contract.ContractSupport.assertFails;
import static dev.sandgate.sftp.contract.ContractSupport.bytes;
import static dev.sandgate.sftp.contract.ContractSupport.names;
import static dev.sandgate.sftp.contract.ContractSupport.perms;
import static dev.sandgate.sftp.contract.ContractSupport.random;
import static dev.sandgate.sftp.contract.ContractSupport.read;
import static dev.sandgate.sftp.contract.ContractSupport.runConcurrently;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
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

    /** Whether the user who owns the files made here has a name on its system (where names are given at all). */
    protected boolean ownerHasName() {
        return true;
    }

    protected final boolean deviates(Deviation deviation) {
        return deviations().contains(deviation);
    }

    /** This test's own directory on the file system under test. */
    protected Path dir;

    @BeforeEach
    void freshDirectory() throws IOException {
        dir = newDirectory();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path path(String first, String... more) {
        return dir.getFileSystem().getPath(first, more);
    }

    private static final FileTime OLD = FileTime.fromMillis(1_500_000_000_000L);

    @Nested
    class PathSyntax {
        @Test
        void syntaxOperationsBehaveAsOnUnix() {
            Path p = path("a/./b/../c//d/");
            assertEquals("a/./b/../c/d", p.toString());
            assertEquals("a/c/d", p.normalize().toString());
            assertEquals(6, p.getNameCount());
            assertEquals("d", p.getFileName().toString());
            assertEquals("b/../c", p.subpath(2, 5).toString());
            assertEquals("b", p.getName(2).toString());
            assertTrue(p.startsWith("a/."));
            assertFalse(p.startsWith("a/.b"));
            assertTrue(p.endsWith("c/d"));
            assertFalse(p.endsWith("/c/d"));
            assertFalse(p.isAbsolute());
            assertNull(p.getRoot());
            assertEquals("", path("").toString());
            assertEquals(1, path("").getNameCount());
            assertEquals(path("x", "y", "z"), path("x/y/z"));
        }

        @Test
        void resolveRelativizeNormalize() {
            Path base = path("/x/y");
            assertEquals("../z/w", base.relativize(path("/x/z/w")).toString());
            assertEquals("", base.relativize(base).toString());
            assertEquals("c", path("a/b").relativize(path("a/b/c")).toString());
            assertEquals(base.resolve("../z/w").normalize(), path("/x/z/w"));
            assertThrows(IllegalArgumentException.class, () -> base.relativize(path("x")));
            assertEquals("/x/y/q", base.resolve("q").toString());
            assertEquals("/abs", base.resolve("/abs").toString());
            assertEquals(base, base.resolve(""));
            assertEquals("/x/q", base.resolveSibling("q").toString());
            assertEquals("q", path("solo").resolveSibling("q").toString());
            assertEquals("/", path("/..").normalize().toString());
            assertEquals("../a", path("../a").normalize().toString());
            assertEquals("../..", path("a/../../..").normalize().toString());
            assertEquals("", path("a/..").normalize().toString());
        }

        @Test
        void rootsParentsAndFileNames() {
            Path root = path("/");
            assertEquals("/", root.toString());
            assertEquals(root, root.getRoot());
            assertNull(root.getFileName());
            assertNull(root.getParent());
            assertEquals(0, root.getNameCount());
            assertFalse(root.iterator().hasNext());
            assertEquals("/", path("/x/y").getRoot().toString());
            assertEquals("/x", path("/x/y").getParent().toString());
            assertEquals(root, path("/x").getParent());
            assertNull(path("x").getParent());
            assertEquals(path("x"), path("x").getFileName());
            assertThrows(IllegalArgumentException.class, () -> path("a/b").getName(2));
            assertThrows(IllegalArgumentException.class, () -> path("a/b").getName(-1));
            assertThrows(IllegalArgumentException.class, () -> path("a/b").subpath(1, 1));
            assertThrows(IllegalArgumentException.class, () -> path("a/b").subpath(0, 3));
        }

        @Test
        void iterationComparisonAndEquality() {
            List<String> names = new ArrayList<>();
            path("/x/y/z").forEach(n -> names.add(n.toString()));
            assertEquals(List.of("x", "y", "z"), names);
            names.clear();
            path("/x/y/z").iterator().forEachRemaining(n -> names.add(n.toString()));
            assertEquals(List.of("x", "y", "z"), names);
            Path a = path("/x/y");
            assertTrue(a.compareTo(path("/x/z")) < 0);
            assertTrue(path("/x/z").compareTo(a) > 0);
            assertEquals(0, a.compareTo(path("/x", "y")));
            assertTrue(path("a").compareTo(path("a/b")) < 0);
            assertEquals(a, path("/x", "y"));
            assertEquals(a.hashCode(), path("/x/y").hashCode());
            assertNotEquals(a, path("x/y"));
            assertNotEquals(path("a"), path("A"));
            List<Path> sorted = Stream.of("c", "a/b", "b", "a").map(FileSystemContract.this::path).sorted()
                    .collect(Collectors.toList());
            assertEquals(List.of(path("a"), path("a/b"), path("b"), path("c")), sorted);
        }

        @Test
        void toAbsolutePathAndUri() throws IOException {
            Path file = write("ü n.txt", "x");
            Path absolute = file.toAbsolutePath();
            assertTrue(absolute.isAbsolute());
            assertSame(absolute.getClass(), file.getClass());
            assertEquals(absolute, absolute.toAbsolutePath());
            assertTrue(absolute.endsWith(file));
            assertEquals(absolute, Path.of(file.toUri()));
            assertEquals("x", Files.readString(Path.of(file.toUri())));
            Path sub = Files.createDirectory(dir.resolve("sub"));
            boolean slash = sub.toUri().toString().endsWith("/");
            assertEquals(!deviates(Deviation.DIRECTORY_URI_WITHOUT_SLASH), slash);
            assertTrue(Path.of(sub.toUri()).toString().endsWith("/sub"));
        }

        @Test
        void pathsOfAnotherFileSystemAreNeverOurs(@TempDir Path local) throws IOException {
            try (FileSystem zip = FileSystems.newFileSystem(local.resolve("other.zip"), Map.of("create", "true"))) {
                Path ours = path("/x/y");
                Path theirs = zip.getPath("/x/y");
                assertNotEquals(ours, theirs);
                assertNotEquals(theirs, ours);
                assertFalse(ours.startsWith(theirs));
                assertFalse(ours.endsWith(zip.getPath("y")));
                assertThrows(ProviderMismatchException.class, () -> ours.resolve(zip.getPath("z")));
                assertThrows(ProviderMismatchException.class, () -> ours.relativize(theirs));
                assertThrows(ClassCastException.class, () -> ours.compareTo(theirs));
                assertFalse(Files.isSameFile(dir, zip.getPath("/")));
            }
        }

        @Test
        void fileSystemBasics() {
            FileSystem fs = dir.getFileSystem();
            assertTrue(fs.isOpen());
            assertFalse(fs.isReadOnly());
            assertEquals("/", fs.getSeparator());
            List<Path> roots = new ArrayList<>();
            fs.getRootDirectories().forEach(roots::add);
            assertEquals(List.of(path("/")), roots);
            assertTrue(fs.supportedFileAttributeViews().containsAll(Set.of("basic", "posix", "owner")));
            assertSame(fs, dir.toAbsolutePath().getFileSystem());
            assertNotNull(fs.provider().getScheme());
        }

        @Test
        void globAndRegexMatchers() {
            PathMatcher txt = dir.getFileSystem().getPathMatcher("glob:*.txt");
            assertTrue(txt.matches(path("a.txt")));
            assertFalse(txt.matches(path("d/a.txt")));
            assertTrue(dir.getFileSystem().getPathMatcher("glob:**/*.{java,kt}").matches(path("s/m/A.kt")));
            assertTrue(dir.getFileSystem().getPathMatcher("glob:f[0-9]?.b[!x]n").matches(path("f1a.bin")));
            assertFalse(dir.getFileSystem().getPathMatcher("glob:f[0-9]?.b[!x]n").matches(path("f1a.bxn")));
            assertTrue(dir.getFileSystem().getPathMatcher("regex:.*\\.log").matches(path("x/y.log")));
            assertTrue(dir.getFileSystem().getPathMatcher("glob:é ü *.txt").matches(path("é ü 日本.txt")));
            assertThrows(UnsupportedOperationException.class, () -> dir.getFileSystem().getPathMatcher("nope:x"));
            assertThrows(IllegalArgumentException.class, () -> dir.getFileSystem().getPathMatcher("*.txt"));
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
        void emptyFiles() throws IOException {
            Path empty = Files.createFile(dir.resolve("empty"));
            assertEquals(0, Files.size(empty));
            assertArrayEquals(new byte[0], Files.readAllBytes(empty));
            assertEquals("", Files.readString(empty));
            assertEquals(List.of(), Files.readAllLines(empty));
            try (InputStream in = Files.newInputStream(empty)) {
                assertEquals(-1, in.read());
            }
            try (SeekableByteChannel channel = Files.newByteChannel(empty)) {
                assertEquals(0, channel.size());
                assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
            }
            Files.newOutputStream(dir.resolve("also-empty")).close();
            assertTrue(Files.isRegularFile(dir.resolve("also-empty")));
            assertEquals(0, Files.size(dir.resolve("also-empty")));
            assertEquals(-1L, Files.mismatch(empty, dir.resolve("also-empty")));
            assertFails(FileAlreadyExistsException.class, empty, () -> Files.createFile(empty));
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
            try (var writer = Files.newBufferedWriter(file, APPEND)) {
                writer.write("γ\n");
            }
            assertEquals(List.of("α", "β", "γ"), Files.readAllLines(file));
            assertEquals("α\nβ\nγ\n", Files.readString(file));
        }

        @Test
        void aStreamHandsOnALargeFileWholeAndSkipsNoFurtherThanTheEnd() throws IOException {
            byte[] data = random(3 * 1024 * 1024 + 17, 9);
            Path file = Files.write(dir.resolve("large"), data);
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(5, in.skip(5));
                assertEquals(data.length - 5, in.available());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertEquals(data.length - 5, in.transferTo(out));
                assertArrayEquals(Arrays.copyOfRange(data, 5, data.length), out.toByteArray());
                assertEquals(-1, in.read());
                assertEquals(0, in.available());
            }
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(data.length, in.skip(data.length + 1000L), "skip stops at the end");
                assertEquals(-1, in.read());
            }
        }

        @Test
        void streamsSkipAndCopy() throws IOException {
            byte[] data = random(70_000, 5);
            Path file = Files.write(dir.resolve("f"), data);
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(1000, in.skip(1000));
                assertEquals(data[1000] & 0xff, in.read());
                byte[] rest = in.readAllBytes();
                assertArrayEquals(Arrays.copyOfRange(data, 1001, data.length), rest);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(data.length, Files.copy(file, out));
            assertArrayEquals(data, out.toByteArray());
            Path copy = dir.resolve("copy");
            assertEquals(data.length, Files.copy(new ByteArrayInputStream(data), copy));
            assertArrayEquals(data, Files.readAllBytes(copy));
            assertFails(FileAlreadyExistsException.class, copy, () -> Files.copy(new ByteArrayInputStream(data), copy));
            Files.copy(new ByteArrayInputStream(new byte[] {1}), copy, StandardCopyOption.REPLACE_EXISTING);
            assertArrayEquals(new byte[] {1}, Files.readAllBytes(copy));
            assertEquals(data[0] == 1 ? 1L : 0L, Files.mismatch(file, copy));
        }

        @Test
        void outputStreamOptions() throws IOException {
            Path file = write("f", "abcdef");
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write('x');
            }
            assertEquals("x", Files.readString(file), "the default options truncate");
            try (OutputStream out = Files.newOutputStream(file, APPEND)) {
                out.write(bytes("yz"));
            }
            assertEquals("xyz", Files.readString(file));
            try (OutputStream out = Files.newOutputStream(dir.resolve("new"), CREATE_NEW, WRITE)) {
                out.write('n');
            }
            assertEquals("n", Files.readString(dir.resolve("new")));
            assertFails(FileAlreadyExistsException.class, file, () -> Files.newOutputStream(file, CREATE_NEW));
            assertFails(NoSuchFileException.class, dir.resolve("none"), () -> Files.newOutputStream(dir.resolve("none"),
                    WRITE));
            assertThrows(IllegalArgumentException.class, () -> Files.newOutputStream(file, READ));
            assertThrows(UnsupportedOperationException.class, () -> Files.newInputStream(file, WRITE));
            assertThrows(UnsupportedOperationException.class, () -> Files.newInputStream(file, APPEND));
            assertEquals("xyz", Files.readString(file));
        }

        @Test
        void readingAtEndOfFileReturnsMinusOne() throws IOException {
            Path file = Files.write(dir.resolve("f"), new byte[] {1, 2});
            try (InputStream in = Files.newInputStream(file)) {
                assertEquals(2, in.readAllBytes().length);
                assertEquals(-1, in.read());
                assertEquals(-1, in.read(new byte[4]));
            }
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                channel.position(10);
                assertEquals(-1, channel.read(ByteBuffer.allocate(4)));
                assertEquals(10, channel.position());
            }
        }

        @Test
        void aMissingFileIsNoSuchFileWithItsPath() {
            Path missing = dir.resolve("missing.txt");
            assertFails(NoSuchFileException.class, missing, () -> Files.readAllBytes(missing));
            assertFails(NoSuchFileException.class, missing, () -> Files.newInputStream(missing));
            assertFails(NoSuchFileException.class, missing, () -> Files.size(missing));
            assertFails(NoSuchFileException.class, missing, () -> Files.newByteChannel(missing, READ, CREATE));
            Path deeper = dir.resolve("no-dir/f");
            assertFails(NoSuchFileException.class, deeper, () -> Files.writeString(deeper, "x"));
        }

        @Test
        void aFileUnderARegularFileIsNotADirectoryFailure() throws IOException {
            Path file = write("plain", "x");
            assertFails(FileSystemException.class, file.resolve("x"), () -> Files.createFile(file.resolve("x")));
            assertFails(FileSystemException.class, file.resolve("x"), () -> Files.writeString(file.resolve("x"), "y"));
            assertFalse(Files.exists(file.resolve("x")));
            assertThrows(FileSystemException.class, () -> Files.readAttributes(file.resolve("x"), BasicFileAttributes.class));
        }

        @Test
        void aDirectoryIsNotAFile() throws IOException {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            assertFails(FileSystemException.class, sub, () -> Files.newByteChannel(sub, WRITE));
            assertFails(FileSystemException.class, sub, () -> Files.newOutputStream(sub));
            assertThrows(IOException.class, () -> Files.readAllBytes(sub));
            assertTrue(Files.isDirectory(sub));
        }

        @Test
        void deleteOnCloseSyncAndSparse() throws IOException {
            Path temp = dir.resolve("temp");
            try (SeekableByteChannel channel = Files.newByteChannel(temp, CREATE_NEW, WRITE, DELETE_ON_CLOSE)) {
                assertEquals(4, channel.write(ByteBuffer.wrap(bytes("gone"))));
            }
            assertFalse(Files.exists(temp));
            Path synced = dir.resolve("synced");
            try (SeekableByteChannel channel = Files.newByteChannel(synced, CREATE_NEW, WRITE, SYNC, SPARSE)) {
                channel.write(ByteBuffer.wrap(bytes("kept")));
                assertEquals(4, Files.size(synced), "a SYNC write is done when it returns");
            }
            assertEquals("kept", Files.readString(synced));
        }

        @Test
        void unknownOpenOptionsAreRefused() throws IOException {
            Path file = write("f", "x");
            OpenOption custom = new OpenOption() {
            };
            assertThrows(UnsupportedOperationException.class, () -> Files.newByteChannel(file, custom));
        }
    }

    @Nested
    class ByteChannels {
        @Test
        void writingPastTheEndLeavesAZeroGap() throws IOException {
            Path file = dir.resolve("gap");
            try (SeekableByteChannel channel = Files.newByteChannel(file, CREATE_NEW, WRITE)) {
                channel.position(5);
                channel.write(ByteBuffer.wrap(new byte[] {9}));
                assertEquals(6, channel.size());
                assertEquals(6, channel.position());
            }
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 9}, Files.readAllBytes(file));
        }

        @Test
        void aLargeGapReadsAsZeros() throws IOException {
            Path file = write("gap", "ab");
            try (SeekableByteChannel channel = Files.newByteChannel(file, READ, WRITE)) {
                channel.position(200_000).write(ByteBuffer.wrap(new byte[] {7}));
                ByteBuffer middle = ByteBuffer.allocate(1000);
                channel.position(100_000);
                while (middle.hasRemaining()) {
                    assertTrue(channel.read(middle) > 0);
                }
                assertArrayEquals(new byte[1000], middle.array());
                assertEquals(200_001, channel.size());
            }
            byte[] all = Files.readAllBytes(file);
            assertEquals(200_001, all.length);
            assertEquals('b', all[1]);
            assertEquals(0, all[2]);
            assertEquals(7, all[200_000]);
        }

        @Test
        void seekReadAndOverwrite() throws IOException {
            Path file = write("f", "0123456789");
            try (SeekableByteChannel channel = Files.newByteChannel(file, READ, WRITE)) {
                assertEquals(0, channel.position());
                channel.position(3);
                assertEquals("345", ContractSupport.string(read(channel, 3)));
                assertEquals(6, channel.position());
                channel.write(ByteBuffer.wrap(bytes("ab")));
                assertEquals(8, channel.position());
                channel.position(0);
                assertEquals("012345ab89", ContractSupport.string(read(channel, 10)));
                assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
                assertEquals(0, channel.read(ByteBuffer.allocate(0)));
                assertEquals(0, channel.write(ByteBuffer.allocate(0)));
                assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
            }
            assertEquals("012345ab89", Files.readString(file));
        }

        @Test
        void readAfterWriteSeesTheWriteOnTheSameChannel() throws IOException {
            Path file = dir.resolve("f");
            try (SeekableByteChannel channel = Files.newByteChannel(file, CREATE_NEW, READ, WRITE)) {
                byte[] data = random(100_000, 2);
                channel.write(ByteBuffer.wrap(data));
                channel.position(0);
                assertArrayEquals(data, read(channel, data.length));
            }
        }

        @Test
        void writeAloneOverwritesFromTheStart() throws IOException {
            Path file = write("f", "abc");
            try (SeekableByteChannel channel = Files.newByteChannel(file, WRITE)) {
                channel.write(ByteBuffer.wrap(bytes("yz")));
            }
            assertEquals("yzc", Files.readString(file));
        }

        @Test
        void truncateExistingAndCreate() throws IOException {
            Path file = write("f", "abc");
            Files.newByteChannel(file, WRITE, TRUNCATE_EXISTING).close();
            assertEquals(0, Files.size(file));
            write("g", "abc");
            Files.newByteChannel(dir.resolve("g"), READ, TRUNCATE_EXISTING).close();
            assertEquals("abc", Files.readString(dir.resolve("g")), "TRUNCATE_EXISTING is ignored when only reading");
            Files.newByteChannel(dir.resolve("h"), WRITE, CREATE).close();
            assertTrue(Files.isRegularFile(dir.resolve("h")));
            Files.newByteChannel(dir.resolve("h"), WRITE, CREATE).close();
            Files.newByteChannel(dir.resolve("i"), WRITE, CREATE, CREATE_NEW).close();
            assertTrue(Files.isRegularFile(dir.resolve("i")));
            assertFails(FileAlreadyExistsException.class, dir.resolve("i"),
                    () -> Files.newByteChannel(dir.resolve("i"), WRITE, CREATE, CREATE_NEW));
            assertFails(NoSuchFileException.class, dir.resolve("j"),
                    () -> Files.newByteChannel(dir.resolve("j"), READ, CREATE_NEW));
        }

        @Test
        void appendWritesAtTheEndWhereverThePosition() throws IOException {
            Path file = write("f", "abc");
            try (SeekableByteChannel channel = Files.newByteChannel(file, APPEND)) {
                assertEquals(3, channel.position());
                channel.write(ByteBuffer.wrap(bytes("de")));
                channel.position(0);
                channel.write(ByteBuffer.wrap(bytes("f")));
                assertEquals(6, channel.size());
                assertEquals(6, channel.position(), "an appending channel's position is its size");
            }
            assertEquals("abcdef", Files.readString(file));
            try (SeekableByteChannel channel = Files.newByteChannel(dir.resolve("new"), APPEND, CREATE)) {
                channel.write(ByteBuffer.wrap(bytes("n")));
            }
            assertEquals("n", Files.readString(dir.resolve("new")));
            assertFails(NoSuchFileException.class, dir.resolve("none"),
                    () -> Files.newByteChannel(dir.resolve("none"), APPEND));
        }

        @Test
        void illegalCombinationsAreRefusedAsTheJdkDoes() throws IOException {
            Path file = write("f", "abc");
            assertThrows(IllegalArgumentException.class, () -> Files.newByteChannel(file, READ, APPEND));
            assertThrows(IllegalArgumentException.class, () -> Files.newByteChannel(file, APPEND, TRUNCATE_EXISTING));
            assertThrows(IllegalArgumentException.class, () -> Files.newByteChannel(file, WRITE, APPEND,
                    TRUNCATE_EXISTING));
            assertEquals("abc", Files.readString(file), "a refused open leaves the file alone");
        }

        @Test
        void channelsDoOnlyWhatTheyWereOpenedFor() throws IOException {
            Path file = write("f", "abc");
            try (SeekableByteChannel reading = Files.newByteChannel(file, READ)) {
                assertThrows(NonWritableChannelException.class, () -> reading.write(ByteBuffer.wrap(bytes("x"))));
                assertThrows(NonWritableChannelException.class, () -> reading.truncate(0));
            }
            try (SeekableByteChannel writing = Files.newByteChannel(file, WRITE)) {
                assertThrows(NonReadableChannelException.class, () -> writing.read(ByteBuffer.allocate(1)));
            }
            assertEquals("abc", Files.readString(file));
        }

        @Test
        void truncateShrinksButNeverGrows() throws IOException {
            Path file = write("f", "0123456789");
            try (SeekableByteChannel channel = Files.newByteChannel(file, READ, WRITE)) {
                channel.position(8);
                channel.truncate(4);
                assertEquals(4, channel.size());
                assertEquals(4, channel.position(), "the position moves back to the new size");
                channel.truncate(100);
                assertEquals(4, channel.size());
                channel.position(1);
                channel.truncate(2);
                assertEquals(1, channel.position());
                assertThrows(IllegalArgumentException.class, () -> channel.truncate(-1));
            }
            assertEquals("01", Files.readString(file));
        }

        @Test
        void closedChannelsRefuseWork() throws IOException {
            Path file = write("f", "x");
            SeekableByteChannel channel = Files.newByteChannel(file, READ, WRITE);
            channel.close();
            assertFalse(channel.isOpen());
            assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, channel::size);
            assertThrows(ClosedChannelException.class, channel::position);
            assertThrows(ClosedChannelException.class, () -> channel.position(0));
            assertThrows(ClosedChannelException.class, () -> channel.truncate(0));
            channel.close();
            assertEquals("x", Files.readString(file));
        }

        @Test
        void newByteChannelHonoursPermissionsAtCreation() throws IOException {
            Path file = dir.resolve("secret");
            Files.newByteChannel(file, Set.of(CREATE_NEW, WRITE), perms("rw-------")).close();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Nested
    class FileChannels {
        @Test
        void positionalReadsWritesSizeTruncateForce() throws IOException {
            Path file = Files.write(dir.resolve("c"), random(100_000, 1));
            try (FileChannel channel = FileChannel.open(file, READ, WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {7, 7}), 50_000);
                ByteBuffer two = ByteBuffer.allocate(2);
                channel.read(two, 50_000);
                assertArrayEquals(new byte[] {7, 7}, two.array());
                assertEquals(0, channel.position(), "positional reads and writes leave the position");
                assertEquals(100_000, channel.size());
                assertEquals(-1, channel.read(ByteBuffer.allocate(1), 100_000));
                assertThrows(IllegalArgumentException.class, () -> channel.read(ByteBuffer.allocate(1), -1));
                assertThrows(IllegalArgumentException.class, () -> channel.write(ByteBuffer.allocate(1), -1));
                channel.truncate(10);
                assertEquals(10, channel.size());
                channel.force(true);
            }
            assertEquals(10, Files.size(file));
        }

        @Test
        void aPositionalWritePastTheEndLeavesZeros() throws IOException {
            Path file = write("f", "ab");
            try (FileChannel channel = FileChannel.open(file, WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {5}), 6);
                assertEquals(7, channel.size());
                assertEquals(0, channel.position());
            }
            assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0, 0, 5}, Files.readAllBytes(file));
        }

        @Test
        void forcedWritesAreSeenThroughOtherPaths() throws IOException {
            Path file = dir.resolve("f");
            try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
                channel.write(ByteBuffer.wrap(random(40_000, 4)));
                channel.force(false);
                assertEquals(40_000, Files.size(file));
                assertEquals(40_000, Files.readAllBytes(file).length);
            }
        }

        @Test
        void scatterAndGather() throws IOException {
            Path file = dir.resolve("f");
            try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
                ByteBuffer[] parts = {ByteBuffer.wrap(bytes("ab")), ByteBuffer.wrap(bytes("cde"))};
                assertEquals(5, channel.write(parts));
                channel.position(0);
                ByteBuffer first = ByteBuffer.allocate(3);
                ByteBuffer second = ByteBuffer.allocate(4);
                assertEquals(5, channel.read(new ByteBuffer[] {first, second}));
                assertEquals("abc", ContractSupport.string(first.array()));
                assertEquals("de", new String(second.array(), 0, second.position(), StandardCharsets.UTF_8));
            }
        }

        @Test
        void transfersLeaveThePosition() throws IOException {
            byte[] data = random(300_000, 6);
            Path source = Files.write(dir.resolve("s"), data);
            Path target = dir.resolve("t");
            try (FileChannel in = FileChannel.open(source, READ);
                 FileChannel out = FileChannel.open(target, CREATE_NEW, WRITE)) {
                in.position(5);
                long moved = 0;
                while (moved < data.length) {
                    moved += in.transferTo(moved, data.length - moved, out);
                }
                assertEquals(5, in.position());
                assertEquals(data.length, out.position(), "transferTo advances the target's position");
            }
            assertArrayEquals(data, Files.readAllBytes(target));
            try (FileChannel out = FileChannel.open(target, WRITE);
                 FileChannel in = FileChannel.open(source, READ)) {
                assertEquals(1000, out.transferFrom(in, 10, 1000));
                assertEquals(0, out.position());
                assertEquals(1000, in.position(), "transferFrom advances the source's position");
            }
            byte[] expected = data.clone();
            System.arraycopy(data, 0, expected, 10, 1000);
            assertArrayEquals(expected, Files.readAllBytes(target));
        }

        @Test
        void mapping() throws IOException {
            Path file = Files.write(dir.resolve("c"), new byte[16]);
            try (FileChannel channel = FileChannel.open(file, READ, WRITE)) {
                if (deviates(Deviation.NO_MEMORY_MAPPING)) {
                    assertThrows(UnsupportedOperationException.class, () -> channel.map(FileChannel.MapMode.READ_ONLY, 0, 16));
                } else {
                    assertEquals(16, channel.map(FileChannel.MapMode.READ_ONLY, 0, 16).capacity());
                }
            }
        }

        @Test
        void locking() throws IOException {
            Path file = Files.write(dir.resolve("c"), new byte[16]);
            try (FileChannel channel = FileChannel.open(file, READ, WRITE)) {
                if (deviates(Deviation.NO_FILE_LOCKS)) {
                    assertThrows(UnsupportedOperationException.class, channel::lock);
                    assertThrows(UnsupportedOperationException.class, channel::tryLock);
                } else {
                    var lock = channel.lock();
                    assertTrue(lock.isValid());
                    assertFalse(lock.isShared());
                    lock.release();
                    assertFalse(lock.isValid());
                    var partial = channel.tryLock(0, 4, false);
                    assertNotNull(partial);
                    partial.release();
                }
            }
        }
    }

    @Nested
    class Names {
        private final List<String> tricky = List.of("é ü 日本.txt", " leading space", "trailing space ", "a'b\"c",
                "per%41cent", "hash#q?mark", "semi;colon&amp", "tab\there", "-dash", "star*", "back\\slash",
                "emoji 😀", "ünïcödé", "...dots");

        @Test
        void trickyNamesRoundTrip() throws IOException {
            for (String name : tricky) {
                Files.writeString(dir.resolve(name), name);
            }
            assertEquals(new TreeSet<>(tricky), names(dir));
            for (String name : tricky) {
                Path file = dir.resolve(name);
                assertEquals(name, Files.readString(file));
                assertEquals(name, file.getFileName().toString());
                assertEquals(file.toAbsolutePath(), Path.of(file.toUri()), name);
            }
        }

        @Test
        void nonAsciiDirectoriesMovesAndCopies() throws IOException {
            Path sub = Files.createDirectories(dir.resolve("日本/é ü"));
            Path file = Files.writeString(sub.resolve("é ü 日本.txt"), "x");
            Files.copy(file, sub.resolve("копия.txt"));
            Files.move(file, dir.resolve("日本/移動.txt"));
            assertEquals(Set.of("копия.txt"), names(sub));
            assertEquals(Set.of("é ü", "移動.txt"), names(dir.resolve("日本")));
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.resolve("日本"), "移*")) {
                assertEquals(List.of(dir.resolve("日本/移動.txt")), ContractSupport.list(stream));
            }
            assertTrue(Files.isSameFile(sub, dir.resolve("日本/./é ü")));
        }
    }

    @Nested
    class Directories {
        @Test
        void createDirectoryRefusesWhatTheJdkRefuses() throws IOException {
            Path a = Files.createDirectory(dir.resolve("a"));
            assertTrue(Files.isDirectory(a));
            assertFails(FileAlreadyExistsException.class, a, () -> Files.createDirectory(a));
            Path file = write("file", "x");
            assertFails(FileAlreadyExistsException.class, file, () -> Files.createDirectory(file));
            assertFails(NoSuchFileException.class, dir.resolve("x/y"), () -> Files.createDirectory(dir.resolve("x/y")));
            assertFails(FileSystemException.class, file.resolve("y"), () -> Files.createDirectory(file.resolve("y")));
        }

        @Test
        void createDirectoriesMakesTheMissingOnesOnly() throws IOException {
            Path deep = dir.resolve("a/b/c");
            assertEquals(deep.toAbsolutePath(), Files.createDirectories(deep).toAbsolutePath());
            assertTrue(Files.isDirectory(deep));
            assertEquals(deep, Files.createDirectories(deep), "an existing directory is fine, and returned as given");
            Files.createDirectories(dir);
            Path file = write("a/file", "x");
            assertFails(FileAlreadyExistsException.class, file, () -> Files.createDirectories(file));
            assertFails(FileSystemException.class, file.resolve("x").toAbsolutePath(),
                    () -> Files.createDirectories(file.resolve("x/y")));
            assertEquals("x", Files.readString(file));
            Path link = Files.createSymbolicLink(dir.resolve("to-a"), dir.resolve("a").toAbsolutePath());
            Files.createDirectories(link.resolve("via/link"));
            assertTrue(Files.isDirectory(dir.resolve("a/via/link")));
        }

        @Test
        void createDirectoriesAcceptsPermissions() throws IOException {
            Path deep = Files.createDirectories(dir.resolve("p/q"), perms("rwx------"));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deep)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deep.getParent())));
        }

        @Test
        void deleteAndDeleteIfExists() throws IOException {
            Path full = Files.createDirectories(dir.resolve("full/sub"));
            Path file = write("full/f", "x");
            assertFails(DirectoryNotEmptyException.class, full.getParent(), () -> Files.delete(full.getParent()));
            assertFails(DirectoryNotEmptyException.class, full.getParent(),
                    () -> Files.deleteIfExists(full.getParent()));
            Files.delete(full);
            Files.delete(file);
            assertFalse(Files.exists(full));
            assertFails(NoSuchFileException.class, full, () -> Files.delete(full));
            assertFalse(Files.deleteIfExists(full));
            assertTrue(Files.deleteIfExists(dir.resolve("full")));
            assertEquals(Set.of(), names(dir));
            assertFails(NoSuchFileException.class, dir.resolve("x/y"), () -> Files.delete(dir.resolve("x/y")));
            assertFalse(Files.deleteIfExists(dir.resolve("x/y")));
            Path empty = Files.createFile(dir.resolve("empty"));
            assertTrue(Files.deleteIfExists(empty));
            assertFalse(Files.exists(empty));
        }

        @Test
        void directoryStreamsWithGlobsAndFilters() throws IOException {
            Files.createDirectory(dir.resolve("sub"));
            for (String name : List.of("one.txt", "two.log", "three.txt", ".hidden", "a.md", "ab.md")) {
                write(name, name);
            }
            assertEquals(Set.of("sub", "one.txt", "two.log", "three.txt", ".hidden", "a.md", "ab.md"), names(dir));
            assertEquals(Set.of("one.txt", "three.txt"), namesMatching("*.txt"));
            assertEquals(Set.of("one.txt", "three.txt", "two.log"), namesMatching("*.{txt,log}"));
            assertEquals(Set.of("a.md"), namesMatching("?.md"));
            assertEquals(Set.of("two.log", "three.txt"), namesMatching("t[hw]*"));
            assertEquals(Set.of(".hidden"), namesMatching(".*"));
            assertEquals(Set.of(), namesMatching("*.none"));
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isDirectory)) {
                assertEquals(List.of(dir.resolve("sub")), ContractSupport.list(stream));
            }
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> Files.size(p) == 5)) {
                assertEquals(Set.of(dir.resolve("ab.md")), Set.copyOf(ContractSupport.list(stream)));
            }
            assertThrows(java.util.regex.PatternSyntaxException.class, () -> Files.newDirectoryStream(dir, "[a"));
        }

        private Set<String> namesMatching(String glob) throws IOException {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
                Set<String> names = new TreeSet<>();
                stream.forEach(p -> names.add(p.getFileName().toString()));
                return names;
            }
        }

        @Test
        void directoryStreamsAreIterableOnceAndFailAsTheFilterDoes() throws IOException {
            write("f", "x");
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                List<Path> entries = ContractSupport.list(stream);
                assertEquals(List.of(dir.resolve("f")), entries);
                assertEquals(dir, entries.get(0).getParent());
                assertThrows(IllegalStateException.class, stream::iterator);
            }
            DirectoryStream<Path> closed = Files.newDirectoryStream(dir);
            closed.close();
            assertThrows(IllegalStateException.class, closed::iterator);
            IOException failure = new IOException("from the filter");
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> {
                throw failure;
            })) {
                DirectoryIteratorException e = assertThrows(DirectoryIteratorException.class,
                        () -> stream.iterator().hasNext());
                assertSame(failure, e.getCause());
            }
        }

        @Test
        void listingWhatIsNotADirectory() throws IOException {
            Path file = write("f", "x");
            assertFails(NotDirectoryException.class, file, () -> Files.newDirectoryStream(file));
            assertFails(NotDirectoryException.class, file, () -> Files.list(file));
            assertFails(NoSuchFileException.class, dir.resolve("missing"), () -> Files.list(dir.resolve("missing")));
            try (Stream<Path> list = Files.list(Files.createDirectory(dir.resolve("empty")))) {
                assertEquals(0, list.count());
            }
        }
    }

    @Nested
    class Walking {
        private Path tree() throws IOException {
            Files.createDirectories(dir.resolve("a/b/c"));
            Files.createDirectories(dir.resolve("skip/inner"));
            write("top.txt", "1");
            write("a/mid.txt", "22");
            write("a/b/c/low.txt", "333");
            write("skip/inner/hidden.txt", "4444");
            return dir;
        }

        private Set<String> relative(Stream<Path> paths) {
            try (paths) {
                return paths.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
            }
        }

        @Test
        void walkListsEverythingDepthFirstAndHonoursMaxDepth() throws IOException {
            tree();
            assertEquals(Set.of("", "a", "a/b", "a/b/c", "a/b/c/low.txt", "a/mid.txt", "skip", "skip/inner",
                    "skip/inner/hidden.txt", "top.txt"), relative(Files.walk(dir)));
            assertEquals(Set.of("", "a", "skip", "top.txt"), relative(Files.walk(dir, 1)));
            assertEquals(Set.of(""), relative(Files.walk(dir, 0)));
            try (Stream<Path> walk = Files.walk(dir)) {
                List<Path> order = walk.collect(Collectors.toList());
                assertEquals(dir, order.get(0));
                assertTrue(order.indexOf(dir.resolve("a")) < order.indexOf(dir.resolve("a/b/c/low.txt")));
            }
            assertFails(NoSuchFileException.class, dir.resolve("missing"), () -> Files.walk(dir.resolve("missing")));
        }

        @Test
        void listWithAttributeReads() throws IOException {
            tree();
            try (Stream<Path> list = Files.list(dir)) {
                Map<String, Boolean> directories = list.collect(Collectors.toMap(p -> p.getFileName().toString(),
                        Files::isDirectory));
                assertEquals(Map.of("a", true, "skip", true, "top.txt", false), directories);
            }
            try (Stream<Path> list = Files.list(dir.resolve("a"))) {
                Map<String, Long> sizes = list.filter(Files::isRegularFile).collect(Collectors.toMap(
                        p -> p.getFileName().toString(), p -> ContractSupport.size(p)));
                assertEquals(Map.of("mid.txt", 2L), sizes);
            }
        }

        @Test
        void findFiltersOnAttributes() throws IOException {
            tree();
            assertEquals(Set.of("a/b/c/low.txt", "skip/inner/hidden.txt"),
                    relative(Files.find(dir, Integer.MAX_VALUE, (p, attrs) -> attrs.isRegularFile() && attrs.size() > 2)));
            assertEquals(Set.of("a/mid.txt", "top.txt"),
                    relative(Files.find(dir, 2, (p, attrs) -> attrs.isRegularFile())));
            assertEquals(Set.of("", "a", "a/b", "a/b/c", "skip", "skip/inner"),
                    relative(Files.find(dir, 10, (p, attrs) -> attrs.isDirectory())));
        }

        @Test
        void walkFileTreeVisitsSkipsAndTerminates() throws IOException {
            tree();
            List<String> events = new ArrayList<>();
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    assertTrue(attrs.isDirectory());
                    events.add("pre " + dir.relativize(d));
                    return d.endsWith("skip") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    events.add("file " + dir.relativize(file) + " " + attrs.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failure) {
                    assertNull(failure);
                    events.add("post " + dir.relativize(d));
                    return FileVisitResult.CONTINUE;
                }
            });
            assertEquals(new TreeSet<>(List.of("pre ", "pre a", "pre a/b", "pre a/b/c", "pre skip",
                    "file top.txt 1", "file a/mid.txt 2", "file a/b/c/low.txt 3",
                    "post ", "post a", "post a/b", "post a/b/c")), new TreeSet<>(events));
            assertEquals("post ", events.get(events.size() - 1));
            assertTrue(events.indexOf("post a/b/c") < events.indexOf("post a/b"));
            int[] visited = {0};
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    visited[0]++;
                    return FileVisitResult.TERMINATE;
                }
            });
            assertEquals(1, visited[0]);
        }

        @Test
        void walkFileTreeReportsAMissingStart() {
            Path missing = dir.resolve("missing");
            assertFails(NoSuchFileException.class, missing, () -> Files.walkFileTree(missing, new SimpleFileVisitor<>() {
            }));
            List<IOException> failures = new ArrayList<>();
            assertDoesNotThrow(() -> Files.walkFileTree(missing, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) {
                    failures.add(failure);
                    return FileVisitResult.CONTINUE;
                }
            }));
            assertEquals(1, failures.size());
            assertInstanceOf(NoSuchFileException.class, failures.get(0));
        }

        @Test
        void followingLinksFindsLoopsAndDanglingLinks() throws IOException {
            Path a = Files.createDirectories(dir.resolve("a/b"));
            Files.createSymbolicLink(a.resolve("up"), dir.resolve("a").toAbsolutePath());
            Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            List<IOException> failures = new ArrayList<>();
            List<String> files = new ArrayList<>();
            Files.walkFileTree(dir, Set.of(FileVisitOption.FOLLOW_LINKS), 10, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    files.add(dir.relativize(file) + (attrs.isSymbolicLink() ? " link" : ""));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) {
                    failures.add(failure);
                    return FileVisitResult.CONTINUE;
                }
            });
            assertEquals(List.of("dangling link"), files, "a dangling link is visited as the link itself");
            assertEquals(1, failures.size());
            FileSystemLoopException loop = assertInstanceOf(FileSystemLoopException.class, failures.get(0));
            assertEquals(dir.resolve("a/b/up").toString(), loop.getFile());
            assertEquals(Set.of("", "a", "a/b", "a/b/up", "dangling"), relative(Files.walk(dir)),
                    "without FOLLOW_LINKS links are entries");
        }

        @Test
        void aDeepTreeCanBeMadeWalkedAndDeleted() throws IOException {
            Path deep = dir;
            for (int i = 0; i < 30; i++) {
                deep = deep.resolve("d" + i);
            }
            Files.createDirectories(deep);
            Files.writeString(deep.resolve("leaf"), "x");
            assertEquals("x", Files.readString(deep.resolve("leaf")));
            try (Stream<Path> walk = Files.walk(dir)) {
                assertEquals(32, walk.count());
            }
            try (Stream<Path> found = Files.find(dir, 100, (p, attrs) -> attrs.isRegularFile())) {
                assertEquals(List.of(deep.resolve("leaf")), found.collect(Collectors.toList()));
            }
            try (Stream<Path> shallow = Files.walk(dir, 5)) {
                assertEquals(6, shallow.count());
            }
            Files.walkFileTree(dir.resolve("d0"), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            assertEquals(Set.of(), names(dir));
        }
    }

    @Nested
    class Copying {
        @Test
        void copyHonoursReplaceAndAttributes() throws IOException {
            Path source = write("s", "source");
            Files.setLastModifiedTime(source, OLD);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxr-x---"));
            Path target = write("t", "old");
            assertFails(FileAlreadyExistsException.class, target, () -> Files.copy(source, target));
            assertEquals("old", Files.readString(target));
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals("source", Files.readString(target));
            assertEquals(OLD, Files.getLastModifiedTime(target));
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            Path plain = dir.resolve("plain");
            Files.copy(source, plain);
            assertNotEquals(OLD, Files.getLastModifiedTime(plain), "without COPY_ATTRIBUTES the time is new");
            assertEquals("source", Files.readString(source), "the source is untouched");
        }

        @Test
        void copyFailsWithThePathAtFault() throws IOException {
            Path source = write("s", "x");
            assertFails(NoSuchFileException.class, dir.resolve("missing"),
                    () -> Files.copy(dir.resolve("missing"), dir.resolve("t")));
            assertFails(NoSuchFileException.class, dir.resolve("no-dir/t"),
                    () -> Files.copy(source, dir.resolve("no-dir/t")));
            Path full = Files.createDirectories(dir.resolve("full/x"));
            assertFails(DirectoryNotEmptyException.class, full.getParent(),
                    () -> Files.copy(source, full.getParent(), StandardCopyOption.REPLACE_EXISTING));
            Files.copy(source, source);
            Files.copy(source, source, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("x", Files.readString(source), "a copy onto itself does nothing");
            assertThrows(UnsupportedOperationException.class,
                    () -> Files.copy(source, dir.resolve("t"), StandardCopyOption.ATOMIC_MOVE));
        }

        @Test
        void aDirectoryIsCopiedEmpty() throws IOException {
            Path tree = Files.createDirectories(dir.resolve("tree/sub"));
            write("tree/f", "x");
            Files.setPosixFilePermissions(tree.getParent(), PosixFilePermissions.fromString("rwx-----x"));
            Files.copy(dir.resolve("tree"), dir.resolve("copy"), StandardCopyOption.COPY_ATTRIBUTES);
            assertTrue(Files.isDirectory(dir.resolve("copy")));
            assertEquals(Set.of(), names(dir.resolve("copy")), "a directory is copied empty");
            assertEquals("rwx-----x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("copy"))));
            assertTrue(Files.isDirectory(tree));
            Path file = write("was-a-file", "x");
            Files.copy(dir.resolve("tree"), file, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.isDirectory(file));
        }

        @Test
        void linksAreCopiedAsLinksOnlyWithNoFollow() throws IOException {
            Path target = write("target", "t");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            Files.copy(link, dir.resolve("as-file"));
            assertFalse(Files.isSymbolicLink(dir.resolve("as-file")));
            assertEquals("t", Files.readString(dir.resolve("as-file")));
            Files.copy(link, dir.resolve("as-link"), NOFOLLOW_LINKS);
            assertTrue(Files.isSymbolicLink(dir.resolve("as-link")));
            assertEquals(target.getFileName(), Files.readSymbolicLink(dir.resolve("as-link")));
            Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            assertFails(NoSuchFileException.class, dangling, () -> Files.copy(dangling, dir.resolve("x")));
            Files.copy(dangling, dir.resolve("dangling-copy"), NOFOLLOW_LINKS);
            assertEquals(dir.resolve("nowhere"), Files.readSymbolicLink(dir.resolve("dangling-copy")));
            Files.copy(link, dir.resolve("as-file"), NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.isSymbolicLink(dir.resolve("as-file")));
        }

        @Test
        void emptyAndLargeFilesCopyExactly() throws IOException {
            Path empty = Files.createFile(dir.resolve("empty"));
            Files.copy(empty, dir.resolve("empty-copy"));
            assertEquals(0, Files.size(dir.resolve("empty-copy")));
            byte[] data = random(1_500_000, 9);
            Path large = Files.write(dir.resolve("large"), data);
            Files.copy(large, dir.resolve("large-copy"));
            assertEquals(-1L, Files.mismatch(large, dir.resolve("large-copy")));
        }
    }

    @Nested
    class Moving {
        @Test
        void moveRenamesReplacesAndRefuses() throws IOException {
            Path a = write("a", "A");
            Path b = write("b", "B");
            assertFails(FileAlreadyExistsException.class, b, () -> Files.move(a, b));
            assertEquals("A", Files.readString(a));
            Files.move(a, b, StandardCopyOption.REPLACE_EXISTING);
            assertFalse(Files.exists(a));
            assertEquals("A", Files.readString(b));
            Files.move(b, b);
            assertEquals("A", Files.readString(b), "a move onto itself does nothing");
        }

        @Test
        void atomicMovesRenameAndReplace() throws IOException {
            Path a = write("a", "A");
            Path c = write("c", "C");
            Files.move(a, c, StandardCopyOption.ATOMIC_MOVE);
            assertFalse(Files.exists(a));
            assertEquals("A", Files.readString(c), "an atomic move replaces, as rename(2) does");
            Files.move(c, dir.resolve("d"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("A", Files.readString(dir.resolve("d")));
            Path into = dir.resolve("missing/e");
            NoSuchFileException e = assertFails(NoSuchFileException.class, dir.resolve("d"),
                    () -> Files.move(dir.resolve("d"), into, StandardCopyOption.ATOMIC_MOVE));
            assertEquals(into.toString(), e.getOtherFile());
        }

        @Test
        void moveIntoAMissingDirectoryNamesBothPaths() throws IOException {
            Path a = write("a", "A");
            Path into = dir.resolve("missing/a");
            NoSuchFileException e = assertFails(NoSuchFileException.class, a, () -> Files.move(a, into));
            assertEquals(into.toString(), e.getOtherFile());
            assertFails(NoSuchFileException.class, dir.resolve("gone"), () -> Files.move(dir.resolve("gone"),
                    dir.resolve("x")));
            assertEquals("A", Files.readString(a));
        }

        @Test
        void directoriesMoveWithTheirContents() throws IOException {
            Path full = Files.createDirectories(dir.resolve("full/x"));
            write("full/x/f", "deep");
            Files.move(dir.resolve("full"), dir.resolve("moved"));
            assertEquals("deep", Files.readString(dir.resolve("moved/x/f")));
            assertFalse(Files.exists(full));
            Files.createDirectory(dir.resolve("d"));
            assertFails(DirectoryNotEmptyException.class, dir.resolve("moved"),
                    () -> Files.move(dir.resolve("d"), dir.resolve("moved"), StandardCopyOption.REPLACE_EXISTING));
            Path empty = Files.createDirectory(dir.resolve("empty"));
            Files.move(dir.resolve("moved"), empty, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("deep", Files.readString(empty.resolve("x/f")));
            assertThrows(FileSystemException.class, () -> Files.move(empty, empty.resolve("x/inside")));
            assertTrue(Files.isDirectory(empty.resolve("x")));
        }

        @Test
        void replacingAcrossKinds() throws IOException {
            Path file = write("file", "F");
            Path emptyDir = Files.createDirectory(dir.resolve("empty-dir"));
            Files.move(file, emptyDir, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.isRegularFile(emptyDir), "a file replaces an empty directory");
            assertEquals("F", Files.readString(emptyDir));
            Path sub = Files.createDirectory(dir.resolve("sub"));
            Files.move(sub, emptyDir, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.isDirectory(emptyDir), "a directory replaces a file");
            assertFalse(Files.exists(sub));
        }

        @Test
        void aLinkMovesAsALink() throws IOException {
            Path target = write("target", "t");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            Files.createDirectory(dir.resolve("sub"));
            Files.move(link, dir.resolve("renamed"));
            assertTrue(Files.isSymbolicLink(dir.resolve("renamed")));
            assertEquals("t", Files.readString(dir.resolve("renamed")));
            assertEquals("t", Files.readString(target));
        }
    }

    @Nested
    class WithTheDefaultFileSystem {
        @TempDir
        Path local;

        @Test
        void copyBothWays() throws IOException {
            byte[] data = random(200_000, 3);
            Path here = Files.write(local.resolve("here.bin"), data);
            Path there = dir.resolve("there.bin");
            Files.copy(here, there);
            assertArrayEquals(data, Files.readAllBytes(there));
            Files.copy(there, local.resolve("back.bin"));
            assertArrayEquals(data, Files.readAllBytes(local.resolve("back.bin")));
            Files.copy(Files.createFile(local.resolve("empty")), dir.resolve("empty"));
            assertEquals(0, Files.size(dir.resolve("empty")));
        }

        @Test
        void replaceAndRefuseBothWays() throws IOException {
            Path here = Files.writeString(local.resolve("here"), "local");
            Path there = write("there", "remote");
            assertFails(FileAlreadyExistsException.class, there, () -> Files.copy(here, there));
            assertFails(FileAlreadyExistsException.class, here, () -> Files.copy(there, here));
            Files.copy(here, there, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("local", Files.readString(there));
            Files.writeString(there, "remote");
            Files.copy(there, here, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("remote", Files.readString(here));
            assertFails(NoSuchFileException.class, dir.resolve("missing"),
                    () -> Files.copy(dir.resolve("missing"), local.resolve("x")));
        }

        @Test
        void attributesTravelWithCopyAttributes() throws IOException {
            Path here = Files.writeString(local.resolve("here"), "x");
            Files.setLastModifiedTime(here, OLD);
            Files.copy(here, dir.resolve("there"), StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals(OLD, Files.getLastModifiedTime(dir.resolve("there")));
            Path there = write("there2", "y");
            Files.setLastModifiedTime(there, OLD);
            Files.copy(there, local.resolve("back"), StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals(OLD, Files.getLastModifiedTime(local.resolve("back")));
        }

        @Test
        void moveBothWaysAndDirectories() throws IOException {
            Path here = Files.writeString(local.resolve("here"), "moving");
            Files.move(here, dir.resolve("arrived"));
            assertFalse(Files.exists(here));
            assertEquals("moving", Files.readString(dir.resolve("arrived")));
            Files.move(dir.resolve("arrived"), local.resolve("home"));
            assertFalse(Files.exists(dir.resolve("arrived")));
            assertEquals("moving", Files.readString(local.resolve("home")));
            Files.createDirectories(local.resolve("tree/sub"));
            Files.copy(local.resolve("tree"), dir.resolve("tree"));
            assertTrue(Files.isDirectory(dir.resolve("tree")));
            assertEquals(Set.of(), names(dir.resolve("tree")));
        }
    }

    @Nested
    class Attributes {
        private final Set<String> basicNames = Set.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
                "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");

        @Test
        void basicAndPosixAttributes() throws IOException {
            Path file = write("f", "12345");
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
            assertEquals(5, basic.size());
            assertTrue(basic.isRegularFile());
            assertFalse(basic.isDirectory());
            assertFalse(basic.isSymbolicLink());
            assertFalse(basic.isOther());
            assertEquals(deviates(Deviation.NO_FILE_KEY), basic.fileKey() == null);
            if (deviates(Deviation.NO_CREATION_TIME)) {
                assertEquals(basic.lastModifiedTime(), basic.creationTime());
            }
            PosixFileAttributes posix = Files.readAttributes(file, PosixFileAttributes.class);
            assertEquals(5, posix.size());
            assertEquals(Files.getOwner(file), posix.owner());
            assertNotNull(posix.group());
            assertEquals(posix.permissions(), Files.getPosixFilePermissions(file));
            BasicFileAttributes directory = Files.readAttributes(dir, BasicFileAttributes.class);
            assertTrue(directory.isDirectory());
            assertFalse(directory.isRegularFile());
            assertFails(NoSuchFileException.class, dir.resolve("missing"),
                    () -> Files.readAttributes(dir.resolve("missing"), BasicFileAttributes.class));
        }

        @Test
        void attributesByName() throws IOException {
            Path file = write("f", "12345");
            Map<String, Object> some = Files.readAttributes(file, "basic:size,lastModifiedTime");
            assertEquals(Set.of("size", "lastModifiedTime"), some.keySet());
            assertEquals(5L, some.get("size"));
            assertEquals(Files.getLastModifiedTime(file), some.get("lastModifiedTime"));
            assertEquals(Map.of("permissions", Files.getPosixFilePermissions(file)),
                    Files.readAttributes(file, "posix:permissions"));
            assertEquals(basicNames, Files.readAttributes(file, "*").keySet());
            assertEquals(basicNames, Files.readAttributes(file, "basic:*").keySet());
            Set<String> posixNames = new TreeSet<>(basicNames);
            posixNames.addAll(Set.of("permissions", "owner", "group"));
            assertEquals(posixNames, new TreeSet<>(Files.readAttributes(file, "posix:*").keySet()));
            assertEquals(Map.of("owner", Files.getOwner(file)), Files.readAttributes(file, "owner:*"));
            assertEquals(Set.of("size", "permissions"), Files.readAttributes(file, "posix:permissions,size").keySet());
            assertEquals(5L, Files.getAttribute(file, "size"));
            assertEquals(true, Files.getAttribute(file, "basic:isRegularFile"));
            assertEquals(Files.getPosixFilePermissions(file), Files.getAttribute(file, "posix:permissions"));
        }

        @Test
        void unknownAttributesAndViews() throws IOException {
            Path file = write("f", "x");
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "basic:size,nope"));
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "basic:permissions"));
            assertThrows(IllegalArgumentException.class, () -> Files.getAttribute(file, "nope"));
            assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(file, "nope:size"));
            assertThrows(UnsupportedOperationException.class, () -> Files.getAttribute(file, "nope:size"));
            assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(file, "basic:size", 1L));
            assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(file, "posix:nope", 1L));
            assertThrows(UnsupportedOperationException.class, () -> Files.setAttribute(file, "nope:size", 1L));
            assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(file, Custom.class));
            assertNull(Files.getFileAttributeView(file, AclFileAttributeView.class));
            assertEquals(1, Files.size(file));
        }

        @Test
        void eachViewReadsAndSetsOnlyItsOwnAttributes() throws IOException {
            Path file = write("f", "x");
            UserPrincipal owner = Files.getOwner(file);
            assertEquals(Map.of("owner", owner), Files.readAttributes(file, "owner:owner"));
            assertEquals(owner, Files.getAttribute(file, "owner:owner"));
            Files.setAttribute(file, "owner:owner", owner);
            Files.setAttribute(file, "posix:owner", owner);
            assertEquals(owner, Files.getOwner(file));
            Files.setAttribute(file, "posix:lastModifiedTime", OLD);
            assertEquals(OLD, Files.getLastModifiedTime(file), "the posix view sets the basic view's times");
            assertEquals(Set.of("size", "owner", "group"),
                    Files.readAttributes(file, "posix:group,size,owner").keySet());
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "owner:size"));
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "owner:*,size"));
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "basic:owner"));
            assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(file, "posix:"));
            assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(file, "basic:owner", owner));
            assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(file, "owner:lastModifiedTime", OLD));
            assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(file, "posix:size", 1L));
            assertThrows(IllegalArgumentException.class,
                    () -> Files.setAttribute(file, "basic:permissions", PosixFilePermissions.fromString("rw-------")));
            assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(file, "Posix:size"),
                    "view names are case-sensitive");
            assertEquals(OLD, Files.getLastModifiedTime(file), "a refused attribute changes nothing");
        }

        @Test
        void theViews() throws IOException {
            Path file = write("f", "123");
            BasicFileAttributeView basic = Files.getFileAttributeView(file, BasicFileAttributeView.class);
            assertEquals("basic", basic.name());
            assertEquals(3, basic.readAttributes().size());
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            assertEquals("posix", posix.name());
            posix.setPermissions(PosixFilePermissions.fromString("r--r-----"));
            assertEquals("r--r-----", PosixFilePermissions.toString(posix.readAttributes().permissions()));
            FileOwnerAttributeView owner = Files.getFileAttributeView(file, FileOwnerAttributeView.class);
            assertEquals("owner", owner.name());
            UserPrincipal me = owner.getOwner();
            assertEquals(Files.getOwner(file), me);
            owner.setOwner(me);
            posix.setGroup(posix.readAttributes().group());
            Files.setOwner(file, me);
            Files.setAttribute(file, "posix:group", posix.readAttributes().group());
            assertEquals(me, Files.getOwner(file));
            Path missing = dir.resolve("missing");
            BasicFileAttributeView ofMissing = Files.getFileAttributeView(missing, BasicFileAttributeView.class);
            assertNotNull(ofMissing, "a view is had without asking the file system");
            assertFails(NoSuchFileException.class, missing, ofMissing::readAttributes);
        }

        @Test
        void ownersAreLookedUpByTheirNames() throws IOException {
            Path file = write("f", "x");
            UserPrincipal owner = Files.getOwner(file);
            GroupPrincipal group = Files.readAttributes(file, PosixFileAttributes.class).group();
            if (deviates(Deviation.NUMERIC_OWNERS) || ownerHasName()) {
                assertEquals(deviates(Deviation.NUMERIC_OWNERS), owner.getName().matches("[0-9]+"), owner.getName());
                assertEquals(deviates(Deviation.NUMERIC_OWNERS), group.getName().matches("[0-9]+"), group.getName());
            }
            assertEquals(owner, Files.readAttributes(file, PosixFileAttributes.class).owner());
            assertEquals(owner, Files.getAttribute(file, "posix:owner"));
            assertEquals(group, Files.getAttribute(file, "posix:group"));
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            assertEquals(owner, lookup.lookupPrincipalByName(owner.getName()));
            assertEquals(group, lookup.lookupPrincipalByGroupName(group.getName()));
            assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName("no such user x"));
            assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName(""));
            assertThrows(IOException.class, () -> Files.setOwner(file, lookup.lookupPrincipalByGroupName(group.getName())),
                    "a group is no owner");
            assertEquals(owner, Files.getOwner(file));
        }

        @Test
        void timesCanBeSet() throws IOException {
            Path file = write("f", "x");
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_500_000_000_123L));
            long expected = deviates(Deviation.TIMES_IN_WHOLE_SECONDS) ? 1_500_000_000_000L : 1_500_000_000_123L;
            assertEquals(expected, Files.getLastModifiedTime(file).toMillis());
            FileTime accessed = Files.readAttributes(file, BasicFileAttributes.class).lastAccessTime();
            Files.setAttribute(file, "basic:lastModifiedTime", OLD);
            assertEquals(OLD, Files.getLastModifiedTime(file));
            assertEquals(accessed, Files.readAttributes(file, BasicFileAttributes.class).lastAccessTime(),
                    "setting one time leaves the other");
            FileTime later = FileTime.fromMillis(1_600_000_000_000L);
            Files.setAttribute(file, "lastAccessTime", later);
            BasicFileAttributes both = Files.readAttributes(file, BasicFileAttributes.class);
            assertEquals(later, both.lastAccessTime());
            assertEquals(OLD, both.lastModifiedTime());
            Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(later, OLD, null);
            both = Files.readAttributes(file, BasicFileAttributes.class);
            assertEquals(later, both.lastModifiedTime());
            assertEquals(OLD, both.lastAccessTime());
            Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(null, null, null);
            assertEquals(later, Files.getLastModifiedTime(file));
        }

        @Test
        void creationTime() throws IOException {
            Path file = write("f", "x");
            Files.setLastModifiedTime(file, OLD);
            Files.setAttribute(file, "creationTime", FileTime.fromMillis(1_000_000_000_000L));
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (deviates(Deviation.NO_CREATION_TIME)) {
                assertEquals(OLD, attributes.creationTime(), "the creation time is the modification time");
            }
            assertEquals(OLD, attributes.lastModifiedTime(), "setting the creation time leaves the others");
        }

        @Test
        void permissionsCanBeSet() throws IOException {
            Path file = write("f", "x");
            for (String permissions : List.of("rwx--x---", "---------", "rwxrwxrwx", "r--------", "rw-r--r--")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
                assertEquals(permissions, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            Files.setAttribute(file, "posix:permissions", PosixFilePermissions.fromString("rw-------"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Path sub = Files.createDirectory(dir.resolve("sub"));
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-x--x"));
            assertEquals("rwxr-x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)));
            assertFails(NoSuchFileException.class, dir.resolve("missing"), () -> Files.setPosixFilePermissions(
                    dir.resolve("missing"), PosixFilePermissions.fromString("rw-------")));
        }

        @Test
        void permissionsGivenAtCreationAreHonoured() throws IOException {
            Path file = Files.createFile(dir.resolve("secret"), perms("rw-------"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Path sub = Files.createDirectory(dir.resolve("private"), perms("rwx------"));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)));
        }
    }

    /** An attributes type no file system offers. */
    private interface Custom extends BasicFileAttributes {
    }

    @Nested
    class Links {
        @Test
        void symbolicLinksFollowedOrNot() throws IOException {
            Path target = write("target", "t");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            assertTrue(Files.isSymbolicLink(link));
            assertFalse(Files.isSymbolicLink(target));
            assertEquals(target.getFileName(), Files.readSymbolicLink(link));
            assertEquals("t", Files.readString(link));
            assertTrue(Files.readAttributes(link, BasicFileAttributes.class, NOFOLLOW_LINKS).isSymbolicLink());
            assertTrue(Files.readAttributes(link, PosixFileAttributes.class, NOFOLLOW_LINKS).isSymbolicLink());
            assertTrue(Files.readAttributes(link, BasicFileAttributes.class).isRegularFile());
            assertTrue(Files.isRegularFile(link));
            assertFalse(Files.isRegularFile(link, NOFOLLOW_LINKS));
            assertEquals(true, Files.getAttribute(link, "isSymbolicLink", NOFOLLOW_LINKS));
            assertFails(NotLinkException.class, target, () -> Files.readSymbolicLink(target));
            assertFails(NoSuchFileException.class, dir.resolve("missing"),
                    () -> Files.readSymbolicLink(dir.resolve("missing")));
            assertFails(FileAlreadyExistsException.class, link, () -> Files.createSymbolicLink(link, target));
            Files.delete(link);
            assertTrue(Files.exists(target), "deleting a link leaves its target");
        }

        @Test
        void danglingLinks() throws IOException {
            Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            assertFalse(Files.exists(dangling));
            assertTrue(Files.notExists(dangling));
            assertTrue(Files.exists(dangling, NOFOLLOW_LINKS));
            assertFalse(Files.notExists(dangling, NOFOLLOW_LINKS));
            assertTrue(Files.isSymbolicLink(dangling));
            assertEquals(dir.resolve("nowhere"), Files.readSymbolicLink(dangling));
            assertFails(NoSuchFileException.class, dangling, () -> Files.readAttributes(dangling, BasicFileAttributes.class));
            assertFails(NoSuchFileException.class, dangling, () -> Files.readString(dangling));
            assertFails(NoSuchFileException.class, dangling, dangling::toRealPath);
            assertEquals(Set.of("dangling"), names(dir));
            Files.delete(dangling);
            assertEquals(Set.of(), names(dir));
        }

        @Test
        void linksToDirectoriesAndRelativeTargets() throws IOException {
            Path real = Files.createDirectories(dir.resolve("real/inner")).getParent();
            write("real/f", "in real");
            Path link = Files.createSymbolicLink(dir.resolve("link"), path("real"));
            assertTrue(Files.isDirectory(link));
            assertFalse(Files.isDirectory(link, NOFOLLOW_LINKS));
            assertEquals(Set.of("f", "inner"), names(link));
            assertEquals("in real", Files.readString(link.resolve("f")));
            Path up = Files.createSymbolicLink(real.resolve("inner/up"), path("../f"));
            assertEquals("in real", Files.readString(up), "a relative target is relative to the link's directory");
            Files.delete(link);
            assertTrue(Files.isDirectory(real), "deleting a link to a directory leaves the directory");
            assertEquals(Set.of("f", "inner"), names(real));
        }

        @Test
        void noFollowAttributesAreTheLinksOwn() throws IOException {
            Path target = write("target", "12345");
            Files.setLastModifiedTime(target, OLD);
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            assertEquals(OLD, Files.getLastModifiedTime(link));
            assertNotEquals(OLD, Files.getLastModifiedTime(link, NOFOLLOW_LINKS));
            assertEquals(5L, Files.readAttributes(link, "size").get("size"));
            assertEquals(target.getFileName().toString().length(), Files.readAttributes(link, BasicFileAttributes.class,
                    NOFOLLOW_LINKS).size(), "a link's own size is its target's length");
            BasicFileAttributeView own = Files.getFileAttributeView(link, BasicFileAttributeView.class, NOFOLLOW_LINKS);
            FileTime later = FileTime.fromMillis(1_600_000_000_000L);
            if (deviates(Deviation.NO_LINK_ATTRIBUTE_CHANGES)) {
                assertFails(FileSystemException.class, link, () -> own.setTimes(later, null, null));
            } else {
                own.setTimes(later, null, null);
                assertEquals(later, Files.getLastModifiedTime(link, NOFOLLOW_LINKS));
            }
            assertEquals(OLD, Files.getLastModifiedTime(target), "the target is untouched");
            Files.setLastModifiedTime(link, later);
            assertEquals(later, Files.getLastModifiedTime(target), "Files.setLastModifiedTime follows links");
        }

        @Test
        void openingALinkWithNoFollowFails() throws IOException {
            Path target = write("target", "t");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
            assertThrows(IOException.class, () -> Files.newByteChannel(link, READ, NOFOLLOW_LINKS));
            try (SeekableByteChannel channel = Files.newByteChannel(target, READ, NOFOLLOW_LINKS)) {
                assertEquals(1, channel.size());
            }
        }

        @Test
        void realPathsResolveEveryLink() throws IOException {
            Path target = Files.createDirectories(dir.resolve("real/deep"));
            write("real/f", "x");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target.getParent().toAbsolutePath());
            Path chain = Files.createSymbolicLink(dir.resolve("chain"), path("link"));
            Path down = Files.createSymbolicLink(dir.resolve("down"), path("real/deep"));
            Path real = dir.toRealPath();
            assertTrue(real.isAbsolute());
            assertEquals(real.resolve("real/f"), link.resolve("f").toRealPath());
            assertEquals(real.resolve("real/f"), chain.resolve("f").toRealPath());
            assertEquals(path("link"), Files.readSymbolicLink(chain));
            assertEquals(real.resolve("real/f"), down.resolve("../f").toRealPath(), "a link is followed before ..");
            assertEquals(real.resolve("link"), link.toRealPath(NOFOLLOW_LINKS));
            assertEquals(real.resolve("real"), dir.resolve("real/./deep/..").toRealPath());
            assertFails(NoSuchFileException.class, dir.resolve("missing"), () -> dir.resolve("missing").toRealPath());
        }

        @Test
        void linkLoopsExistOnlyAsLinks() throws IOException {
            Path a = Files.createSymbolicLink(dir.resolve("a"), path("b"));
            Files.createSymbolicLink(dir.resolve("b"), path("a"));
            assertFalse(Files.exists(a));
            assertTrue(Files.exists(a, NOFOLLOW_LINKS));
            assertThrows(FileSystemException.class, () -> Files.readAttributes(a, BasicFileAttributes.class));
            assertThrows(FileSystemException.class, () -> Files.readString(a));
            assertThrows(FileSystemException.class, a::toRealPath);
            assertEquals(path("b"), Files.readSymbolicLink(a));
        }

        @Test
        void hardLinks() throws IOException {
            Path existing = write("existing", "shared");
            Path link = dir.resolve("hard");
            if (deviates(Deviation.NO_HARD_LINKS)) {
                assertThrows(UnsupportedOperationException.class, () -> Files.createLink(link, existing));
                assertFalse(Files.exists(link, NOFOLLOW_LINKS));
                return;
            }
            Files.createLink(link, existing);
            assertTrue(Files.isSameFile(link, existing));
            assertFalse(Files.isSymbolicLink(link));
            Files.writeString(link, "changed");
            assertEquals("changed", Files.readString(existing));
            assertFails(FileAlreadyExistsException.class, link, () -> Files.createLink(link, existing));
        }
    }

    @Nested
    class Questions {
        @Test
        void sameFiles() throws IOException {
            Path file = write("u.txt", "x");
            Files.createDirectory(dir.resolve("d"));
            assertTrue(Files.isSameFile(file, dir.resolve("d/../u.txt")));
            assertTrue(Files.isSameFile(file, file.toAbsolutePath()));
            assertTrue(Files.isSameFile(dir.resolve("missing"), dir.resolve("missing")), "equal paths need no look");
            Path link = Files.createSymbolicLink(dir.resolve("link"), file.getFileName());
            assertTrue(Files.isSameFile(link, file));
            Path other = write("other", "x");
            assertFalse(Files.isSameFile(file, other));
            assertThrows(NoSuchFileException.class, () -> Files.isSameFile(file, dir.resolve("missing")));
        }

        @Test
        void aLinkBeforeDotDotIsFollowedFirst() throws IOException {
            Path top = write("u.txt", "top");
            Files.createDirectories(dir.resolve("a/b"));
            Path inA = write("a/u.txt", "in a");
            Files.createSymbolicLink(dir.resolve("deep"), path("a", "b"));
            Path throughLink = dir.resolve("deep/../u.txt");
            assertTrue(Files.isSameFile(throughLink, inA), "deep/.. is a, where the link leads, not the directory above");
            assertFalse(Files.isSameFile(throughLink, top));
            assertEquals("in a", Files.readString(throughLink));
        }

        @Test
        void hiddenExistingAndMissing() throws IOException {
            Path file = write("u.txt", "x");
            assertTrue(Files.isHidden(dir.resolve(".x")));
            assertTrue(Files.isHidden(Files.createDirectory(dir.resolve(".config"))));
            assertFalse(Files.isHidden(file));
            assertTrue(Files.exists(file));
            assertFalse(Files.notExists(file));
            assertTrue(Files.exists(dir));
            assertFalse(Files.exists(dir.resolve("none")));
            assertTrue(Files.notExists(dir.resolve("none")));
            assertTrue(Files.notExists(dir.resolve("none/deeper")));
            assertTrue(Files.isRegularFile(file));
            assertFalse(Files.isDirectory(file));
            assertTrue(Files.isDirectory(dir));
            assertFalse(Files.isRegularFile(dir.resolve("none")));
        }

        @Test
        void accessFollowsThePermissionBits() throws IOException {
            Path file = write("f", "x");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            assertTrue(Files.isReadable(file));
            assertTrue(Files.isWritable(file));
            assertFalse(Files.isExecutable(file));
            assertFails(AccessDeniedException.class, file, () -> file.getFileSystem().provider()
                    .checkAccess(file, AccessMode.EXECUTE));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            assertTrue(Files.isExecutable(file));
            file.getFileSystem().provider().checkAccess(file, AccessMode.READ, AccessMode.WRITE, AccessMode.EXECUTE);
            assertTrue(Files.isExecutable(dir), "a directory one may search");
            Path missing = dir.resolve("missing");
            assertFalse(Files.isReadable(missing));
            assertFalse(Files.isWritable(missing));
            assertFalse(Files.isExecutable(missing));
            assertFails(NoSuchFileException.class, missing, () -> missing.getFileSystem().provider().checkAccess(missing));
        }

        @Test
        void fileStores() throws IOException {
            Path file = write("f", "x");
            FileStore store = Files.getFileStore(file);
            assertNotNull(store.name());
            assertNotNull(store.type());
            assertFalse(store.isReadOnly());
            assertEquals(store, Files.getFileStore(dir));
            assertTrue(store.supportsFileAttributeView("basic"));
            assertTrue(store.supportsFileAttributeView("posix"));
            assertTrue(store.supportsFileAttributeView(BasicFileAttributeView.class));
            assertTrue(store.supportsFileAttributeView(PosixFileAttributeView.class));
            assertFalse(store.supportsFileAttributeView("nope"));
            assertFails(NoSuchFileException.class, dir.resolve("missing"), () -> Files.getFileStore(dir.resolve("missing")));
            if (deviates(Deviation.SPACE_NEEDS_STATVFS)) {
                assertThrows(FileSystemException.class, store::getTotalSpace);
                assertThrows(FileSystemException.class, store::getUsableSpace);
            } else {
                assertTrue(store.getTotalSpace() > 0);
                assertTrue(store.getUsableSpace() <= store.getTotalSpace());
            }
        }
    }

    @Nested
    class Concurrency {
        private ContractSupport.Pool pool;

        @BeforeEach
        void startPool() {
            pool = new ContractSupport.Pool(6);
        }

        @AfterEach
        void stopPool() {
            pool.close();
        }

        @Test
        void threadsWriteAndReadTheirOwnFiles() throws Exception {
            List<Callable<Void>> work = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                work.add(() -> {
                    byte[] mine = random(150_000 + n, n);
                    Path file = dir.resolve("t" + n);
                    try (SeekableByteChannel channel = Files.newByteChannel(file, CREATE_NEW, WRITE)) {
                        for (int at = 0; at < mine.length; at += 10_000) {
                            channel.write(ByteBuffer.wrap(mine, at, Math.min(10_000, mine.length - at)));
                        }
                    }
                    assertArrayEquals(mine, Files.readAllBytes(file), file.toString());
                    Files.move(file, dir.resolve("done" + n));
                    return null;
                });
            }
            runConcurrently(pool, work);
            assertEquals(Set.of("done0", "done1", "done2", "done3", "done4", "done5"), names(dir));
        }

        @Test
        void manyReadersOfOneFile() throws Exception {
            byte[] shared = random(600_000, 8);
            Path common = Files.write(dir.resolve("shared"), shared);
            List<Callable<Void>> work = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                work.add(() -> {
                    assertArrayEquals(shared, Files.readAllBytes(common));
                    return null;
                });
            }
            runConcurrently(pool, work);
        }

        @Test
        void threadsShareOneChannelForPositionalReads() throws Exception {
            byte[] data = random(240_000, 10);
            Path file = Files.write(dir.resolve("f"), data);
            try (FileChannel channel = FileChannel.open(file, READ)) {
                List<Callable<Void>> work = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    int start = i * 40_000;
                    work.add(() -> {
                        ByteBuffer part = ByteBuffer.allocate(40_000);
                        while (part.hasRemaining()) {
                            assertTrue(channel.read(part, start + part.position()) > 0);
                        }
                        assertArrayEquals(Arrays.copyOfRange(data, start, start + 40_000), part.array());
                        return null;
                    });
                }
                runConcurrently(pool, work);
            }
        }

        @Test
        void createDirectoriesRacesWithItself() throws Exception {
            List<Callable<Void>> work = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                work.add(() -> {
                    Files.createDirectories(dir.resolve("a/b/c/" + n));
                    return null;
                });
            }
            runConcurrently(pool, work);
            assertEquals(Set.of("0", "1", "2", "3", "4", "5"), names(dir.resolve("a/b/c")));
        }
    }
}
