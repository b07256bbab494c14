package dev.qama.cli;

import dev.qama.bench.AttentionWorkload;
import dev.qama.bench.SolverSpec;
import dev.qama.bench.Stats;
import dev.qama.cli.InputFormat.LoadedInstance;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.djl.QamaAttentionBlock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama bench}: solver benchmarks whose figures go into docs/benchmarks.md. Wall-clock
 * medians of repeated runs measured side by side in one process; progress goes to stderr, results
 * to stdout.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Solver benchmarks (attention batches, benchmark instances, long sequences) and the"
                        + " JMH benchmarks.",
        subcommands = {
            BenchCommand.Attention.class,
            BenchCommand.Instance.class,
            BenchRemoteCommand.class,
            ChaosBenchCommand.class,
            LongSeqBenchCommand.LongSeq.class,
            JmhBenchCommand.Jmh.class,
            JmhBenchCommand.Block.class,
            BlockPairCommand.class
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new UserException(
                "bench: missing a benchmark: attention, instance, remote, chaos, long-seq, block-pair, block or jmh"
                        + " (see"
                        + " 'qama bench --help')");
    }

    private static List<SolverSpec> parseSolvers(List<String> texts) {
        List<SolverSpec> out = new ArrayList<>();
        for (String t : texts) {
            out.add(SolverSpec.parse(t));
        }
        return out;
    }

    /** {@code qama bench attention}: one forward pass worth of attention problems per solver. */
    @Command(
            name = "attention",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Solves B seeded attention problems (one forward pass) with each solver, repeats"
                        + " the batch, and reports the median batch time and the energy gap to a"
                        + " reference (the best of long reference runs and of every solver)."
            },
            footer = {
                "",
                "Example (the paper's vision configuration):",
                "  qama bench attention -s sb -s csa --batch 128 --heads 8 --tokens 49 --dim 8",
                "The authors' problems (d_model 256, d 32, PyTorch's default init):",
                "  qama bench attention -s sb --workload authors --reference sb:steps=2000"
            })
    static final class Attention implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = {"-s", "--solver"},
                paramLabel = "NAME[:k=v,...]",
                required = true,
                description = "A solver to measure (repeatable), e.g. sb or sa:sweeps=500.")
        List<String> solvers = new ArrayList<>();

        @Option(
                names = "--formulation",
                defaultValue = "paper-v2",
                description = "paper-v2 or paper-v1 (default: ${DEFAULT-VALUE}).")
        String formulation;

        @Option(
                names = "--batch",
                defaultValue = "128",
                description = "B (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--heads",
                defaultValue = "8",
                description = "H (default: ${DEFAULT-VALUE}).")
        int heads;

        @Option(
                names = "--tokens",
                defaultValue = "49",
                description = "N (default: ${DEFAULT-VALUE}).")
        int tokens;

        @Option(
                names = "--workload",
                defaultValue = "project",
                description =
                        "How the problems are built: project (this library's layer at"
                                + " initialisation: D = H·d, bias-free projections ~ N(0, 1/D)) or"
                                + " authors (the QAMA authors' layer: D = 256, d = 32, PyTorch's"
                                + " default Linear init U(-1/sqrt(D), 1/sqrt(D)) for weights and"
                                + " biases; LayerNorm, e ~ N(0, 1) in both) (default:"
                                + " ${DEFAULT-VALUE}).")
        String workload;

        @Option(
                names = "--dim",
                description = "d per head (default: 8, or 32 with --workload authors).")
        Integer dim;

        @Option(
                names = "--model-width",
                paramLabel = "D",
                description =
                        "Width of the tokens before the projections (default: H·d, or 256 with"
                                + " --workload authors).")
        Integer modelWidth;

        @Option(
                names = "--bits",
                defaultValue = "1",
                description = "q, paper-v1 only (default: ${DEFAULT-VALUE}).")
        int bits;

        @Option(
                names = "--coupling",
                defaultValue = "auto",
                description = "dense, low-rank or auto, paper-v2 only (default: ${DEFAULT-VALUE}).")
        String coupling;

        @Option(
                names = "--repeats",
                defaultValue = "7",
                description = "Timed batches per solver (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(
                names = "--warmup",
                defaultValue = "3",
                description = "Untimed batches first, at least (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--warmup-time",
                defaultValue = "10s",
                converter = WarmupTime.class,
                description =
                        "Keep running untimed batches until this much time has passed, so the JIT"
                                + " reaches steady state: on 2 cores the C2 compilations of a fast"
                                + " solver take hundreds of batches (default: ${DEFAULT-VALUE}; 0s"
                                + " for exactly --warmup batches).")
        java.time.Duration warmupTime;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed of the problems and solvers (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--reference",
                paramLabel = "NAME[:k=v,...]",
                description = "Long reference runs (repeatable), e.g. sa:sweeps=5000.")
        List<String> references = new ArrayList<>();

        @Option(
                names = "--reference-reads",
                defaultValue = "50",
                description =
                        "Reads per problem of each reference solver (default: ${DEFAULT-VALUE}).")
        int referenceReads;

        @Option(names = "--json", description = "One JSON object per solver on stdout.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (repeats < 1 || warmup < 0 || referenceReads < 1) {
                throw new UserException(
                        "--repeats and --reference-reads must be >= 1 and --warmup >= 0");
            }
            CouplingForm form =
                    switch (coupling) {
                        case "dense" -> CouplingForm.DENSE;
                        case "low-rank" -> CouplingForm.LOW_RANK;
                        case "auto" -> CouplingForm.AUTO;
                        default ->
                                throw new UserException(
                                        "--coupling must be dense, low-rank or auto, got "
                                                + coupling);
                    };
            AttentionWorkload.Init init =
                    switch (workload) {
                        case "project" -> AttentionWorkload.Init.PROJECT;
                        case "authors" -> AttentionWorkload.Init.TORCH;
                        default ->
                                throw new UserException(
                                        "--workload must be project or authors, got " + workload);
                    };
            boolean authors = init == AttentionWorkload.Init.TORCH;
            int dim = this.dim != null ? this.dim : authors ? 32 : 8;
            int model = modelWidth != null ? modelWidth : authors ? 256 : heads * dim;
            if (dim < 1 || model < 1) {
                throw new UserException(
                        "--dim and --model-width must be >= 1, got " + dim + " and " + model);
            }
            String formulation;
            try {
                formulation = QamaAttentionBlock.Formulation.parse(this.formulation).cliName();
            } catch (IllegalArgumentException e) {
                throw new UserException("--formulation: " + e.getMessage());
            }
            AttentionWorkload.Spec ws =
                    new AttentionWorkload.Spec(
                            formulation, batch, heads, tokens, dim, bits, form, model, init);
            List<AttentionProblem> problems = AttentionWorkload.problems(ws, seed);
            double[] reference = new double[batch];
            Arrays.fill(reference, Double.POSITIVE_INFINITY);
            for (SolverSpec ref : parseSolvers(references)) {
                err.printf(
                        Locale.ROOT,
                        "reference %s, %d reads per problem ...%n",
                        ref.label(),
                        referenceReads);
                err.flush();
                try (AnnealerBackend b = ref.create()) {
                    BatchResult r =
                            b.solve(
                                    SolveRequest.builder(problems)
                                            .seed(seed ^ 0x5EEDL)
                                            .reads(referenceReads)
                                            .build());
                    for (int k = 0; k < batch; k++) {
                        reference[k] = Math.min(reference[k], r.get(k).bestEnergy());
                    }
                }
            }
            List<SolverSpec> specs = parseSolvers(solvers);
            double[][] seconds = new double[specs.size()][repeats];
            double[][] energies = new double[specs.size()][batch];
            for (int s = 0; s < specs.size(); s++) {
                SolverSpec sp = specs.get(s);
                try (AnnealerBackend b = sp.create()) {
                    SolveRequest req = SolveRequest.builder(problems).seed(seed).build();
                    long warmEnd = System.nanoTime() + warmupTime.toNanos();
                    for (int w = 0; w < warmup || System.nanoTime() - warmEnd < 0; w++) {
                        b.solve(req);
                    }
                    for (int r = 0; r < repeats; r++) {
                        long t0 = System.nanoTime();
                        BatchResult res = b.solve(req);
                        seconds[s][r] = (System.nanoTime() - t0) * 1e-9;
                        for (int k = 0; k < batch; k++) {
                            energies[s][k] = res.get(k).bestEnergy();
                        }
                        err.printf(
                                Locale.ROOT,
                                "  %s repeat %d/%d: %.1f ms%n",
                                sp.label(),
                                r + 1,
                                repeats,
                                seconds[s][r] * 1e3);
                        err.flush();
                    }
                }
                for (int k = 0; k < batch; k++) {
                    reference[k] = Math.min(reference[k], energies[s][k]);
                }
            }
            if (!json) {
                out.printf(
                        Locale.ROOT,
                        "%s, %s workload, B=%d H=%d N=%d d=%d D=%d q=%d, coupling %s, seed %d%n",
                        formulation,
                        workload,
                        batch,
                        heads,
                        tokens,
                        dim,
                        model,
                        bits,
                        coupling,
                        seed);
                out.printf(
                        Locale.ROOT,
                        "%-28s %12s %12s %14s %12s %12s %10s%n",
                        "solver",
                        "median ms",
                        "min ms",
                        "mean energy",
                        "mean gap %",
                        "max gap %",
                        "at ref");
            }
            for (int s = 0; s < specs.size(); s++) {
                double[] gaps = new double[batch];
                int atRef = 0;
                for (int k = 0; k < batch; k++) {
                    double ref = reference[k];
                    gaps[k] = 100 * (energies[s][k] - ref) / Math.max(Math.abs(ref), 1e-12);
                    if (energies[s][k] <= ref + 1e-9 * Math.max(1, Math.abs(ref))) {
                        atRef++;
                    }
                }
                double med = Stats.median(seconds[s]);
                double min = Arrays.stream(seconds[s]).min().orElse(Double.NaN);
                double meanE = Stats.mean(energies[s]);
                double meanGap = Stats.mean(gaps);
                double maxGap = Arrays.stream(gaps).max().orElse(Double.NaN);
                if (json) {
                    out.println(
                            new Json()
                                    .put("benchmark", "attention")
                                    .put("formulation", formulation)
                                    .put("workload", workload)
                                    .put("model_width", model)
                                    .put("batch", batch)
                                    .put("heads", heads)
                                    .put("tokens", tokens)
                                    .put("dim", dim)
                                    .put("bits", bits)
                                    .put("coupling", coupling)
                                    .put("solver", specs.get(s).label())
                                    .put("median_seconds", med)
                                    .put("min_seconds", min)
                                    .put("mean_energy", meanE)
                                    .put("mean_gap_percent", meanGap)
                                    .put("max_gap_percent", maxGap)
                                    .put("at_reference", atRef)
                                    .put("seed", seed)
                                    .put("repeats", repeats));
                } else {
                    out.printf(
                            Locale.ROOT,
                            "%-28s %12.2f %12.2f %14.4f %12.4f %12.4f %6d/%d%n",
                            specs.get(s).label(),
                            med * 1e3,
                            min * 1e3,
                            meanE,
                            meanGap,
                            maxGap,
                            atRef,
                            batch);
                }
            }
            return Main.EXIT_OK;
        }
    }

    /** {@code qama bench instance}: repeated runs on one benchmark instance. */
    @Command(
            name = "instance",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Runs each solver R times (seeds 1..R) on one instance with a time limit and reports"
                        + " the best and median result, the fraction of runs reaching the best known"
                        + " value and 99 %% of it, and TTS(99 %%) = t_run ln(0.01) / ln(1 - p)."
            },
            footer = {
                "",
                "Examples:",
                "  qama bench instance -i ../shared/data/gset/G22.txt -f gset -s sb --time-limit 10s --runs 5",
                "  qama bench instance -i ../shared/data/biqmac-be/be100.1.sparse -f biqmac -s sa --runs 20"
            })
    static final class Instance implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = {"-i", "--input"},
                required = true,
                paramLabel = "FILE",
                description = "The instance file.")
        Path input;

        @Option(
                names = {"-f", "--format"},
                required = true,
                converter = InputFormat.Converter.class,
                description = "gset, biqmac or qubo.")
        InputFormat format;

        @Option(
                names = {"-s", "--solver"},
                required = true,
                paramLabel = "NAME[:k=v,...]",
                description = "A solver (repeatable).")
        List<String> solvers = new ArrayList<>();

        @Option(
                names = "--runs",
                defaultValue = "10",
                description = "Runs per solver (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(
                names = "--time-limit",
                converter = Durations.class,
                description = "Limit per run (default: none).")
        Duration timeLimit;

        @Option(
                names = "--reads",
                defaultValue = "1",
                description = "Reads per run (default: ${DEFAULT-VALUE}).")
        int reads;

        @Option(
                names = "--best-known",
                paramLabel = "VALUE",
                description =
                        "Best known cut (gset) or energy (biqmac, qubo); default: from best-known.csv next to the file.")
        Double bestKnown;

        @Option(names = "--json", description = "One JSON object per solver on stdout.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (runs < 1 || reads < 1) {
                throw new UserException("--runs and --reads must be >= 1");
            }
            LoadedInstance inst = format.load(input);
            boolean maxCut = inst.maxCut() != null;
            Double best = bestKnown != null ? bestKnown : lookUpBestKnown(input, inst.name());
            for (SolverSpec sp : parseSolvers(solvers)) {
                double[] values = new double[runs];
                double[] secs = new double[runs];
                int hitBest = 0;
                int hit99 = 0;
                try (AnnealerBackend b = sp.create()) {
                    for (int r = 0; r < runs; r++) {
                        SolveRequest req =
                                SolveRequest.builder(List.of(inst.model()))
                                        .seed(r + 1)
                                        .reads(reads)
                                        .timeLimit(timeLimit)
                                        .build();
                        long t0 = System.nanoTime();
                        SolveResult res = b.solve(req).get(0);
                        secs[r] = (System.nanoTime() - t0) * 1e-9;
                        values[r] = maxCut ? inst.maxCut().cut(res.best()) : res.bestEnergy();
                        if (best != null) {
                            // cut: larger is better; energy: smaller is better (negative optimum)
                            boolean atBest =
                                    maxCut ? values[r] >= best - 1e-9 : values[r] <= best + 1e-9;
                            boolean at99 =
                                    maxCut
                                            ? values[r] >= 0.99 * best - 1e-9
                                            : values[r] <= best + 0.01 * Math.abs(best) + 1e-9;
                            hitBest += atBest ? 1 : 0;
                            hit99 += at99 ? 1 : 0;
                        }
                        err.printf(
                                Locale.ROOT,
                                "  %s run %d/%d: %s %s in %.3f s%n",
                                sp.label(),
                                r + 1,
                                runs,
                                maxCut ? "cut" : "energy",
                                Json.number(values[r]),
                                secs[r]);
                        err.flush();
                    }
                }
                double bestValue =
                        maxCut
                                ? Arrays.stream(values).max().orElse(Double.NaN)
                                : Arrays.stream(values).min().orElse(Double.NaN);
                double medSecs = Stats.median(secs);
                Json j =
                        new Json()
                                .put("benchmark", "instance")
                                .put("instance", inst.name())
                                .put("n", inst.model().numVariables())
                                .put("solver", sp.label())
                                .put("runs", runs)
                                .put(maxCut ? "best_cut" : "best_energy", bestValue)
                                .put(maxCut ? "median_cut" : "median_energy", Stats.median(values))
                                .put("median_seconds", medSecs);
                if (best != null) {
                    double p = hit99 / (double) runs;
                    j.put("best_known", best)
                            .put("hit_best_known", hitBest)
                            .put("hit_99_percent", hit99)
                            .put(
                                    "tts99_best_known_seconds",
                                    finiteOrNull(Stats.tts99(medSecs, hitBest / (double) runs)))
                            .put("tts99_99_percent_seconds", finiteOrNull(Stats.tts99(medSecs, p)));
                }
                out.println(json ? j.toString() : j.toString().replace(",\"", ", \""));
            }
            return Main.EXIT_OK;
        }

        private static Double finiteOrNull(double v) {
            return Double.isFinite(v) ? v : null;
        }

        /** Reads best-known.csv (name first, value last) next to the instance, if present. */
        static Double lookUpBestKnown(Path input, String name) throws IOException {
            Path dir = input.toAbsolutePath().getParent();
            Path csv = dir == null ? null : dir.resolve("best-known.csv");
            if (csv == null || !Files.isRegularFile(csv)) {
                return null;
            }
            for (String line : Files.readAllLines(csv)) {
                String[] f = line.split(",");
                if (f.length >= 2 && f[0].trim().equals(name)) {
                    try {
                        return Double.parseDouble(f[f.length - 1].trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    }

    /** A duration as {@link Durations} reads it, or zero ("0", "0s"): no time-based warm-up. */
    static final class WarmupTime
            implements picocli.CommandLine.ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String text) {
            if (text != null && text.strip().matches("0+(\\.0*)?(ms|s|m|h)?")) {
                return java.time.Duration.ZERO;
            }
            return new Durations().convert(text); // a TypeConversionException: no class name
        }
    }
}
