package dev.qama.cli;

import dev.qama.bench.SolverSpec;
import dev.qama.bench.Stats;
import dev.qama.bench.jmh.AttentionBlockBenchmark;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.djl.QamaAttentionBlock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama bench block-pair} (also {@code qama bench block --paired}): DJL's attention block and
 * the QAMA block in one JVM, pass by pass in alternation, so that a drift of the machine's speed
 * falls on both alike. The blocks, inputs, dropout and passes are those of {@link
 * AttentionBlockBenchmark}.
 */
@Command(
        name = "block-pair",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "DJL's ScaledDotProductAttentionBlock and QamaAttentionBlock side by side in one JVM:"
                    + " passes alternate (DJL, QAMA, then QAMA, DJL, ...) on the same inputs, for the"
                    + " inference forward and the training forward + backward (of sum(out*r))."
                    + " Reports per block the median wall ms per pass [quartiles], QAMA's solver ms,"
                    + " the ratio of the medians and the median [quartiles] of the per-pair ratios."
        },
        footer = {
            "",
            "Examples:",
            "  qama bench block-pair --config 128x49x64x8",
            "  qama bench block --paired --config 32x64x128x8 --passes 50 --json"
        })
final class BlockPairCommand implements Callable<Integer> {
    /** The default sizes: issue 15's three and 128x16x64x8. */
    static final String DEFAULT_CONFIGS = "128x49x64x8,32x64x128x8,8x256x128x8,128x16x64x8";

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "BxNxExH",
            split = ",",
            description =
                    "Sizes: batch x tokens x embedding x heads (repeatable or a comma list;"
                            + " default: "
                            + DEFAULT_CONFIGS
                            + ").")
    List<String> configs = new ArrayList<>();

    @Option(
            names = "--backend",
            defaultValue = "sb",
            paramLabel = "NAME[:k=v,...]",
            description = "QAMA's backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(
            names = "--block",
            defaultValue = "selected-keys",
            description =
                    "QAMA's output mode: values, selected-keys or paper (default: ${DEFAULT-VALUE}).")
    String block;

    @Option(
            names = "--coupling",
            defaultValue = "auto",
            description = "auto, dense or low-rank (default: ${DEFAULT-VALUE}).")
    String coupling;

    @Option(
            names = "--dropout",
            defaultValue = "0.1",
            description =
                    "Attention dropout of both blocks, in training passes (default: ${DEFAULT-VALUE},"
                            + " DJL's).")
    float dropout;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description =
                    "Seed of the engine, the inputs and QAMA's solver (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--passes",
            defaultValue = "100",
            description = "Measured pairs per block and mode (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(
            names = "--warmup",
            defaultValue = "20",
            description = "Untimed pairs per mode first, at least (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--warmup-time",
            defaultValue = "20s",
            converter = BenchCommand.WarmupTime.class,
            description =
                    "Keep warming up until this much time has passed per config, so that the"
                            + " solver's kernels reach C2 (default: ${DEFAULT-VALUE}; 0s for exactly"
                            + " --warmup pairs).")
    Duration warmupTime;

    @Option(names = "--json", description = "One JSON object per config and mode on stdout.")
    boolean json;

    @Option(names = "--samples", description = "With --json: the per-pass ms too.")
    boolean samples;

    /** The measured passes of one block in one mode. */
    record Series(double[] ms, double[] solverMs) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> sizes = configs.isEmpty() ? List.of(DEFAULT_CONFIGS.split(",")) : configs;
        List<int[]> parsed = new ArrayList<>();
        for (String c : sizes) {
            parsed.add(parseConfig(c));
        }
        if (passes < 1 || warmup < 0) {
            throw new UserException(
                    "--passes must be >= 1 and --warmup >= 0, got " + passes + " and " + warmup);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new UserException("--dropout must be in [0, 1), got " + dropout);
        }
        String mode;
        try {
            mode = QamaAttentionBlock.OutputMode.parse(block).cliName();
        } catch (IllegalArgumentException e) {
            throw new UserException("--block: " + e.getMessage());
        }
        try {
            CouplingForm.parse(coupling);
        } catch (IllegalArgumentException e) {
            throw new UserException("--coupling: " + e.getMessage());
        }
        String backendLabel;
        try {
            SolverSpec s = SolverSpec.parse(backend);
            try (AnnealerBackend b = s.create()) {
                backendLabel = s.label();
            }
        } catch (IllegalArgumentException e) {
            throw new UserException("--backend '" + backend + "': " + e.getMessage());
        }
        if (!json) {
            out.printf(
                    Locale.ROOT,
                    "DJL's ScaledDotProductAttentionBlock vs QamaAttentionBlock (%s, backend %s,"
                            + " coupling %s), dropout %s, seed %d; %d pairs per mode; wall ms per"
                            + " pass, median [q1-q3]%n",
                    mode,
                    backendLabel,
                    coupling,
                    Json.number(Double.parseDouble(Float.toString(dropout))),
                    seed,
                    passes);
            out.flush();
        }
        for (int k = 0; k < sizes.size(); k++) {
            runConfig(sizes.get(k).strip(), parsed.get(k), mode, backendLabel, out, err);
        }
        return Main.EXIT_OK;
    }

    private AttentionBlockBenchmark newBench(String config, String which) {
        AttentionBlockBenchmark b = new AttentionBlockBenchmark();
        b.config = config;
        b.block = which;
        b.backend = backend;
        b.coupling = coupling;
        b.dropout = dropout;
        b.seed = seed;
        b.setup();
        return b;
    }

    private void runConfig(
            String config,
            int[] size,
            String mode,
            String backendLabel,
            PrintWriter out,
            PrintWriter err) {
        err.printf(Locale.ROOT, "%s: building the blocks ...%n", config);
        err.flush();
        AttentionBlockBenchmark djl = newBench(config, "classical");
        AttentionBlockBenchmark qama = null;
        try {
            qama = newBench(config, mode);
            AttentionBlockBenchmark[] blocks = {djl, qama};
            long t0 = System.nanoTime();
            long end = t0 + warmupTime.toNanos();
            long nextReport = t0 + 5_000_000_000L;
            int w = 0;
            while (w < warmup || System.nanoTime() - end < 0) {
                pair(blocks, w, false, null, null, 0);
                pair(blocks, w, true, null, null, 0);
                w++;
                if (System.nanoTime() - nextReport >= 0) {
                    err.printf(
                            Locale.ROOT,
                            "%s: warm-up, %d pairs in %.0f s%n",
                            config,
                            w,
                            (System.nanoTime() - t0) * 1e-9);
                    err.flush();
                    nextReport += 5_000_000_000L;
                }
            }
            double warmSeconds = (System.nanoTime() - t0) * 1e-9;
            err.printf(
                    Locale.ROOT,
                    "%s: warmed up (%d pairs per mode in %.1f s); measuring %d pairs ...%n",
                    config,
                    w,
                    warmSeconds,
                    passes);
            err.flush();
            Series[][] s = new Series[2][2]; // [mode: forward, forward-backward][djl, qama]
            for (int m = 0; m < 2; m++) {
                for (int b = 0; b < 2; b++) {
                    s[m][b] = new Series(new double[passes], new double[passes]);
                }
            }
            long m0 = System.nanoTime();
            nextReport = m0 + 5_000_000_000L;
            for (int i = 0; i < passes; i++) {
                pair(blocks, i, false, s[0][0], s[0][1], i);
                pair(blocks, i, true, s[1][0], s[1][1], i);
                if (System.nanoTime() - nextReport >= 0) {
                    err.printf(Locale.ROOT, "%s: measured %d/%d pairs%n", config, i + 1, passes);
                    err.flush();
                    nextReport += 5_000_000_000L;
                }
            }
            String[] modes = {"forward", "forward-backward"};
            if (!json) {
                out.printf(
                        Locale.ROOT,
                        "%s (B=%d N=%d E=%d H=%d): warm-up %d pairs per mode in %.1f s%n",
                        config,
                        size[0],
                        size[1],
                        size[2],
                        size[3],
                        w,
                        warmSeconds);
                out.printf(
                        Locale.ROOT,
                        "  %-17s %-26s %-26s %10s %8s %s%n",
                        "mode",
                        "DJL ms",
                        "QAMA ms",
                        "solver ms",
                        "ratio",
                        "per-pair ratio [q1-q3]");
            }
            for (int m = 0; m < 2; m++) {
                Series d = s[m][0];
                Series q = s[m][1];
                double[] ratios = new double[passes];
                for (int i = 0; i < passes; i++) {
                    ratios[i] = q.ms()[i] / d.ms()[i];
                }
                double dMed = Stats.median(d.ms());
                double qMed = Stats.median(q.ms());
                double solverMed = Stats.median(q.solverMs());
                if (json) {
                    Json j =
                            new Json()
                                    .put("benchmark", "block-pair")
                                    .put("config", config)
                                    .put("batch", size[0])
                                    .put("tokens", size[1])
                                    .put("embedding", size[2])
                                    .put("heads", size[3])
                                    .put("mode", modes[m])
                                    .put("block", mode)
                                    .put("backend", backendLabel)
                                    .put("coupling", coupling)
                                    .put("dropout", Double.parseDouble(Float.toString(dropout)))
                                    .put("seed", seed)
                                    .put("pairs", passes)
                                    .put("warmup_pairs", w)
                                    .put("warmup_seconds", warmSeconds)
                                    .put("djl_median_ms", dMed)
                                    .put("djl_q1_ms", Stats.quantile(d.ms(), 0.25))
                                    .put("djl_q3_ms", Stats.quantile(d.ms(), 0.75))
                                    .put("qama_median_ms", qMed)
                                    .put("qama_q1_ms", Stats.quantile(q.ms(), 0.25))
                                    .put("qama_q3_ms", Stats.quantile(q.ms(), 0.75))
                                    .put("qama_solver_median_ms", solverMed)
                                    .put("ratio_of_medians", qMed / dMed)
                                    .put("pair_ratio_median", Stats.median(ratios))
                                    .put("pair_ratio_q1", Stats.quantile(ratios, 0.25))
                                    .put("pair_ratio_q3", Stats.quantile(ratios, 0.75));
                    if (samples) {
                        j.put("djl_ms", boxed(d.ms()))
                                .put("qama_ms", boxed(q.ms()))
                                .put("qama_solver_ms", boxed(q.solverMs()));
                    }
                    out.println(j);
                } else {
                    out.printf(
                            Locale.ROOT,
                            "  %-17s %-26s %-26s %10.2f %7.2fx %.2fx [%.2f-%.2f]%n",
                            modes[m],
                            quartiles(d.ms()),
                            quartiles(q.ms()),
                            solverMed,
                            qMed / dMed,
                            Stats.median(ratios),
                            Stats.quantile(ratios, 0.25),
                            Stats.quantile(ratios, 0.75));
                }
            }
            out.flush();
        } finally {
            djl.close();
            if (qama != null) {
                qama.close();
            }
        }
    }

    /**
     * One pass of each block in {@code mode}, DJL first for even {@code index}, QAMA first for odd;
     * recorded at {@code at} when the series are given.
     */
    private static void pair(
            AttentionBlockBenchmark[] blocks,
            int index,
            boolean backward,
            Series djl,
            Series qama,
            int at) {
        for (int k = 0; k < 2; k++) {
            int b = (index % 2 == 0) ? k : 1 - k;
            long[] t = blocks[b].timedPass(backward);
            Series s = b == 0 ? djl : qama;
            if (s != null) {
                s.ms()[at] = t[0] * 1e-6;
                s.solverMs()[at] = t[1] * 1e-6;
            }
        }
    }

    private static String quartiles(double[] v) {
        return String.format(
                Locale.ROOT,
                "%.2f [%.2f-%.2f]",
                Stats.median(v),
                Stats.quantile(v, 0.25),
                Stats.quantile(v, 0.75));
    }

    private static List<Double> boxed(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) {
            l.add(x);
        }
        return l;
    }

    /** B, N, E, H of a config, or a user error naming it. */
    static int[] parseConfig(String config) {
        int[] v;
        try {
            v = AttentionBlockBenchmark.parseConfig(config.strip());
        } catch (IllegalArgumentException e) {
            throw new UserException("--config: " + e.getMessage());
        }
        if (v[2] % v[3] != 0) {
            throw new UserException(
                    "--config '"
                            + config
                            + "': the embedding size E = "
                            + v[2]
                            + " is not divisible by the head count H = "
                            + v[3]);
        }
        return v;
    }
}
