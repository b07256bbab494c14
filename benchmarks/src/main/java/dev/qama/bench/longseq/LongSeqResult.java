package dev.qama.bench.longseq;

import java.util.Locale;

/**
 * One measurement of the long-sequence benchmark: one attention kind at one sequence length.
 *
 * @param attention "qama" or "classical"
 * @param tokens N
 * @param heads H
 * @param headSize d
 * @param status "ok", "OOM", "skipped: needs X GiB", or "failed: …"
 * @param solver the backend name (QAMA), or "-" (classical)
 * @param totalMillis wall time of one forward + backward pass (NaN unless ok)
 * @param solverMillis of which inside the annealer backend (0 for classical, NaN unless ok)
 * @param djlMillis of which on the DJL side, total − solver (NaN unless ok)
 * @param peakRssBytes peak resident set size of the measuring JVM (VmHWM), -1 if not measured
 * @param baselineRssBytes resident set size after a warm-up at tiny N, before the measured pass
 */
public record LongSeqResult(
        String attention,
        int tokens,
        int heads,
        int headSize,
        String status,
        String solver,
        double totalMillis,
        double solverMillis,
        double djlMillis,
        long peakRssBytes,
        long baselineRssBytes) {

    /** The CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER =
            "attention,tokens,heads,head_size,status,solver,total_ms,solver_ms,djl_ms,"
                    + "peak_rss_bytes,baseline_rss_bytes";

    /** Whether the pass completed. */
    public boolean ok() {
        return "ok".equals(status);
    }

    /** A result without a measurement (skipped, OOM, failed). */
    public static LongSeqResult notRun(
            String attention, int tokens, int heads, int headSize, String status) {
        return new LongSeqResult(
                attention,
                tokens,
                heads,
                headSize,
                status,
                "-",
                Double.NaN,
                Double.NaN,
                Double.NaN,
                -1,
                -1);
    }

    /** One CSV line (no quoting needed: commas in the status are replaced by semicolons). */
    public String toCsv() {
        return String.join(
                ",",
                attention,
                Integer.toString(tokens),
                Integer.toString(heads),
                Integer.toString(headSize),
                status.replace(',', ';').replace('\n', ' '),
                solver,
                num(totalMillis),
                num(solverMillis),
                num(djlMillis),
                Long.toString(peakRssBytes),
                Long.toString(baselineRssBytes));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * Parses a line written by {@link #toCsv()}.
     *
     * @throws IllegalArgumentException quoting the line if it does not have 11 fields
     */
    public static LongSeqResult parseCsv(String line) {
        String[] f = line.trim().split(",", -1);
        if (f.length != 11) {
            throw new IllegalArgumentException(
                    "a long-seq result line needs 11 fields, got " + f.length + ": '" + line + "'");
        }
        return new LongSeqResult(
                f[0],
                Integer.parseInt(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                f[4],
                f[5],
                dbl(f[6]),
                dbl(f[7]),
                dbl(f[8]),
                Long.parseLong(f[9]),
                Long.parseLong(f[10]));
    }

    private static double dbl(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
