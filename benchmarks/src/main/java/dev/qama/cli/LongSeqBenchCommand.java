package dev.qama.cli;

import dev.qama.bench.longseq.LongSeqResult;
import dev.qama.bench.longseq.LongSequenceBenchmark;
import dev.qama.core.spi.Annealers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Holder of {@code qama bench long-seq} (registered in {@link BenchCommand}). */
final class LongSeqBenchCommand {
    private LongSeqBenchCommand() {}

    /**
     * {@code qama bench long-seq}: time and peak memory of one QAMA forward + backward pass with
     * factored couplings next to DJL's classical attention, each size in a fresh JVM.
     */
    @Command(
            name = "long-seq",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "One batch element, H heads of width d, N tokens: wall time (solver and DJL side)"
                        + " and peak resident memory of one forward + backward pass of QAMA"
                        + " (paper-v2, factored couplings) and of DJL's"
                        + " ScaledDotProductAttentionBlock, each in a fresh JVM. Writes"
                        + " long-seq.csv and two log-log plots."
            },
            footer = {"", "Example (issue 7):", "  qama bench long-seq --out docs/long-seq"})
    static final class LongSeq implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--tokens",
                split = ",",
                defaultValue = "1024,4096,16384,32768",
                description = "Sequence lengths N (default: ${DEFAULT-VALUE}).")
        List<Integer> tokens = new ArrayList<>();

        @Option(
                names = "--heads",
                defaultValue = "8",
                description = "H (default: ${DEFAULT-VALUE}).")
        int heads;

        @Option(
                names = "--dim",
                defaultValue = "64",
                description = "d per head (default: ${DEFAULT-VALUE}).")
        int dim;

        @Option(
                names = "--backend",
                defaultValue = "sb",
                description = "QAMA backend (default: ${DEFAULT-VALUE}).")
        String backend;

        @Option(
                names = "--classical-cap-gib",
                defaultValue = "8",
                description =
                        "Skip classical attention when its estimated 5·H·N²·4 bytes exceed this"
                                + " (default: ${DEFAULT-VALUE}).")
        double capGib;

        @Option(names = "--no-classical", description = "Measure QAMA only.")
        boolean noClassical;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--out",
                defaultValue = "long-seq",
                description = "Output directory (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() {
            if (heads < 1 || dim < 1 || tokens.isEmpty() || capGib < 0) {
                throw new UserException(
                        "--heads and --dim must be >= 1, --tokens non-empty, --classical-cap-gib"
                                + " >= 0 (got "
                                + heads
                                + ", "
                                + dim
                                + ", "
                                + tokens
                                + ", "
                                + capGib
                                + ")");
            }
            for (int n : tokens) {
                if (n < 1) {
                    throw new UserException("--tokens must be >= 1, got " + n);
                }
            }
            try {
                Annealers.provider(backend); // a typo fails here, not in every child JVM
            } catch (IllegalArgumentException e) {
                throw new UserException("--backend: " + e.getMessage(), e);
            }
            LongSequenceBenchmark.Options o = new LongSequenceBenchmark.Options();
            o.tokens = List.copyOf(tokens);
            o.heads = heads;
            o.headSize = dim;
            o.backend = backend;
            o.seed = seed;
            o.classical = !noClassical;
            o.classicalCapBytes = (long) (capGib * 1024 * 1024 * 1024);
            o.out = out;
            PrintWriter w = spec.commandLine().getOut();
            List<LongSeqResult> rs = LongSequenceBenchmark.run(o, System.err);
            w.println(LongSeqResult.CSV_HEADER);
            for (LongSeqResult r : rs) {
                w.println(r.toCsv());
            }
            w.printf(
                    Locale.ROOT,
                    "memory slope d log(peak RSS)/d log N: qama %.3f (above warm-up %.3f)%n",
                    LongSequenceBenchmark.memorySlope(rs, "qama", false),
                    LongSequenceBenchmark.memorySlope(rs, "qama", true));
            w.flush();
            return 0;
        }
    }
}
