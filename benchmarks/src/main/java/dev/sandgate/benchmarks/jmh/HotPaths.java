package dev.sandgate.benchmarks.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.RemoteProcess;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * The hot paths, in process against the LocalGateway (its SSH server runs in the same JVM, so both ends are
 * measured): bytes through the tunnel and the custom IoServiceFactory to a remote {@code cat} and back, the SFTP
 * read and write pipelines, and one SFTP round trip. Run with {@code benchmarks/jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Timeout(time = 30) // an iteration that hangs (a lost echo, a stalled pipeline) is interrupted and reported
public class HotPaths {
    private static final int FILE_SIZE = 8 << 20;
    private static final int ECHO_SIZE = 64 << 10;

    @Param({"connect", "websocket"})
    public String transport;

    private LocalGateway gateway;
    private SandboxSsh ssh;
    private SshConnection connection;
    private FileSystem files;
    private RemoteProcess cat;
    private OutputStream catIn;
    private InputStream catOut;
    private final byte[] echo = new byte[ECHO_SIZE];
    private final byte[] echoed = new byte[ECHO_SIZE];
    private final ByteBuffer chunk = ByteBuffer.allocate(256 << 10);
    private Path source;
    private Path target;

    @Setup(Level.Trial)
    public void start() throws IOException {
        gateway = LocalGateway.start();
        String session;
        try (SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            session = api.createSession(NewSession.builder().build()).id();
        }
        ssh = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token())
                .transport("websocket".equals(transport) ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT).build();
        connection = ssh.connect(session);
        files = SandboxFileSystems.open(connection);
        source = files.getPath("jmh-source.bin");
        target = files.getPath("jmh-target.bin");
        byte[] data = new byte[FILE_SIZE];
        new Random(1).nextBytes(data);
        Files.write(source, data);
        new Random(2).nextBytes(echo);
        cat = connection.start("cat");
        catIn = cat.getOutputStream();
        catOut = cat.getInputStream();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        catIn.close();
        cat.destroy();
        files.close();
        connection.close();
        ssh.close();
        gateway.close();
    }

    /** 64 KiB to a remote {@code cat} and back: tunnel write and read, SSH packets, channel windows. */
    @Benchmark
    public int echo64KiB() throws IOException {
        catIn.write(echo);
        catIn.flush();
        int read = 0;
        while (read < ECHO_SIZE) {
            int count = catOut.read(echoed, read, ECHO_SIZE - read);
            if (count < 0) {
                throw new IOException("cat ended after " + read + " bytes");
            }
            read += count;
        }
        return echoed[ECHO_SIZE - 1];
    }

    /** 8 MiB through the read pipeline (many READ requests in flight). */
    @Benchmark
    public long read8MiB() throws IOException {
        long total = 0;
        try (SeekableByteChannel channel = Files.newByteChannel(source)) {
            chunk.clear();
            for (int count; (count = channel.read(chunk)) >= 0; chunk.clear()) {
                total += count;
            }
        }
        return total;
    }

    /** 8 MiB through the write pipeline, every status checked by close. */
    @Benchmark
    public long write8MiB() throws IOException {
        long total = 0;
        try (SeekableByteChannel channel = Files.newByteChannel(target, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (total < FILE_SIZE) {
                chunk.clear();
                total += channel.write(chunk);
            }
        }
        return total;
    }

    /** One SFTP round trip: a stat. */
    @Benchmark
    public long stat() throws IOException {
        return Files.readAttributes(source, BasicFileAttributes.class).size();
    }
}
