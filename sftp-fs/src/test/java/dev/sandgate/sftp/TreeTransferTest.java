package dev.sandgate.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeTransferTest {
    private static final FileTime OLD = FileTime.from(Instant.parse("2024-03-01T10:15:30.250Z"));

    @TempDir
    Path temp;

    @AfterEach
    void noTransferThreadLeft() {
        assertEquals(List.of(), transferThreads(), "file copies still running after run()");
    }

    /**
     * The transfer threads still copying a file of some run, after a moment for one that has just signalled its end to
     * leave: the shared pool's idle threads wait for work and do not count.
     */
    static List<String> transferThreads() {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
        List<String> busy;
        do {
            busy = new ArrayList<>();
            for (java.util.Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
                if (thread.getKey().isAlive() && thread.getKey().getName().startsWith("sandgate-transfer")
                        && java.util.Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName()
                                .startsWith("dev.sandgate.sftp.internal.TransferWorkers"))) {
                    busy.add(thread.getKey().getName());
                }
            }
        } while (!busy.isEmpty() && System.nanoTime() < deadline);
        return busy;
    }

    static byte[] bytes(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Path write(Path file, byte[] data, FileTime modified) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        Files.setLastModifiedTime(file, modified);
        return file;
    }

    /** 300 small files over nested directories, one 5 MiB file, two empty directories; returns the file count. */
    static int buildTree(Path root) throws IOException {
        int files = 0;
        for (int i = 0; i < 300; i++) {
            Path dir = root.resolve("d" + (i % 7)).resolve("e" + (i % 3));
            if (i % 5 == 0) {
                dir = dir.resolve("deeper");
            }
            write(dir.resolve("f" + i + ".txt"), bytes(i, (i * 37) % 5000),
                    FileTime.fromMillis(OLD.toMillis() + i * 1001L));
            files++;
        }
        write(root.resolve("big.bin"), bytes(-1, 5 * 1024 * 1024), OLD);
        Files.createDirectories(root.resolve("empty/inner-empty"));
        return files + 1;
    }

    /** Every regular file of the source has its bytes and last-modified time (to the millisecond) in the target. */
    static void assertSameTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                assertTrue(Files.isDirectory(target.resolve(source.relativize(dir).toString())), dir.toString());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(file).toString());
                assertEquals(-1, Files.mismatch(file, copy), "bytes of " + copy);
                assertEquals(attrs.lastModifiedTime().toMillis(), Files.getLastModifiedTime(copy).toMillis(),
                        "time of " + copy);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Counts everything it hears; thread-safe. */
    static final class CountingListener implements TransferListener {
        final LongAdder started = new LongAdder();
        final LongAdder completed = new LongAdder();
        final LongAdder chunkBytes = new LongAdder();
        final LongAdder completedBytes = new LongAdder();
        final Set<Path> skipped = ConcurrentHashMap.newKeySet();
        final Set<SkipReason> reasons = ConcurrentHashMap.newKeySet();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final List<Path> startOrder = Collections.synchronizedList(new ArrayList<>());
        /** Files between their start and their end right now, and the most there ever were. */
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void fileStarted(Path source, Path target, long size) {
            started.increment();
            startOrder.add(source);
            threads.add(Thread.currentThread().getName());
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }

        @Override
        public void bytesTransferred(Path source, long bytes) {
            assertTrue(bytes > 0);
            chunkBytes.add(bytes);
        }

        @Override
        public void fileCompleted(Path source, Path target, long bytes) {
            inFlight.decrementAndGet();
            completed.increment();
            completedBytes.add(bytes);
        }

        @Override
        public void fileSkipped(Path source, Path target, SkipReason reason) {
            skipped.add(source);
            reasons.add(reason);
        }
    }

    @Nested
    class CopyingATree {
        @RepeatedTest(5)
        void copiesEveryFileWithItsBytesAndTime() throws IOException {
            Path source = temp.resolve("source");
            int files = buildTree(source);
            long totalBytes;
            try (Stream<Path> walk = Files.walk(source)) {
                totalBytes = walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            Path target = temp.resolve("target");
            CountingListener listener = new CountingListener();

            TransferResult result = TreeTransfer.builder(source, target).concurrency(8).listener(listener).build()
                    .run();

            assertSameTree(source, target);
            assertEquals(files, result.filesCopied());
            assertEquals(0, result.filesSkipped());
            assertEquals(0, result.filesResumed());
            assertEquals(totalBytes, result.bytesTransferred());
            long directories;
            try (Stream<Path> walk = Files.walk(target)) {
                directories = walk.filter(Files::isDirectory).count();
            }
            assertEquals(directories, result.directoriesCreated(), "the target and each subdirectory");
            assertFalse(result.elapsed().isNegative());
            assertTrue(listener.threads.stream().allMatch(name -> name.startsWith("sandgate-transfer-")),
                    listener.threads.toString());
            assertTrue(listener.mostInFlight.get() <= 8, "at most the concurrency of 8 files in flight: "
                    + listener.mostInFlight);
        }

        @Test
        void createsEmptyDirectories() throws IOException {
            Path source = temp.resolve("source");
            Files.createDirectories(source.resolve("a/b/c"));
            Files.createDirectories(source.resolve("x"));
            Path target = temp.resolve("out/target");

            TransferResult result = TreeTransfer.builder(source, target).build().run();

            assertTrue(Files.isDirectory(target.resolve("a/b/c")));
            assertTrue(Files.isDirectory(target.resolve("x")));
            assertEquals(6, result.directoriesCreated(), "out, target, a, a/b, a/b/c, x");
            assertEquals(0, result.filesCopied());
        }

        @Test
        void copiesIntoAnExistingTargetDirectory() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("sub/a.txt"), bytes(1, 100), OLD);
            Path target = Files.createDirectories(temp.resolve("target/sub"));
            Files.writeString(target.resolve("other.txt"), "kept");

            TransferResult result = TreeTransfer.builder(source, temp.resolve("target")).build().run();

            assertSameTree(source, temp.resolve("target"));
            assertEquals("kept", Files.readString(target.resolve("other.txt")));
            assertEquals(0, result.directoriesCreated());
        }

        @Test
        void copiesASingleFile() throws IOException {
            Path source = write(temp.resolve("one.bin"), bytes(7, 300_000), OLD);
            Path target = temp.resolve("new/dir/copy.bin");
            CountingListener listener = new CountingListener();

            TransferResult result = TreeTransfer.builder(source, target).listener(listener).build().run();

            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target));
            assertEquals(OLD.toMillis(), Files.getLastModifiedTime(target).toMillis());
            assertEquals(1, result.filesCopied());
            assertEquals(300_000, result.bytesTransferred());
            assertEquals(2, result.directoriesCreated(), "new and new/dir");
            assertEquals(1, listener.started.sum());
        }

        @Test
        void copiesAnEmptyFile() throws IOException {
            Path source = write(temp.resolve("source/empty.txt"), new byte[0], OLD);

            TransferResult result = TreeTransfer.builder(source.getParent(), temp.resolve("target")).build().run();

            assertEquals(0, Files.size(temp.resolve("target/empty.txt")));
            assertEquals(OLD.toMillis(), Files.getLastModifiedTime(temp.resolve("target/empty.txt")).toMillis());
            assertEquals(1, result.filesCopied());
        }

        @Test
        void skipsSymbolicLinksWithoutFollowingThem() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("real/file.txt"), bytes(2, 10), OLD);
            Files.createSymbolicLink(source.resolve("link-to-dir"), source.resolve("real"));
            Files.createSymbolicLink(source.resolve("link-to-file"), source.resolve("real/file.txt"));
            Path target = temp.resolve("target");
            CountingListener listener = new CountingListener();

            TransferResult result = TreeTransfer.builder(source, target).listener(listener).build().run();

            assertEquals(1, result.filesCopied());
            assertEquals(2, result.filesSkipped());
            assertEquals(Set.of(source.resolve("link-to-dir"), source.resolve("link-to-file")), listener.skipped);
            assertEquals(Set.of(SkipReason.SYMBOLIC_LINK), listener.reasons);
            assertFalse(Files.exists(target.resolve("link-to-dir"), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(target.resolve("link-to-file"), LinkOption.NOFOLLOW_LINKS));
        }

        @Test
        void refusesATargetInsideTheSource() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("a.txt"), bytes(3, 10), OLD);

            TransferFailedException e = assertThrows(TransferFailedException.class,
                    () -> TreeTransfer.builder(source, source.resolve("copy")).build().run());

            assertEquals(source.toString(), e.getFile());
            assertFalse(Files.exists(source.resolve("copy")));
        }

        @Test
        void aMissingSourceFailsNamingIt() {
            Path source = temp.resolve("missing");

            TransferFailedException e = assertThrows(TransferFailedException.class,
                    () -> TreeTransfer.builder(source, temp.resolve("target")).build().run());

            assertEquals(source.toString(), e.getFile());
            assertInstanceOf(java.nio.file.NoSuchFileException.class, e.getCause());
            assertEquals(0, e.partialResult().filesCopied());
        }
    }

    @Nested
    class Resuming {
        @Test
        void skipsCompleteFiles() throws IOException {
            Path source = temp.resolve("source");
            int files = buildTree(source);
            Path target = temp.resolve("target");
            TreeTransfer.builder(source, target).build().run();
            CountingListener listener = new CountingListener();

            TransferResult again = TreeTransfer.builder(source, target).listener(listener).build().run();

            assertEquals(0, again.filesCopied());
            assertEquals(files, again.filesSkipped());
            assertEquals(0, again.bytesTransferred());
            assertEquals(0, again.directoriesCreated());
            assertEquals(files, listener.skipped.size());
            assertEquals(Set.of(SkipReason.UP_TO_DATE), listener.reasons);
            assertEquals(0, listener.started.sum());
        }

        @Test
        void comparesTimesToTheWholeSecond() throws IOException {
            Path source = write(temp.resolve("source/a.bin"), bytes(4, 1000), FileTime.fromMillis(1_700_000_000_900L));
            Path copy = write(temp.resolve("target/a.bin"), bytes(4, 1000), FileTime.fromMillis(1_700_000_000_000L));

            TransferResult result = TreeTransfer.builder(source.getParent(), copy.getParent()).build().run();

            assertEquals(1, result.filesSkipped());
            assertEquals(0, result.bytesTransferred());
        }

        @Test
        void rewritesAFileOfTheSameSizeWithAnotherTime() throws IOException {
            byte[] data = bytes(5, 2000);
            Path source = write(temp.resolve("source/a.bin"), data, OLD);
            Path copy = write(temp.resolve("target/a.bin"), bytes(6, 2000), FileTime.fromMillis(0));

            TransferResult result = TreeTransfer.builder(source.getParent(), copy.getParent()).build().run();

            assertEquals(1, result.filesCopied());
            assertEquals(2000, result.bytesTransferred());
            assertArrayEquals(data, Files.readAllBytes(copy));
        }

        @Test
        void continuesAPartialFile() throws IOException {
            int size = 4 * 1024 * 1024;
            int present = size * 6 / 10;
            byte[] data = bytes(8, size);
            Path source = write(temp.resolve("source/big.bin"), data, OLD);
            Path copy = write(temp.resolve("target/big.bin"), java.util.Arrays.copyOf(data, present),
                    FileTime.from(Instant.now()));
            CountingListener listener = new CountingListener();

            TransferResult result = TreeTransfer.builder(source.getParent(), copy.getParent()).listener(listener)
                    .build().run();

            assertEquals(1, result.filesCopied());
            assertEquals(1, result.filesResumed());
            assertEquals(size - present, result.bytesTransferred(), "only the missing 40%");
            assertEquals(size - present, listener.chunkBytes.sum());
            assertEquals(size - present, listener.completedBytes.sum());
            assertArrayEquals(data, Files.readAllBytes(copy));
            assertEquals(OLD.toMillis(), Files.getLastModifiedTime(copy).toMillis());
        }

        @Test
        void continuesAPartialFileWrittenInTheSameSecondAsItsSource() throws IOException {
            int size = 1024 * 1024;
            int present = size / 3;
            byte[] data = bytes(11, size);
            Path source = write(temp.resolve("source/new.bin"), data, OLD);
            Path copy = write(temp.resolve("target/new.bin"), java.util.Arrays.copyOf(data, present), OLD);

            TransferResult result = TreeTransfer.builder(source.getParent(), copy.getParent()).build().run();

            assertEquals(1, result.filesResumed());
            assertEquals(size - present, result.bytesTransferred());
            assertArrayEquals(data, Files.readAllBytes(copy));
        }

        @Test
        void rewritesACorruptedPartialFile() throws IOException {
            int size = 4 * 1024 * 1024;
            int present = size * 6 / 10;
            byte[] data = bytes(9, size);
            Path source = write(temp.resolve("source/big.bin"), data, OLD);
            Path copy = write(temp.resolve("target/big.bin"), bytes(10, present), FileTime.from(Instant.now()));

            TransferResult result = TreeTransfer.builder(source.getParent(), copy.getParent()).build().run();

            assertEquals(1, result.filesCopied());
            assertEquals(0, result.filesResumed());
            assertEquals(size, result.bytesTransferred());
            assertArrayEquals(data, Files.readAllBytes(copy));
        }

        @Test
        void rewritesEverythingWhenResumeIsOff() throws IOException {
            Path source = temp.resolve("source");
            int files = buildTree(source);
            Path target = temp.resolve("target");
            TransferResult first = TreeTransfer.builder(source, target).build().run();

            TransferResult again = TreeTransfer.builder(source, target).resume(false).build().run();

            assertEquals(files, again.filesCopied());
            assertEquals(0, again.filesSkipped());
            assertEquals(first.bytesTransferred(), again.bytesTransferred());
            assertSameTree(source, target);
        }

        @Test
        void aRewrittenFileKeepsItsOwnPermissionsAsWithCp() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("private.txt"), bytes(3, 100), OLD);
            Files.setPosixFilePermissions(source.resolve("private.txt"), PosixFilePermissions.fromString("rw-------"));
            Path target = write(temp.resolve("target/private.txt"), bytes(4, 50), OLD);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-r--"));

            assertEquals(1, TreeTransfer.builder(source, temp.resolve("target")).build().run().filesCopied());

            assertEquals(-1, Files.mismatch(source.resolve("private.txt"), target));
            assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        }
    }

    @Nested
    class Building {
        @Test
        void refusesConcurrencyOutOfRangeNamingTheValue() {
            TreeTransfer.Builder builder = TreeTransfer.builder(temp, temp.resolve("t"));
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> builder.concurrency(0));
            assertTrue(zero.getMessage().contains("0"), zero.getMessage());
            assertTrue(zero.getMessage().endsWith("got 0"), zero.getMessage());
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                    () -> builder.concurrency(257));
            assertTrue(big.getMessage().contains("257"), big.getMessage());
            builder.concurrency(1).concurrency(256);
        }

        @Test
        void refusesNulls() {
            assertThrows(NullPointerException.class, () -> TreeTransfer.builder(null, temp));
            assertThrows(NullPointerException.class, () -> TreeTransfer.builder(temp, null));
            assertThrows(NullPointerException.class, () -> TreeTransfer.builder(temp, temp).listener(null));
        }
    }

    @Nested
    class Failing {
        @RepeatedTest(3)
        void aTargetDirectoryThatIsAFileStopsTheTransfer() throws IOException {
            Path source = temp.resolve("source");
            buildTree(source);
            Path target = temp.resolve("target");
            // the target of source/d3 cannot be created: a regular file holds its name
            Files.createDirectories(target);
            Files.writeString(target.resolve("d3"), "in the way");
            CountingListener listener = new CountingListener();

            TransferFailedException e = assertThrows(TransferFailedException.class,
                    () -> TreeTransfer.builder(source, target).listener(listener).build().run());

            assertEquals(source.resolve("d3").toString(), e.getFile());
            assertEquals(target.resolve("d3").toString(), e.getOtherFile());
            assertInstanceOf(FileAlreadyExistsException.class, e.getCause());
            TransferResult partial = e.partialResult();
            assertNotNull(partial);
            assertEquals(listener.completed.sum(), partial.filesCopied());
            assertEquals(listener.chunkBytes.sum(), partial.bytesTransferred());
            assertTrue(partial.filesCopied() < 301);
            assertEquals("in the way", Files.readString(target.resolve("d3")));
            assertEquals(List.of(), transferThreads());
            assertNoFileLooksCompleteUnlessItIs(source, target);
        }

        @Test
        void aFileThatCannotBeWrittenStopsTheTransferAndStartsNoOther() throws IOException {
            Path source = temp.resolve("source");
            for (int i = 0; i < 50; i++) {
                write(source.resolve("f" + i), bytes(i, 1000), OLD);
            }
            Path target = temp.resolve("target");
            // a non-empty directory where source/f17's copy should go
            Files.createDirectories(target.resolve("f17/inside"));
            CountingListener listener = new CountingListener();

            TransferFailedException e = assertThrows(TransferFailedException.class,
                    () -> TreeTransfer.builder(source, target).concurrency(1).listener(listener).build().run());

            assertEquals(source.resolve("f17").toString(), e.getFile());
            assertInstanceOf(FileSystemException.class, e.getCause());
            assertTrue(e.getMessage().contains(source.resolve("f17").toString()), e.getMessage());
            List<Path> started = List.copyOf(listener.startOrder);
            assertEquals(source.resolve("f17"), started.get(started.size() - 1), "no file started after the failure");
            assertEquals(started.size() - 1, e.partialResult().filesCopied());
            assertEquals(List.of(), transferThreads());
        }

        @Test
        void anInterruptStopsTheTransferAndKeepsTheFlag() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("a.txt"), bytes(1, 10), OLD);

            Thread.currentThread().interrupt();
            try {
                assertThrows(InterruptedIOException.class,
                        () -> TreeTransfer.builder(source, temp.resolve("target")).build().run());
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertEquals(List.of(), transferThreads());
        }

        @Test
        void aListenerThatThrowsFailsTheTransfer() throws IOException {
            Path source = temp.resolve("source");
            write(source.resolve("a.txt"), bytes(1, 10), OLD);
            IllegalStateException boom = new IllegalStateException("boom");

            TransferFailedException e = assertThrows(TransferFailedException.class,
                    () -> TreeTransfer.builder(source, temp.resolve("target")).listener(new TransferListener() {
                        @Override
                        public void fileCompleted(Path s, Path t, long bytes) {
                            throw boom;
                        }
                    }).build().run());

            assertEquals(source.resolve("a.txt").toString(), e.getFile());
            assertEquals(boom, e.getCause());
        }

        /** A target file either equals its source, time included, or does not carry the source's time. */
        private void assertNoFileLooksCompleteUnlessItIs(Path source, Path target) throws IOException {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    if (!Files.isRegularFile(copy)) {
                        continue;
                    }
                    long sourceTime = Files.getLastModifiedTime(file).toMillis() / 1000;
                    long copyTime = Files.getLastModifiedTime(copy).toMillis() / 1000;
                    if (Files.mismatch(file, copy) != -1) {
                        assertNotEquals(sourceTime, copyTime, "an incomplete copy looks complete: " + copy);
                    }
                }
            }
        }
    }

    @Nested
    class Listening {
        @RepeatedTest(3)
        void totalsAgreeWithTheResult() throws IOException {
            Path source = temp.resolve("source");
            int files = buildTree(source);
            Files.createSymbolicLink(source.resolve("link"), source.resolve("big.bin"));
            Path target = temp.resolve("target");
            AtomicLong perFileTotal = new AtomicLong();
            ConcurrentHashMap<Path, LongAdder> perFile = new ConcurrentHashMap<>();
            ConcurrentHashMap<Path, Long> sizes = new ConcurrentHashMap<>();
            CountingListener counting = new CountingListener();
            TransferListener listener = new TransferListener() {
                @Override
                public void fileStarted(Path s, Path t, long size) {
                    counting.fileStarted(s, t, size);
                    sizes.put(s, size);
                }

                @Override
                public void bytesTransferred(Path s, long bytes) {
                    counting.bytesTransferred(s, bytes);
                    perFile.computeIfAbsent(s, k -> new LongAdder()).add(bytes);
                }

                @Override
                public void fileCompleted(Path s, Path t, long bytes) {
                    counting.fileCompleted(s, t, bytes);
                    long chunks = perFile.containsKey(s) ? perFile.get(s).sum() : 0;
                    assertEquals(chunks, bytes, "chunks of " + s);
                    assertEquals(sizes.get(s), bytes);
                    perFileTotal.addAndGet(bytes);
                }

                @Override
                public void fileSkipped(Path s, Path t, SkipReason reason) {
                    counting.fileSkipped(s, t, reason);
                }
            };

            TransferResult result = TreeTransfer.builder(source, target).concurrency(16).listener(listener).build()
                    .run();

            assertEquals(files, counting.started.sum());
            assertEquals(files, counting.completed.sum());
            assertEquals(result.filesCopied(), counting.completed.sum());
            assertEquals(result.bytesTransferred(), counting.chunkBytes.sum());
            assertEquals(result.bytesTransferred(), perFileTotal.get());
            assertEquals(1, result.filesSkipped());
            assertEquals(Set.of(source.resolve("link")), counting.skipped);
        }
    }
}
