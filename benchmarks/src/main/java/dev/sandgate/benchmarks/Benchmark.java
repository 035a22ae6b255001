package dev.sandgate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.sandgate.benchmarks.Peers.Route;

/**
 * Sandgate against OpenSSH's client tools and MINA's stock client on the same machine in one run: connection
 * workloads ({@link SessionBenchmark}) and SFTP workloads ({@link SftpBenchmark}, and {@link GatewaySftpBenchmark} for
 * what the LocalGateway's tunnels cost, {@link ResumptionBenchmark} for what resumable tunnels cost), and OpenSSH through {@code sandgate proxy} ({@link SshStartBenchmark}), printed as one table and written to a TSV file. {@code benchmarks/run} starts
 * the peers and calls this.
 *
 * <p>Usage: {@code Benchmark PEERS_DIR [--quick] [--workloads sessions,sftp,gateway,resumption,fleet,ssh-start]
 * [--routes direct,squid,tinyproxy,websockify] [--size-mib N] [--files N] [--rounds N] [--connects N] [--commands N]
 * [--idle N] [--fleet N,N] [--launcher PATH] [--out FILE] [--work DIR]}: DIR (default /dev/shm/sandgate-bench) holds the run's key
 * and files, DIR-remote its remote files.
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("--")) {
            System.err.println("usage: Benchmark PEERS_DIR [--quick] [--workloads sessions,sftp,gateway,resumption,fleet,ssh-start]"
                    + " [--routes direct,squid,tinyproxy,websockify] [--size-mib N] [--files N] [--rounds N]"
                    + " [--connects N] [--commands N] [--idle N] [--fleet N,N] [--launcher PATH] [--out FILE] [--work DIR]");
            System.exit(2);
        }
        Path peersDir = Path.of(args[0]);
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> workloads = Arrays.asList(option(args, "--workloads",
                "sessions,sftp,gateway,resumption,fleet,ssh-start")
                .split(","));
        int sizeMib = Integer.parseInt(option(args, "--size-mib", quick ? "32" : "1024"));
        int files = Integer.parseInt(option(args, "--files", quick ? "100" : "2000"));
        int rounds = Integer.parseInt(option(args, "--rounds", quick ? "1" : "3"));
        int connects = Integer.parseInt(option(args, "--connects", quick ? "4" : "40"));
        int commands = Integer.parseInt(option(args, "--commands", quick ? "20" : "200"));
        int idle = Integer.parseInt(option(args, "--idle", quick ? "20" : "500"));
        List<Route> routes = new ArrayList<>();
        for (String name : option(args, "--routes", "direct,squid,tinyproxy,websockify").split(",")) {
            routes.add(Route.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        }
        Path out = Path.of(option(args, "--out", "benchmarks/results/latest.tsv"));

        // its own directory per concurrent run: two runs sharing one would replace each other's key and files
        String workDir = option(args, "--work", "/dev/shm/sandgate-bench");
        Path work = Files.createDirectories(Path.of(workDir));
        // the LocalGateway workloads need no outside peers
        boolean needsPeers = workloads.contains("sessions") || workloads.contains("sftp")
                || workloads.contains("ssh-start");
        Peers peers = needsPeers ? new Peers(peersDir, work) : null;
        Results results = new Results();
        SftpBenchmark sftp = new SftpBenchmark(peers, results,
                Path.of(option(args, "--scripts", "interop/proxycommands")).toAbsolutePath(), work,
                workDir + "-remote");
        if (workloads.contains("sessions")) {
            SessionBenchmark sessions = new SessionBenchmark(peers, results, work);
            sessions.localGateway(connects, commands);
            sessions.openSsh(routes, connects, commands);
            sessions.idleSessions(idle);
        }
        if (workloads.contains("sftp")) {
            sftp.run(sizeMib, files, rounds, routes, quick);
        }
        if (workloads.contains("gateway")) {
            new GatewaySftpBenchmark(results, work).run(sizeMib, rounds);
        }
        if (workloads.contains("resumption")) {
            new ResumptionBenchmark(results, work).run(sizeMib, rounds);
        }
        if (workloads.contains("fleet")) {
            List<Integer> counts = new ArrayList<>();
            for (String count : option(args, "--fleet", quick ? "200" : "1000,10000").split(",")) {
                counts.add(Integer.parseInt(count.trim()));
            }
            new FleetBenchmark(results).run(counts);
        }
        if (workloads.contains("ssh-start")) {
            new SshStartBenchmark(peers, results, work, Path.of(option(args, "--launcher", "cli/target/sandgate"))
                    .toAbsolutePath()).run(connects);
        }
        String against = peers == null ? "the LocalGateway" : peers.get("sshd.banner");
        results.print(System.out, "Sandgate against " + against + "; OpenSSH's clients held to "
                + SftpBenchmark.CIPHER + " and " + SftpBenchmark.KEX + " (Sandgate negotiated: " + sftp.negotiated()
                + "); " + sizeMib + " MiB file, " + files + " x 4 KiB tree, " + rounds + " rounds after a warm-up; " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + Runtime.version());
        results.writeTsv(out);
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
}
