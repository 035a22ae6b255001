package dev.sandgate.sftp;

import static dev.sandgate.sftp.GatewaySessions.newSession;
import static dev.sandgate.sftp.GatewaySessions.ssh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sandgate.testkit.TunnelFault.Direction;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.LocalGatewayExtension;
import dev.sandgate.testkit.TunnelFault;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/** Bulk bytes through the pipelines, over each transport, and what a cut tunnel leaves behind. */
class TransfersTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    /** Writes {@code size} pseudo-random bytes to the stream in 1 MiB pieces; returns their SHA-256. */
    private static byte[] writeRandom(OutputStream out, long size, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] piece = new byte[MIB];
        for (long written = 0; written < size; written += piece.length) {
            random.nextBytes(piece);
            int length = (int) Math.min(piece.length, size - written);
            out.write(piece, 0, length);
            digest.update(piece, 0, length);
        }
        return digest.digest();
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    /**
     * The server's disk refuses the bytes (a link to Linux's {@code /dev/full}, where every write fails with ENOSPC):
     * a small write waits in the channel and goes out with the close, a large one goes out at once; either way the
     * write's failure is what the caller sees, by {@code close()} at the latest, as a {@code FileSystemException}
     * naming the file, and the file system goes on working.
     */
    @ParameterizedTest(name = "bytes={0}")
    @ValueSource(ints = {100, 3 * MIB})
    void aWriteTheServerRefusesFailsByCloseAtTheLatest(int size) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        Files.createSymbolicLink(gateway.sessionDirectory(session).resolve("full"), Path.of("/dev/full"));
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection)) {
            for (int round = 0; round < 3; round++) {
                OutputStream out = Files.newOutputStream(files.getPath("full"));
                IOException refused = assertThrows(IOException.class, () -> {
                    try (out) {
                        out.write(new byte[size]);
                    }
                });
                assertTrue(refused instanceof java.nio.file.FileSystemException, refused.toString());
                assertEquals("full", ((java.nio.file.FileSystemException) refused).getFile(), "the path is named");
            }
            assertEquals("still works\n", new String(Files.readAllBytes(writeAndRead(files)), "UTF-8"),
                    "the file system goes on after refused writes");
        }
    }

    private static Path writeAndRead(FileSystem files) throws IOException {
        Path fine = files.getPath("fine.txt");
        Files.writeString(fine, "still works\n");
        return fine;
    }

    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = {false, true})
    void a256MibFileRoundTripsWithItsSha256(boolean webSocket) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        long size = 256L * MIB + 12345;
        try (SandboxSsh ssh = ssh(gateway, webSocket); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Path big = files.getPath("big.bin");
            byte[] sent;
            try (OutputStream out = Files.newOutputStream(big)) {
                sent = writeRandom(out, size, 7);
            }
            assertEquals(size, Files.size(big));
            try (InputStream in = Files.newInputStream(big)) {
                assertArrayEquals(sent, sha256(in), "the bytes read back are the bytes written");
            }
            try (InputStream in = Files.newInputStream(gateway.sessionDirectory(session).resolve("big.bin"))) {
                assertArrayEquals(sent, sha256(in), "and they are on the session's disk");
            }
            Files.delete(big);
        }
    }

    @Test
    void smallWritesInAnyOrderLandWhereTheyWereAimed() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        byte[] expected = new byte[200_000];
        Random random = new Random(11);
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Path file = files.getPath("small-writes.bin");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                // runs of small sequential writes (which are joined), broken by jumps back and overwrites
                for (int round = 0; round < 400; round++) {
                    int at = random.nextInt(expected.length - 2000);
                    for (int piece = 0; piece < 1 + random.nextInt(4); piece++) {
                        byte[] bytes = new byte[1 + random.nextInt(500)];
                        random.nextBytes(bytes);
                        channel.write(ByteBuffer.wrap(bytes), at);
                        System.arraycopy(bytes, 0, expected, at, bytes.length);
                        at += bytes.length;
                    }
                    if (round % 100 == 99) {
                        ByteBuffer back = ByteBuffer.allocate(expected.length);
                        channel.read(back, 0);
                        assertArrayEquals(java.util.Arrays.copyOf(expected, back.position()),
                                java.util.Arrays.copyOf(back.array(), back.position()),
                                "a read sees every write before it, joined or not");
                    }
                }
            }
            byte[] written = Files.readAllBytes(gateway.sessionDirectory(session).resolve("small-writes.bin"));
            assertArrayEquals(java.util.Arrays.copyOf(expected, written.length), written);
        }
    }

    /**
     * A stream written in pieces of every size, from one byte to more than a request, lands whole and reads back
     * whole, with the default requests and with requests far shorter, down to one request in flight.
     */
    @ParameterizedTest(name = "requestSize={0} requestsInFlight={1}")
    @org.junit.jupiter.params.provider.CsvSource({"262144, 16", "5000, 3", "1024, 1"})
    void piecesOfEverySizeLandWholeWithAnyRequestSize(int requestSize, int requestsInFlight) throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        Random random = new Random(requestSize);
        SftpOptions options = SftpOptions.builder().requestSize(requestSize).requestsInFlight(requestsInFlight).build();
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection, options)) {
            Path file = files.getPath("pieces.bin");
            try (OutputStream out = Files.newOutputStream(file)) {
                int[] sizes = {1, 7, 1000, 16 * 1024 - 1, 16 * 1024 + 1, 40_000, 100_000, 300_000};
                for (int round = 0; round < 24; round++) {
                    byte[] piece = new byte[sizes[random.nextInt(sizes.length)]];
                    random.nextBytes(piece);
                    out.write(piece);
                    expected.write(piece);
                }
            }
            byte[] bytes = expected.toByteArray();
            assertArrayEquals(bytes, Files.readAllBytes(gateway.sessionDirectory(session).resolve("pieces.bin")),
                    "the server holds every piece, in order");
            try (InputStream in = Files.newInputStream(file)) {
                assertArrayEquals(bytes, in.readAllBytes(), "and reads them back the same");
            }
        }
    }

    @Test
    void positionalReadsAndWritesMixWithSequentialOnes() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        byte[] data = new byte[3 * MIB + 5];
        new Random(3).nextBytes(data);
        try (SandboxSsh ssh = ssh(gateway, false); SshConnection connection = ssh.connect(session);
             FileSystem files = SandboxFileSystems.open(connection)) {
            Path file = files.getPath("mixed.bin");
            Files.write(file, data);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate(1000);
                channel.read(head);
                channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 2 * MIB);
                ByteBuffer back = ByteBuffer.allocate(3);
                channel.read(back, 2 * MIB);
                assertArrayEquals(new byte[] {1, 2, 3}, back.array(), "a positional read sees the write before it");
                assertEquals(1000, channel.position(), "positional calls leave the position alone");
                ByteBuffer rest = ByteBuffer.allocate(data.length - 1000);
                while (rest.hasRemaining() && channel.read(rest) >= 0) {
                    // read to the end
                }
                data[2 * MIB] = 1;
                data[2 * MIB + 1] = 2;
                data[2 * MIB + 2] = 3;
                byte[] expected = java.util.Arrays.copyOfRange(data, 1000, data.length);
                assertArrayEquals(expected, rest.array());
                assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
                java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
                long position = channel.position();
                assertEquals(data.length - 7, channel.transferTo(7, data.length, java.nio.channels.Channels.newChannel(copy)));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, data.length), copy.toByteArray(),
                        "transferTo, which the JDK's stream copies use, moves the bytes from its offset");
                assertEquals(position, channel.position(), "and leaves the position alone");
            }
        }
    }

    @Test
    void aTunnelCutDuringAWriteFailsTheWriteAndTheNextConnectionWorks() throws Exception {
        LocalGateway gateway = GATEWAY.gateway();
        String session = GatewaySessions.newSession(gateway);
        Path onDisk = gateway.sessionDirectory(session).resolve("cut.bin");
        long size = 64L * MIB;
        try (SandboxSsh ssh = ssh(gateway, false)) {
            gateway.injectTunnelFault(TunnelFault.dropAfter(16L * MIB, Direction.TO_SESSION).forSession(session));
            try (SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path cut = files.getPath("cut.bin");
                IOException failure = assertThrows(IOException.class, () -> {
                    try (OutputStream out = Files.newOutputStream(cut)) {
                        writeRandom(out, size, 11);
                    }
                });
                assertTrue(failure.getMessage().contains("lost"), "the failure says the connection was lost: " + failure);
            }
            assertNotEquals(size, Files.size(onDisk), "a cut upload never looks complete");
            try (SshConnection connection = ssh.connect(session);
                 FileSystem files = SandboxFileSystems.open(connection)) {
                Path again = files.getPath("cut.bin");
                byte[] sent;
                try (OutputStream out = Files.newOutputStream(again)) {
                    sent = writeRandom(out, 8L * MIB, 12);
                }
                try (InputStream in = Files.newInputStream(again)) {
                    assertArrayEquals(sent, sha256(in));
                }
            }
        }
    }
}
