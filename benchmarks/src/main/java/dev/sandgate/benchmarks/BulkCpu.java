package dev.sandgate.benchmarks;

import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import dev.sandgate.benchmarks.Peers.Route;
import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.SshConnection;

/**
 * Sandgate's bulk transfers alone, in a loop, for profiling: each round connects, downloads then uploads a file over
 * one route, and prints this JVM's CPU seconds per GiB and MB/s for each direction, then the medians. Run it under
 * Flight Recorder to see where the CPU goes; {@link Benchmark}'s sftp workload compares with OpenSSH.
 *
 * <p>Usage: {@code BulkCpu PEERS_DIR [--route direct] [--size-mib 512] [--rounds 5] [--warm-up 1] [--only up|down] [--chunked] [--work /dev/shm/sandgate-bulkcpu]}
 */
public final class BulkCpu {
    private BulkCpu() {
    }

    public static void main(String[] args) throws Exception {
        String workDir = option(args, "--work", "/dev/shm/sandgate-bulkcpu");
        Path work = Files.createDirectories(Path.of(workDir));
        Peers peers = new Peers(Path.of(args[0]), work);
        Route route = Route.valueOf(option(args, "--route", "direct").toUpperCase(Locale.ROOT));
        int sizeMib = Integer.parseInt(option(args, "--size-mib", "512"));
        int rounds = Integer.parseInt(option(args, "--rounds", "5"));
        int warmUp = Integer.parseInt(option(args, "--warm-up", "1"));
        String only = option(args, "--only", "both");
        boolean downloads = !only.equals("up");
        boolean uploads = !only.equals("down");
        String remote = workDir + "-remote";
        Path big = work.resolve("big.bin");
        Path down = work.resolve("down.bin");
        if (!Files.exists(big) || Files.size(big) != sizeMib * 1048576L) {
            SftpBenchmark.writeRandom(big, sizeMib, 1);
        }
        double gib = sizeMib / 1024.0;
        double megabytes = sizeMib * 1.048576;
        List<Double> downCpu = new ArrayList<>();
        List<Double> upCpu = new ArrayList<>();
        List<Double> downRate = new ArrayList<>();
        List<Double> upRate = new ArrayList<>();
        boolean chunked = Arrays.asList(args).contains("--chunked");
        List<Double> chunkedUpCpu = new ArrayList<>();
        try (SandboxSsh ssh = peers.sandgate(route); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem fs = SandboxFileSystems.open(connection)) {
            Files.createDirectories(fs.getPath(remote));
            Files.copy(big, fs.getPath(remote, "big.bin"), StandardCopyOption.REPLACE_EXISTING);
        }
        for (int round = 0; round < warmUp + rounds; round++) {
            double[] cpu = new double[2];
            double jitBefore = byThreadName().getOrDefault("C# CompilerThre", 0.0);
            double get = !downloads ? Double.NaN : Timing.seconds(() -> cpu[0] = Cpu.seconds(() -> with(peers, route,
                    fs -> Files.copy(fs.getPath(remote, "big.bin"), down, StandardCopyOption.REPLACE_EXISTING))));
            double put = !uploads ? Double.NaN : Timing.seconds(() -> cpu[1] = Cpu.seconds(() -> with(peers, route,
                    fs -> Files.copy(big, fs.getPath(remote, "up.bin"), StandardCopyOption.REPLACE_EXISTING))));
            if (chunked) {
                // the same upload with 256 KiB reads of the local file (TreeTransfer's chunk), where Files.copy's
                // InputStream.transferTo reads 8 KiB (JDK 17) or 16 KiB (JDK 21+) at a time
                double[] chunkedCpu = new double[1];
                double chunkedPut = Timing.seconds(() -> chunkedCpu[0] = Cpu.seconds(() -> with(peers, route,
                        fs -> copyInChunks(big, fs.getPath(remote, "up-chunked.bin")))));
                System.out.printf(Locale.ROOT, "%s round %d: upload in 256 KiB reads %.2f s/GiB %.0f MB/s%n",
                        round >= warmUp ? "" : "warm-up", round, chunkedCpu[0] / gib, megabytes / chunkedPut);
                if (round >= warmUp) {
                    chunkedUpCpu.add(chunkedCpu[0] / gib);
                }
            }
            double jit = byThreadName().getOrDefault("C# CompilerThre", 0.0) - jitBefore;
            boolean keep = round >= warmUp;
            System.out.printf(Locale.ROOT, "%s round %d: download %.2f s/GiB %.0f MB/s, upload %.2f s/GiB %.0f MB/s"
                    + " (JIT compilers: %.2f s in both)%n",
                    keep ? "" : "warm-up", round, cpu[0] / gib, megabytes / get, cpu[1] / gib, megabytes / put, jit);
            if (keep) {
                downCpu.add(cpu[0] / gib);
                upCpu.add(cpu[1] / gib);
                downRate.add(megabytes / get);
                upRate.add(megabytes / put);
            }
        }
        System.out.printf(Locale.ROOT, "median: download %.2f s/GiB (%s) %.0f MB/s, upload %.2f s/GiB (%s) %.0f MB/s%n",
                median(downCpu), range(downCpu), median(downRate), median(upCpu), range(upCpu), median(upRate));
        if (chunked) {
            System.out.printf(Locale.ROOT, "median: upload in 256 KiB reads %.2f s/GiB (%s)%n", median(chunkedUpCpu),
                    range(chunkedUpCpu));
        }
        Files.deleteIfExists(down);
        threadTimes();
    }

    /** CPU seconds of this JVM's live threads (the JIT compilers and GC workers among them), by name, from /proc. */
    private static void threadTimes() throws java.io.IOException {
        byThreadName().forEach((name, seconds) -> {
            if (seconds >= 0.05) {
                System.out.printf(Locale.ROOT, "thread %-24s %.2f s%n", name, seconds);
            }
        });
    }

    private static java.util.Map<String, Double> byThreadName() throws java.io.IOException {
        Path tasks = Path.of("/proc/self/task");
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        if (!Files.isDirectory(tasks)) {
            return byName;
        }
        try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                    byName.merge(name, seconds, Double::sum);
                } catch (java.io.IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return byName;
    }

    private static void with(Peers peers, Route route, SftpBenchmark.FileSystemWork work) throws Exception {
        try (SandboxSsh ssh = peers.sandgate(route); SshConnection connection = ssh.connect(Peers.SESSION);
             FileSystem fileSystem = SandboxFileSystems.open(connection)) {
            work.run(fileSystem);
        }
    }

    private static void copyInChunks(Path source, Path target) throws java.io.IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(256 * 1024);
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(source);
             java.io.OutputStream out = Files.newOutputStream(target)) {
            while (in.read(buffer.clear()) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String range(List<Double> values) {
        return String.format(Locale.ROOT, "%.2f-%.2f", Collections.min(values), Collections.max(values));
    }

    private static String option(String[] args, String name, String fallback) {
        int at = Arrays.asList(args).indexOf(name);
        return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
    }
}
