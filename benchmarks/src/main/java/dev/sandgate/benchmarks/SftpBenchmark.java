package dev.sandgate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.sshd.common.kex.KexProposalOption;

import dev.sandgate.benchmarks.Peers.Route;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.sftp.TreeTransfer;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * SFTP bulk and small-file workloads, Sandgate against OpenSSH's {@code sftp} on the same path, interleaved round by
 * round after a warm-up. Each timing includes the connection (key exchange and login) for both clients. Data lives
 * in tmpfs on both sides.
 *
 * <p>Usage: {@code SftpBenchmark PEERS_DIR [--quick] [--size-mib N] [--files N] [--rounds N] [--routes a,b]
 * [--out FILE]}.
 */
public final class SftpBenchmark {
    private static final String CIPHER = "aes128-gcm@openssh.com";

    private final Peers peers;
    private final Path scripts;
    private final Path local;
    private final String remote;
    private final Results results = new Results();

    private SftpBenchmark(Peers peers, Path scripts, Path local, String remote) {
        this.peers = peers;
        this.scripts = scripts;
        this.local = local;
        this.remote = remote;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SftpBenchmark PEERS_DIR [--quick] [--size-mib N] [--files N] [--rounds N]"
                    + " [--routes direct,squid,tinyproxy,websockify] [--out FILE]");
            System.exit(2);
        }
        Path peersDir = Path.of(args[0]);
        boolean quick = Arrays.asList(args).contains("--quick");
        int sizeMib = Integer.parseInt(option(args, "--size-mib", quick ? "64" : "1024"));
        int files = Integer.parseInt(option(args, "--files", quick ? "200" : "2000"));
        int rounds = Integer.parseInt(option(args, "--rounds", quick ? "1" : "3"));
        List<Route> routes = new ArrayList<>();
        for (String name : option(args, "--routes", "direct,squid,tinyproxy,websockify").split(",")) {
            routes.add(Route.valueOf(name.trim().toUpperCase()));
        }
        Path out = Path.of(option(args, "--out", "benchmarks/results/latest.tsv"));

        Path work = Files.createDirectories(Path.of("/dev/shm/sandgate-bench"));
        Peers peers = new Peers(peersDir, work);
        Path scripts = Path.of(option(args, "--scripts", "interop/proxycommands")).toAbsolutePath();
        SftpBenchmark benchmark = new SftpBenchmark(peers, scripts, work, "/dev/shm/sandgate-bench-remote");
        benchmark.prepare(sizeMib, files);
        for (int round = 0; round <= rounds; round++) {
            boolean warmUp = round == 0;
            for (Route route : routes) {
                benchmark.bulk(route, sizeMib, warmUp, round % 2 == 0);
                if (route != Route.TINYPROXY || !quick) {
                    benchmark.tree(route, files, warmUp, round % 2 == 0);
                }
            }
        }
        benchmark.results.print(System.out, "SFTP, Sandgate vs OpenSSH " + peers.get("sshd.banner") + ", " + CIPHER
                + " (Sandgate negotiated: " + benchmark.negotiated + "), " + sizeMib + " MiB file, " + files
                + " x 4 KiB tree, " + rounds + " rounds after a warm-up");
        benchmark.results.writeTsv(out);
        System.out.println("written: " + out);
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private String negotiated = "?";

    private void prepare(int sizeMib, int files) throws Exception {
        Path big = local.resolve("big.bin");
        if (!Files.exists(big) || Files.size(big) != sizeMib * 1048576L) {
            byte[] piece = new byte[1 << 20];
            Random random = new Random(1);
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < sizeMib; i++) {
                    random.nextBytes(piece);
                    out.write(piece);
                }
            }
        }
        Path tree = local.resolve("tree");
        deleteTree(tree);
        byte[] small = new byte[4096];
        Random random = new Random(2);
        for (int i = 0; i < files; i++) {
            Path file = tree.resolve("d" + (i % 20)).resolve("f" + i + ".txt");
            Files.createDirectories(file.getParent());
            random.nextBytes(small);
            Files.write(file, small);
        }
        try (SandboxSsh ssh = peers.sandgate(Route.DIRECT); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem files1 = SandboxFileSystems.open(connection)) {
            negotiated = connection.clientSession().getNegotiatedKexParameter(KexProposalOption.C2SENC) + ", "
                    + connection.clientSession().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS);
            Path dir = files1.getPath(remote);
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.copy(big, dir.resolve("big.bin"));
        }
    }

    private void bulk(Route route, int sizeMib, boolean warmUp, boolean openSshFirst) throws Exception {
        double megabytes = sizeMib * 1.048576;
        for (int order = 0; order < 2; order++) {
            if ((order == 0) == openSshFirst) {
                double down = time(() -> sftpBatch(route, "get " + remote + "/big.bin " + local.resolve("down-ssh.bin")));
                double up = time(() -> sftpBatch(route, "put " + local.resolve("big.bin") + " " + remote + "/up-ssh.bin"));
                if (!warmUp) {
                    results.reference("download " + sizeMib + " MiB", route, megabytes / down, "MB/s");
                    results.reference("upload " + sizeMib + " MiB", route, megabytes / up, "MB/s");
                }
            } else {
                double down = time(() -> withFileSystem(route, fs ->
                        Files.copy(fs.getPath(remote, "big.bin"), local.resolve("down-sandgate.bin"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING)));
                double up = time(() -> withFileSystem(route, fs ->
                        Files.copy(local.resolve("big.bin"), fs.getPath(remote, "up-sandgate.bin"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING)));
                if (!warmUp) {
                    results.sandgate("download " + sizeMib + " MiB", route, megabytes / down, "MB/s");
                    results.sandgate("upload " + sizeMib + " MiB", route, megabytes / up, "MB/s");
                }
            }
        }
        Files.deleteIfExists(local.resolve("down-ssh.bin"));
        Files.deleteIfExists(local.resolve("down-sandgate.bin"));
    }

    private void tree(Route route, int files, boolean warmUp, boolean openSshFirst) throws Exception {
        Path tree = local.resolve("tree");
        for (int order = 0; order < 2; order++) {
            if ((order == 0) == openSshFirst) {
                withFileSystem(Route.DIRECT, fs -> deleteTree(fs.getPath(remote, "tree-ssh")));
                deleteTree(local.resolve("back-ssh"));
                double up = time(() -> sftpBatch(route, "put -r " + tree + " " + remote + "/tree-ssh"));
                double down = time(() -> sftpBatch(route, "get -r " + remote + "/tree-ssh " + local.resolve("back-ssh")));
                if (!warmUp) {
                    results.reference("tree upload " + files + " x 4 KiB", route, up, "s");
                    results.reference("tree download " + files + " x 4 KiB", route, down, "s");
                    results.reference("TreeTransfer up " + files + " x 4 KiB", route, up, "s");
                    results.reference("TreeTransfer down " + files + " x 4 KiB", route, down, "s");
                }
            } else {
                withFileSystem(Route.DIRECT, fs -> deleteTree(fs.getPath(remote, "tree-walk")));
                deleteTree(local.resolve("back-walk"));
                double up = time(() -> withFileSystem(route, fs -> copyTree(tree, fs.getPath(remote, "tree-walk"))));
                double down = time(() -> withFileSystem(route, fs -> copyTree(fs.getPath(remote, "tree-walk"),
                        local.resolve("back-walk"))));
                withFileSystem(Route.DIRECT, fs -> deleteTree(fs.getPath(remote, "tree-transfer")));
                deleteTree(local.resolve("back-transfer"));
                double upTransfer = time(() -> withFileSystem(route, fs ->
                        TreeTransfer.builder(tree, fs.getPath(remote, "tree-transfer")).build().run()));
                double downTransfer = time(() -> withFileSystem(route, fs ->
                        TreeTransfer.builder(fs.getPath(remote, "tree-transfer"), local.resolve("back-transfer"))
                                .build().run()));
                if (!warmUp) {
                    results.sandgate("tree upload " + files + " x 4 KiB", route, up, "s");
                    results.sandgate("tree download " + files + " x 4 KiB", route, down, "s");
                    results.sandgate("TreeTransfer up " + files + " x 4 KiB", route, upTransfer, "s");
                    results.sandgate("TreeTransfer down " + files + " x 4 KiB", route, downTransfer, "s");
                }
            }
        }
    }

    /** The tree copy a user writes with plain NIO: {@code Files.walk} and {@code Files.copy}, one file at a time. */
    static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    interface Work {
        void run() throws Exception;
    }

    interface FileSystemWork {
        void run(FileSystem fileSystem) throws Exception;
    }

    private static double time(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private void withFileSystem(Route route, FileSystemWork work) throws Exception {
        try (SandboxSsh ssh = peers.sandgate(route); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem fileSystem = SandboxFileSystems.open(connection)) {
            work.run(fileSystem);
        }
    }

    private void sftpBatch(Route route, String command) throws IOException, InterruptedException {
        Path batch = local.resolve("batch.txt");
        Files.writeString(batch, command + "\n");
        List<String> argv = new ArrayList<>(List.of("sftp", "-q", "-b", batch.toString()));
        argv.addAll(peers.openSshOptions(route, CIPHER, scripts));
        argv.add(peers.user() + "@127.0.0.1");
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (process.waitFor() != 0) {
            throw new IOException("sftp failed (" + route + ", " + command + "): " + new String(output));
        }
    }
}
