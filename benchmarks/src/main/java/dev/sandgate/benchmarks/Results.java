package dev.sandgate.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Samples per workload and route, for Sandgate and for the reference client; printed as a table of medians with
 * their spread and the ratio (above 1 means Sandgate is better: faster throughput, or less time).
 */
final class Results {
    private static final class Row {
        final String workload;
        final String route;
        final String unit;
        String against = "OpenSSH sftp, same path";
        final List<Double> sandgate = new ArrayList<>();
        final List<Double> reference = new ArrayList<>();
        final List<Double> mina = new ArrayList<>();

        Row(String workload, String route, String unit) {
            this.workload = workload;
            this.route = route;
            this.unit = unit;
        }

        boolean higherIsBetter() {
            return unit.endsWith("/s");
        }

        double ratio() {
            double ours = median(sandgate);
            double theirs = median(reference);
            return higherIsBetter() ? ours / theirs : theirs / ours;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    private Row row(String workload, Object route, String unit) {
        String name = route.toString().toLowerCase(Locale.ROOT);
        return rows.computeIfAbsent(workload + "\t" + name, key -> new Row(workload, name, unit));
    }

    void sandgate(String workload, Object route, double value, String unit) {
        row(workload, route, unit).sandgate.add(value);
    }

    void reference(String workload, Object route, double value, String unit) {
        row(workload, route, unit).reference.add(value);
    }

    /** A figure measured with nothing to compare it to (the ratio is then empty). */
    void measured(String workload, Object route, double value, String unit, String what) {
        Row row = row(workload, route, unit);
        row.against = what;
        row.sandgate.add(value);
    }

    /** A sample from MINA's stock {@code SftpFileSystem}, shown beside the others (the ratio stays to the reference). */
    void mina(String workload, Object route, double value, String unit) {
        row(workload, route, unit).mina.add(value);
    }

    /** A reference sample from another client than OpenSSH's sftp on the same path, named by {@code against}. */
    void reference(String workload, Object route, double value, String unit, String against) {
        Row row = row(workload, route, unit);
        row.against = against;
        row.reference.add(value);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String spread(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.3g-%.3g", min, max);
    }

    void print(PrintStream out, String title) {
        out.println(title);
        out.printf(Locale.ROOT, "%-42s %-22s %9s %13s %9s %13s %9s %7s %6s  %s%n", "workload", "path", "sandgate",
                "spread", "reference", "spread", "mina fs", "unit", "ratio", "reference client");
        for (Row row : rows.values()) {
            out.printf(Locale.ROOT, "%-42s %-22s %9.3g %13s %9.3g %13s %9s %7s %6.2f  %s%n", row.workload, row.route,
                    median(row.sandgate), spread(row.sandgate), median(row.reference), spread(row.reference),
                    row.mina.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3g", median(row.mina)), row.unit,
                    row.ratio(), row.against);
        }
    }

    void writeTsv(Path file) throws IOException {
        StringBuilder tsv = new StringBuilder(
                "workload\tpath\tsandgate\treference\tunit\tratio\tsamples\treference_client\tmina_fs\n");
        for (Row row : rows.values()) {
            tsv.append(String.format(Locale.ROOT, "%s\t%s\t%.4g\t%.4g\t%s\t%.3f\t%d\t%s\t%s%n", row.workload,
                    row.route, median(row.sandgate), median(row.reference), row.unit, row.ratio(), row.sandgate.size(),
                    row.against, row.mina.isEmpty() ? "" : String.format(Locale.ROOT, "%.4g", median(row.mina))));
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, tsv);
    }
}
