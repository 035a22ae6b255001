package dev.sandgate.sftp.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.function.Executable;

/** Small helpers of the contract suite; public NIO API only. */
final class ContractSupport {
    /** How long a concurrency test may take before it counts as hung. */
    private static final long CONCURRENCY_LIMIT_SECONDS = 30;

    private ContractSupport() {
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    static FileAttribute<Set<PosixFilePermission>> perms(String permissions) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
    }

    /** Exactly {@code count} bytes from the channel's position, however many reads it takes. */
    static byte[] read(SeekableByteChannel channel, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new AssertionError("end of file after " + buffer.position() + " of " + count + " bytes");
            }
        }
        return buffer.array();
    }

    /** Files.size for use in streams. */
    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The names in a directory, sorted. */
    static Set<String> names(Path directory) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            Set<String> names = new TreeSet<>();
            stream.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        }
    }

    static List<Path> list(DirectoryStream<Path> stream) {
        List<Path> entries = new ArrayList<>();
        stream.forEach(entries::add);
        return entries;
    }

    /**
     * Asserts that the action fails with exactly {@code type} (not a subclass: a FileSystemException where the JDK
     * throws one is not a NoSuchFileException) naming {@code file}, as the JDK names it.
     */
    static <T extends FileSystemException> T assertFails(Class<T> type, Path file, Executable action) {
        T failure = assertThrows(type, action);
        assertEquals(type, failure.getClass(), () -> "exactly " + type.getSimpleName() + ", not " + failure);
        assertEquals(file.toString(), failure.getFile(), () -> "the path named by " + failure);
        return failure;
    }

    /** A fixed thread pool for one test; closing it stops its threads. */
    static final class Pool implements AutoCloseable {
        private final ExecutorService executor;

        Pool(int threads) {
            executor = Executors.newFixedThreadPool(threads);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /** Runs all the work at once, within a time limit, rethrowing the first failure (an assertion error among them). */
    static void runConcurrently(Pool pool, List<? extends Callable<Void>> work) throws Exception {
        List<Future<Void>> results = pool.executor.invokeAll(work, CONCURRENCY_LIMIT_SECONDS, TimeUnit.SECONDS);
        for (Future<Void> result : results) {
            assertTrue(!result.isCancelled(), "a task did not finish within " + CONCURRENCY_LIMIT_SECONDS + " s");
            try {
                result.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error) {
                    throw (Error) e.getCause();
                }
                throw (Exception) e.getCause();
            }
        }
    }
}
