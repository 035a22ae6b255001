package dev.sandgate.benchmarks;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.testkit.TunnelCuts;
import dev.sandgate.tunnel.ConnectionListener;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.TransportKind;

/**
 * What resumable tunnels cost (gateway contract v2), through the LocalGateway over each transport: bulk SFTP with
 * resumption on against the same with it off (v1 tunnels), no cut; then a download cut ten times, with the time each
 * re-attachment took and the bytes sent again. Files live in tmpfs; both runs include connecting.
 */
final class ResumptionBenchmark {
    private static final String AGAINST = "Sandgate, same tunnel without resumption";
    private static final int CUTS = 10;

    private final Results results;
    private final Path work;

    ResumptionBenchmark(Results results, Path work) {
        this.results = results;
        this.work = work;
    }

    /** Hears each re-attachment: how long it took and how many bytes this side sent again. */
    private static final class Reattachments implements ConnectionListener {
        final List<Double> millis = new CopyOnWriteArrayList<>();
        final List<Double> replayedKib = new CopyOnWriteArrayList<>();

        @Override
        public void resumed(String sessionId, Duration took, long bytesReplayed) {
            millis.add(took.toNanos() / 1e6);
            replayedKib.add(bytesReplayed / 1024.0);
        }
    }

    void run(int sizeMib, int rounds) throws Exception {
        Path root = Files.createDirectories(work.resolve("resumption"));
        Path source = work.resolve("resumption-source.bin");
        Path downloaded = work.resolve("resumption-down.bin");
        try (LocalGateway gateway = LocalGateway.builder().directory(root).start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            String session = api.createSession(NewSession.builder().build()).id();
            SftpBenchmark.writeRandom(source, sizeMib, 5);
            Files.copy(source, gateway.sessionDirectory(session).resolve("big.bin"), StandardCopyOption.REPLACE_EXISTING);
            double megabytes = sizeMib * 1.048576;
            String down = "download " + sizeMib + " MiB, resumable";
            String up = "upload " + sizeMib + " MiB, resumable";
            for (int round = 0; round <= rounds; round++) {
                boolean record = round > 0;
                for (TransportKind kind : List.of(TransportKind.HTTP_CONNECT, TransportKind.WEB_SOCKET)) {
                    String path = "localgateway " + (kind == TransportKind.WEB_SOCKET ? "websocket" : "connect");
                    for (int turn = 0; turn < 2; turn++) {
                        boolean resumable = (turn + round) % 2 == 0;
                        try (SandboxSsh ssh = client(gateway, kind, resumable, ConnectionListener.NONE)) {
                            double get = Timing.seconds(() -> withFileSystem(ssh, session, fs -> Files.copy(
                                    fs.getPath("big.bin"), downloaded, StandardCopyOption.REPLACE_EXISTING)));
                            double put = Timing.seconds(() -> withFileSystem(ssh, session, fs -> Files.copy(source,
                                    fs.getPath("up.bin"), StandardCopyOption.REPLACE_EXISTING)));
                            if (record && resumable) {
                                results.sandgate(down, path, megabytes / get, "MB/s");
                                results.sandgate(up, path, megabytes / put, "MB/s");
                            } else if (record) {
                                results.reference(down, path, megabytes / get, "MB/s", AGAINST);
                                results.reference(up, path, megabytes / put, "MB/s", AGAINST);
                            }
                        }
                    }
                    if (record) {
                        cutDownloads(gateway, session, kind, path, megabytes, downloaded);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(downloaded);
            SftpBenchmark.deleteTree(root);
        }
    }

    /** A download cut {@value #CUTS} times against one not cut, and what each re-attachment cost. */
    private void cutDownloads(LocalGateway gateway, String session, TransportKind kind, String path, double megabytes,
            Path downloaded) throws Exception {
        Reattachments heard = new Reattachments();
        try (SandboxSsh ssh = client(gateway, kind, true, heard)) {
            double plain = Timing.seconds(() -> withFileSystem(ssh, session, fs -> Files.copy(
                    fs.getPath("big.bin"), downloaded, StandardCopyOption.REPLACE_EXISTING)));
            double[] cut = new double[1];
            withFileSystem(ssh, session, fs -> {
                try (TunnelCuts cuts = gateway.cutTunnelsRepeatedly(session, CUTS, Duration.ofMillis(5),
                        Duration.ofMillis(50))) {
                    cut[0] = Timing.seconds(() -> Files.copy(fs.getPath("big.bin"), downloaded,
                            StandardCopyOption.REPLACE_EXISTING));
                }
            });
            String work = "download, " + CUTS + " cuts, resumable";
            results.sandgate(work, path, megabytes / cut[0], "MB/s");
            results.reference(work, path, megabytes / plain, "MB/s", "the same download, not cut");
            heard.millis.forEach(ms -> results.measured("one re-attachment (drop to resumed)", path, ms, "ms",
                    "(measured during the cut download)"));
            heard.replayedKib.forEach(kib -> results.measured("bytes sent again per re-attachment", path, kib, "KiB",
                    "(measured during the cut download)"));
        }
    }

    private static SandboxSsh client(LocalGateway gateway, TransportKind kind, boolean resumable,
            ConnectionListener listener) {
        return SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token()).transport(kind)
                .resumption(resumable).connectionListener(listener).build();
    }

    private static void withFileSystem(SandboxSsh ssh, String session, SftpBenchmark.FileSystemWork work)
            throws Exception {
        try (SshConnection connection = ssh.connect(session); FileSystem files = SandboxFileSystems.open(connection)) {
            work.run(files);
        } catch (IOException e) {
            throw new IOException("Resumption benchmark on session " + session + " failed: " + e.getMessage(), e);
        }
    }
}
