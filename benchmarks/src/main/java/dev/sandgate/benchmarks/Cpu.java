package dev.sandgate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time spent on a piece of work: this JVM's (all its threads, JIT and GC included, as {@code time} would count a
 * process), or a command's and every descendant it waited for (sftp's ssh and its ProxyCommand), from bash's
 * {@code times}.
 */
final class Cpu {
    private static final Pattern TIME = Pattern.compile("(\\d+)m([0-9.]+)s");

    private Cpu() {
    }

    /** The CPU seconds this JVM spent while {@code work} ran: run nothing else in the JVM meanwhile. */
    static double seconds(Timing.Work work) throws Exception {
        long before = processCpuNanos();
        work.run();
        return (processCpuNanos() - before) / 1e9;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Runs {@code command} (bounded as {@link Peers#runBounded}) and returns the user + system seconds it used. */
    static double ofCommand(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path times = Files.createTempFile("sandgate-bench-times-", ".txt");
        try {
            List<String> wrapped = new ArrayList<>(List.of("bash", "-c",
                    "\"$@\"; status=$?; times > \"$0\"; exit $status", times.toString()));
            wrapped.addAll(command);
            Peers.runBounded(wrapped, limit);
            List<String> lines = Files.readAllLines(times);
            if (lines.size() < 2) {
                throw new IOException("bash's times printed " + lines);
            }
            // the second line: the user and system time of the children the shell waited for
            Matcher matcher = TIME.matcher(lines.get(1));
            double seconds = 0;
            int found = 0;
            while (matcher.find()) {
                seconds += Long.parseLong(matcher.group(1)) * 60 + Double.parseDouble(matcher.group(2));
                found++;
            }
            if (found != 2) {
                throw new IOException("cannot read user and system time from bash's times: " + lines.get(1));
            }
            return seconds;
        } finally {
            Files.deleteIfExists(times);
        }
    }
}
