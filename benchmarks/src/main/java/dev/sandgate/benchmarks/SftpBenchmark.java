package dev.sandgate.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.sftp.client.SftpClientFactory;

import dev.sandgate.benchmarks.Peers.Route;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.sftp.TreeTransfer;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * SFTP bulk and small-file workloads, Sandgate against OpenSSH's {@code sftp} on the same path, interleaved round by
 * round after a warm-up. Each timing includes the connection (key exchange and login) for both clients. Data lives
 * in tmpfs on both sides.
 */
final class SftpBenchmark {
    static final String CIPHER = "aes128-gcm@openssh.com";
    /** The key exchange OpenSSH's clients are held to, the one Sandgate negotiates with sshd. */
    static final String KEX = "curve25519-sha256";

    private final Peers peers;
    private final Path scripts;
    private final Path local;
    private final String remote;
    private final Results results;

    SftpBenchmark(Peers peers, Results results, Path scripts, Path local, String remote) {
        this.peers = peers;
        this.results = results;
        this.scripts = scripts;
        this.local = local;
        this.remote = remote;
    }

    /** The SFTP workloads, interleaved round by round on each route after a warm-up round. */
    void run(int sizeMib, int files, int rounds, List<Route> routes, boolean quick) throws Exception {
        prepare(sizeMib, files);
        for (int round = 0; round <= rounds; round++) {
            boolean warmUp = round == 0;
            for (Route route : routes) {
                bulk(route, sizeMib, round, !warmUp);
                if (route != Route.TINYPROXY) {
                    tree(route, files, round, !warmUp, true);
                } else if (!quick && round == 1) {
                    // OpenSSH needs about 100 s per tree here, and a walk about 3 round trips of ~40 ms per file:
                    // one round of the tree transfer against OpenSSH, after the other routes warmed the JVM
                    tree(route, files, round, true, false);
                }
            }
        }
    }

    /** The cipher and key exchange Sandgate negotiated with sshd A, once {@link #run} has connected. */
    String negotiated() {
        return negotiated;
    }

    private String negotiated = "?";

    private void prepare(int sizeMib, int files) throws Exception {
        Path big = local.resolve("big.bin");
        if (!Files.exists(big) || Files.size(big) != sizeMib * 1048576L) {
            writeRandom(big, sizeMib, 1);
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
            negotiated = connection.clientSession().getNegotiatedKexParameter(KexProposalOption.C2SENC) + ", MAC "
                    + connection.clientSession().getNegotiatedKexParameter(KexProposalOption.C2SMAC) + ", "
                    + connection.clientSession().getNegotiatedKexParameter(KexProposalOption.ALGORITHMS);
            Path dir = files1.getPath(remote);
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.copy(big, dir.resolve("big.bin"));
        }
    }

    /** One client's part of a workload on one route, recorded unless it was the warm-up. */
    private interface Part {
        void run(boolean record) throws Exception;
    }

    /** Runs the parts in an order that turns with the round, so no client always goes first. */
    private static void interleaved(int round, boolean record, Part... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            parts[(i + round) % parts.length].run(record);
        }
    }

    private void bulk(Route route, int sizeMib, int round, boolean record) throws Exception {
        double megabytes = sizeMib * 1.048576;
        double gibibytes = sizeMib / 1024.0;
        String down = "download " + sizeMib + " MiB";
        String up = "upload " + sizeMib + " MiB";
        String downCpu = "download: CPU per GiB";
        String upCpu = "upload: CPU per GiB";
        Path downloaded = local.resolve("down.bin");
        interleaved(round, record, keep -> {
            double[] cpu = new double[2];
            double get = Timing.seconds(() -> cpu[0] = sftpBatch(route, "get " + remote + "/big.bin " + downloaded));
            double put = Timing.seconds(() -> cpu[1] = sftpBatch(route, "put " + local.resolve("big.bin") + " " + remote + "/up-ssh.bin"));
            if (keep) {
                results.reference(down, route, megabytes / get, "MB/s");
                results.reference(up, route, megabytes / put, "MB/s");
                results.reference(downCpu, route, cpu[0] / gibibytes, "s/GiB",
                        "OpenSSH sftp + ssh (+ ProxyCommand), same path");
                results.reference(upCpu, route, cpu[1] / gibibytes, "s/GiB",
                        "OpenSSH sftp + ssh (+ ProxyCommand), same path");
            }
        }, keep -> {
            double[] cpu = new double[2];
            double get = Timing.seconds(() -> cpu[0] = Cpu.seconds(() -> withFileSystem(route, fs -> Files.copy(
                    fs.getPath(remote, "big.bin"), downloaded, StandardCopyOption.REPLACE_EXISTING))));
            double put = Timing.seconds(() -> cpu[1] = Cpu.seconds(() -> withFileSystem(route, fs -> Files.copy(
                    local.resolve("big.bin"), fs.getPath(remote, "up-sandgate.bin"), StandardCopyOption.REPLACE_EXISTING))));
            if (keep) {
                results.sandgate(down, route, megabytes / get, "MB/s");
                results.sandgate(up, route, megabytes / put, "MB/s");
                results.sandgate(downCpu, route, cpu[0] / gibibytes, "s/GiB");
                results.sandgate(upCpu, route, cpu[1] / gibibytes, "s/GiB");
            }
        }, keep -> {
            double get = Timing.seconds(() -> withMinaFileSystem(route, fs -> Files.copy(fs.getPath(remote, "big.bin"),
                    downloaded, StandardCopyOption.REPLACE_EXISTING)));
            double put = Timing.seconds(() -> withMinaFileSystem(route, fs -> Files.copy(local.resolve("big.bin"),
                    fs.getPath(remote, "up-mina.bin"), StandardCopyOption.REPLACE_EXISTING)));
            if (keep) {
                results.mina(down, route, megabytes / get, "MB/s");
                results.mina(up, route, megabytes / put, "MB/s");
            }
        });
        Files.deleteIfExists(downloaded);
    }

    /**
     * The tree both ways: OpenSSH's {@code sftp -r}, Sandgate's file system with {@code Files.walk} + {@code Files.copy}
     * and with {@link TreeTransfer}, and MINA's stock file system with the walk. Both Sandgate rows are compared with
     * the same OpenSSH runs.
     */
    private void tree(Route route, int files, int round, boolean record, boolean walk) throws Exception {
        Path tree = local.resolve("tree");
        String walkUp = "tree upload " + files + " x 4 KiB (walk + copy)";
        String walkDown = "tree download " + files + " x 4 KiB (walk + copy)";
        String transferUp = "tree upload " + files + " x 4 KiB (TreeTransfer)";
        String transferDown = "tree download " + files + " x 4 KiB (TreeTransfer)";
        Part openSsh = keep -> {
            clearTrees("ssh");
            double up = Timing.seconds(() -> sftpBatch(route, "put -r " + tree + " " + remote + "/tree-ssh"));
            double down = Timing.seconds(() -> sftpBatch(route, "get -r " + remote + "/tree-ssh " + local.resolve("back-ssh")));
            if (keep) {
                if (walk) {
                    results.reference(walkUp, route, up, "s");
                    results.reference(walkDown, route, down, "s");
                }
                results.reference(transferUp, route, up, "s");
                results.reference(transferDown, route, down, "s");
            }
        };
        Part sandgate = keep -> {
            if (walk) {
                double[] times = walkBothWays("walk", work -> withFileSystem(route, work));
                if (keep) {
                    results.sandgate(walkUp, route, times[0], "s");
                    results.sandgate(walkDown, route, times[1], "s");
                }
            }
            clearTrees("transfer");
            double up = Timing.seconds(() -> withFileSystem(route, fs ->
                    TreeTransfer.builder(tree, fs.getPath(remote, "tree-transfer")).build().run()));
            double down = Timing.seconds(() -> withFileSystem(route, fs ->
                    TreeTransfer.builder(fs.getPath(remote, "tree-transfer"), local.resolve("back-transfer"))
                            .build().run()));
            if (keep) {
                results.sandgate(transferUp, route, up, "s");
                results.sandgate(transferDown, route, down, "s");
            }
        };
        Part mina = keep -> {
            if (walk) {
                double[] times = walkBothWays("mina", work -> withMinaFileSystem(route, work));
                if (keep) {
                    results.mina(walkUp, route, times[0], "s");
                    results.mina(walkDown, route, times[1], "s");
                }
            }
        };
        interleaved(round, record, openSsh, sandgate, mina);
    }

    /** Opens a file system for one piece of work and closes it after. */
    private interface Opener {
        void with(FileSystemWork work) throws Exception;
    }

    /** {@code Files.walk} + {@code Files.copy} up, then back down: the two times in seconds. */
    private double[] walkBothWays(String client, Opener opener) throws Exception {
        clearTrees(client);
        Path tree = local.resolve("tree");
        String remoteTree = remote + "/tree-" + client;
        double up = Timing.seconds(() -> opener.with(fs -> copyTree(tree, fs.getPath(remoteTree))));
        double down = Timing.seconds(() -> opener.with(fs -> copyTree(fs.getPath(remoteTree),
                local.resolve("back-" + client))));
        return new double[] {up, down};
    }

    /** Removes the remote and local copies a client's tree run left. */
    private void clearTrees(String client) throws Exception {
        withFileSystem(Route.DIRECT, fs -> deleteTree(fs.getPath(remote, "tree-" + client)));
        deleteTree(local.resolve("back-" + client));
    }

    /** Writes {@code sizeMib} MiB of seeded random bytes (incompressible, the same every run). */
    static void writeRandom(Path file, int sizeMib, long seed) throws IOException {
        byte[] piece = new byte[1 << 20];
        Random random = new Random(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < sizeMib; i++) {
                random.nextBytes(piece);
                out.write(piece);
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

    interface FileSystemWork {
        void run(FileSystem fileSystem) throws Exception;
    }

    private void withFileSystem(Route route, FileSystemWork work) throws Exception {
        try (SandboxSsh ssh = peers.sandgate(route); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem fileSystem = SandboxFileSystems.open(connection)) {
            work.run(fileSystem);
        }
    }

    /** MINA's stock {@code SftpFileSystem}, what Sandgate handed out before it had its own, over the same tunnel. */
    private void withMinaFileSystem(Route route, FileSystemWork work) throws Exception {
        try (SandboxSsh ssh = peers.sandgate(route); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem fileSystem = SftpClientFactory.instance().createSftpFileSystem(connection.clientSession())) {
            work.run(fileSystem);
        }
    }

    /** Runs OpenSSH's sftp on one batch command; returns the CPU seconds it and its ssh (and ProxyCommand) used. */
    private double sftpBatch(Route route, String command) throws IOException, InterruptedException {
        Path batch = local.resolve("batch.txt");
        Files.writeString(batch, command + "\n");
        List<String> argv = new ArrayList<>(List.of("sftp", "-q", "-b", batch.toString()));
        argv.addAll(peers.openSshOptions(route, CIPHER, scripts));
        argv.add(peers.user() + "@127.0.0.1");
        // OpenSSH takes about 100 s for a tree through tinyproxy; ten times that means something hangs
        return Cpu.ofCommand(argv, Duration.ofMinutes(15));
    }
}
