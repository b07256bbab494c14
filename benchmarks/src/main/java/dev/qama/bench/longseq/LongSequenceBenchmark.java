package dev.qama.bench.longseq;

import dev.qama.bench.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The long-sequence benchmark: for each N, QAMA (paper-v2, factored couplings) and DJL's classical
 * attention, each in a fresh JVM started with {@link ProcessBuilder} (so that the peak resident set
 * size of one measurement is not polluted by another), then a CSV and two log–log plots (time and
 * peak memory against N).
 *
 * <p>Classical attention keeps H·N² float scores (plus their softmax, gradients and the engine's
 * temporaries), so its attempt is skipped, and recorded as "skipped: needs X GiB", when {@link
 * #classicalScoreBytes} exceeds {@link Options#classicalCapBytes}; a JVM the engine could not serve
 * records "OOM", one killed by the operating system "killed (exit 137)".
 *
 * <p>Run: {@code java -cp <classpath> dev.qama.bench.longseq.LongSequenceBenchmark [--tokens
 * 1024,4096,16384,32768] [--out DIR] [--backend sb]} or {@code qama bench long-seq}.
 */
public final class LongSequenceBenchmark {

    /** What to measure and where to write it. */
    public static final class Options {
        /** The sequence lengths N. */
        public List<Integer> tokens = List.of(1024, 4096, 16384, 32768);

        /** H. */
        public int heads = 8;

        /** d (E = H·d). */
        public int headSize = 64;

        /** The QAMA backend. */
        public String backend = "sb";

        /** Seed of inputs, parameters and the solver. */
        public long seed = 1;

        /** Maximum Java heap of every child JVM. */
        public String childHeap = "3g";

        /**
         * Classical attention is skipped when {@link #classicalScoreBytes} exceeds this (8 GiB).
         */
        public long classicalCapBytes = 8L << 30;

        /** Whether to measure the classical block at all. */
        public boolean classical = true;

        /** Directory of long-seq.csv, long-seq-time.png and long-seq-memory.png (null: none). */
        public Path out = Path.of("target", "long-seq");

        /** Kill a child JVM after this many minutes. */
        public long childTimeoutMinutes = 30;
    }

    private LongSequenceBenchmark() {}

    /**
     * Bytes classical attention is estimated to need: {@value #CLASSICAL_SCORE_COPIES}·H·N²·4 (the
     * scores, their softmax, the gradients of both and the engine's temporaries; measured: the peak
     * RSS of DJL's block at N = 4096, H = 8 exceeded its warm-up RSS by 5.0·H·N²·4 bytes).
     */
    public static long classicalScoreBytes(int heads, int tokens) {
        return CLASSICAL_SCORE_COPIES * heads * tokens * (long) tokens * Float.BYTES;
    }

    /** Copies of the H·N² score array counted by {@link #classicalScoreBytes}. */
    public static final long CLASSICAL_SCORE_COPIES = 5;

    /**
     * Runs every measurement in child JVMs, writes the CSV and the plots, and returns the results
     * (progress on {@code log}).
     */
    public static List<LongSeqResult> run(Options o, PrintStream log) {
        List<LongSeqResult> results = new ArrayList<>();
        for (int n : o.tokens) {
            results.add(child(o, "qama", n, log));
            if (!o.classical) {
                continue;
            }
            long need = classicalScoreBytes(o.heads, n);
            if (need > o.classicalCapBytes) {
                String status = String.format(Locale.ROOT, "skipped: needs %.1f GiB", need / GIB);
                log.println("classical N=" + n + ": " + status);
                results.add(LongSeqResult.notRun("classical", n, o.heads, o.headSize, status));
            } else {
                results.add(child(o, "classical", n, log));
            }
        }
        if (o.out != null) {
            try {
                Files.createDirectories(o.out);
                writeCsv(results, o.out.resolve("long-seq.csv"));
                LongSeqPlot.write(results, o.out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write results to " + o.out, e);
            }
            log.println("wrote " + o.out.resolve("long-seq.csv") + " and the plots");
        }
        return results;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** Writes the CSV (header + one line per result). */
    public static void writeCsv(List<LongSeqResult> results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(LongSeqResult.CSV_HEADER);
        for (LongSeqResult r : results) {
            lines.add(r.toCsv());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * The slope of log(peak RSS) against log(N) by least squares over the successful results of one
     * attention kind (1 = linear growth, 2 = quadratic); NaN with fewer than two points. With
     * {@code subtractBaseline}, the RSS after the warm-up is subtracted first (what the pass itself
     * added).
     */
    public static double memorySlope(
            List<LongSeqResult> results, String attention, boolean subtractBaseline) {
        List<double[]> pts = new ArrayList<>();
        for (LongSeqResult r : results) {
            if (r.attention().equals(attention) && r.ok() && r.peakRssBytes() > 0) {
                double m =
                        subtractBaseline
                                ? r.peakRssBytes() - r.baselineRssBytes()
                                : r.peakRssBytes();
                if (m > 0) {
                    pts.add(new double[] {Math.log(r.tokens()), Math.log(m)});
                }
            }
        }
        return slope(pts);
    }

    /**
     * The least-squares line peak RSS = c + m·N over the successful results of one attention kind:
     * {c (bytes), m (bytes per token)}; NaNs with fewer than two points.
     */
    public static double[] memoryLine(List<LongSeqResult> results, String attention) {
        List<double[]> pts = new ArrayList<>();
        for (LongSeqResult r : results) {
            if (r.attention().equals(attention) && r.ok() && r.peakRssBytes() > 0) {
                pts.add(new double[] {r.tokens(), r.peakRssBytes()});
            }
        }
        double m = slope(pts);
        if (Double.isNaN(m)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sx = 0;
        double sy = 0;
        for (double[] p : pts) {
            sx += p[0];
            sy += p[1];
        }
        return new double[] {(sy - m * sx) / pts.size(), m};
    }

    static double slope(List<double[]> pts) {
        int n = pts.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sx = 0;
        double sy = 0;
        for (double[] p : pts) {
            sx += p[0];
            sy += p[1];
        }
        double mx = sx / n;
        double my = sy / n;
        double num = 0;
        double den = 0;
        for (double[] p : pts) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? Double.NaN : num / den;
    }

    /** Runs one measurement in a child JVM with this JVM's class path. */
    static LongSeqResult child(Options o, String attention, int n, PrintStream log) {
        ProcessBuilder pb =
                ChildJvm.builder(
                        o.childHeap,
                        LongSeqRun.class.getName(),
                        List.of(
                                attention,
                                Integer.toString(n),
                                Integer.toString(o.heads),
                                Integer.toString(o.headSize),
                                o.backend,
                                Long.toString(o.seed)));
        log.println(attention + " N=" + n + ": starting a child JVM");
        LongSeqResult result = null;
        ChildJvm.OutputTail stderr = null;
        try {
            Process p = pb.start();
            stderr = new ChildJvm.OutputTail(p.getErrorStream(), "long-seq-stderr");
            try (BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(LongSeqRun.RESULT_PREFIX)) {
                        result =
                                LongSeqResult.parseCsv(
                                        line.substring(LongSeqRun.RESULT_PREFIX.length()));
                    }
                }
            }
            if (!p.waitFor(o.childTimeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                result = LongSeqResult.notRun(attention, n, o.heads, o.headSize, "timeout");
            } else if (result == null) {
                int code = p.exitValue();
                String reason = ChildJvm.errorLine(stderr.lines());
                String status = code == 137 ? "OOM (killed; exit 137)" : "failed: exit " + code;
                result =
                        LongSeqResult.notRun(
                                attention,
                                n,
                                o.heads,
                                o.headSize,
                                reason.isEmpty() ? status : status + ": " + reason);
            }
        } catch (IOException e) {
            result =
                    LongSeqResult.notRun(
                            attention, n, o.heads, o.headSize, "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = LongSeqResult.notRun(attention, n, o.heads, o.headSize, "interrupted");
        }
        log.println(attention + " N=" + n + ": " + describe(result));
        return result;
    }

    /** A one-line summary of a result. */
    public static String describe(LongSeqResult r) {
        if (!r.ok()) {
            return r.status();
        }
        return String.format(
                Locale.ROOT,
                "%.0f ms (solver %.0f ms, DJL %.0f ms), peak RSS %.2f GiB",
                r.totalMillis(),
                r.solverMillis(),
                r.djlMillis(),
                r.peakRssBytes() / GIB);
    }

    /** {@code [--tokens 1024,4096,...] [--heads 8] [--dim 64] [--backend sb] [--out DIR]}. */
    public static void main(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            i++;
            switch (a) {
                case "--tokens" -> {
                    List<Integer> t = new ArrayList<>();
                    for (String s : v.split(",")) {
                        t.add(Integer.parseInt(s.trim()));
                    }
                    o.tokens = t;
                }
                case "--heads" -> o.heads = Integer.parseInt(v);
                case "--dim" -> o.headSize = Integer.parseInt(v);
                case "--backend" -> o.backend = v;
                case "--out" -> o.out = Path.of(v);
                case "--seed" -> o.seed = Long.parseLong(v);
                case "--classical-cap-gib" ->
                        o.classicalCapBytes = (long) (Double.parseDouble(v) * GIB);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        List<LongSeqResult> rs = run(o, System.err);
        System.out.println(LongSeqResult.CSV_HEADER);
        for (LongSeqResult r : rs) {
            System.out.println(r.toCsv());
        }
        System.out.printf(
                Locale.ROOT,
                "memory slope d log(peak RSS)/d log N: qama %.3f (above warm-up baseline %.3f),"
                        + " classical %.3f%n",
                memorySlope(rs, "qama", false),
                memorySlope(rs, "qama", true),
                memorySlope(rs, "classical", true));
        double[] line = memoryLine(rs, "qama");
        System.out.printf(
                Locale.ROOT,
                "qama peak RSS ≈ %.0f MiB + %.1f KiB per token (least squares)%n",
                line[0] / (1 << 20),
                line[1] / 1024);
    }
}
