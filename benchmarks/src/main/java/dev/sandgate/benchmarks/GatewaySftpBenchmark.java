package dev.sandgate.benchmarks;

import java.net.InetSocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import dev.sandgate.cert.NewSession;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.testkit.LocalGateway;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TransportOptions;

/**
 * Bulk SFTP through the LocalGateway's two tunnels against Sandgate direct to the same session's SSH server: what
 * each tunnel costs. Files live in tmpfs; both runs include connecting.
 */
final class GatewaySftpBenchmark {
    private static final String AGAINST = "Sandgate, direct TCP to the same SSH server";

    private final Results results;
    private final Path work;

    GatewaySftpBenchmark(Results results, Path work) {
        this.results = results;
        this.work = work;
    }

    void run(int sizeMib, int rounds) throws Exception {
        Path root = Files.createDirectories(work.resolve("gateway"));
        Path source = work.resolve("gateway-source.bin");
        Path downloaded = work.resolve("gateway-down.bin");
        try (LocalGateway gateway = LocalGateway.builder().directory(root).start();
             SandboxApi api = SandboxApi.builder().baseUrl(gateway.apiUrl()).token(gateway.token()).build()) {
            String session = api.createSession(NewSession.builder().build()).id();
            SftpBenchmark.writeRandom(source, sizeMib, 3);
            Files.copy(source, gateway.sessionDirectory(session).resolve("big.bin"), StandardCopyOption.REPLACE_EXISTING);
            InetSocketAddress sshServer = new InetSocketAddress("127.0.0.1", gateway.sshPortForTests(session));
            Transport direct = Transport.direct(sshServer, TransportOptions.defaults());
            double megabytes = sizeMib * 1.048576;
            String down = "download " + sizeMib + " MiB";
            String up = "upload " + sizeMib + " MiB";
            for (int round = 0; round <= rounds; round++) {
                boolean record = round > 0;
                for (String path : List.of("localgateway connect", "localgateway websocket")) {
                    TransportKind tunnel = path.endsWith("websocket") ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT;
                    for (int turn = 0; turn < 2; turn++) {
                        boolean viaTunnel = (turn + round) % 2 == 0;
                        SandboxSsh.Builder builder = SandboxSsh.builder().apiUrl(gateway.apiUrl()).token(gateway.token());
                        try (SandboxSsh ssh = (viaTunnel ? builder.transport(tunnel) : builder.transport(direct)).build()) {
                            double get = Timing.seconds(() -> withFileSystem(ssh, session, fs -> Files.copy(
                                    fs.getPath("big.bin"), downloaded, StandardCopyOption.REPLACE_EXISTING)));
                            double put = Timing.seconds(() -> withFileSystem(ssh, session, fs -> Files.copy(source,
                                    fs.getPath("up.bin"), StandardCopyOption.REPLACE_EXISTING)));
                            if (record && viaTunnel) {
                                results.sandgate(down, path, megabytes / get, "MB/s");
                                results.sandgate(up, path, megabytes / put, "MB/s");
                            } else if (record) {
                                results.reference(down, path, megabytes / get, "MB/s", AGAINST);
                                results.reference(up, path, megabytes / put, "MB/s", AGAINST);
                            }
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(downloaded);
            SftpBenchmark.deleteTree(root);
        }
    }

    private static void withFileSystem(SandboxSsh ssh, String session, SftpBenchmark.FileSystemWork work)
            throws Exception {
        try (SshConnection connection = ssh.connect(session); FileSystem files = SandboxFileSystems.open(connection)) {
            work.run(files);
        }
    }
}
