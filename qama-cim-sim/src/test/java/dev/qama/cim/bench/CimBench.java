package dev.qama.cim.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Quick measurements (not a test, not JMH).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp ... dev.qama.cim.bench.CimBench attention sb "steps=200"
 *   java ... CimBench reference            # best of long dSB runs per problem (mean energy)
 *   java ... CimBench gset G22.txt sb "steps=2000,replicas=32" 10
 * </pre>
 */
public final class CimBench {
    private CimBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "attention";
        switch (mode) {
            case "attention" ->
                    attention(
                            args.length > 1 ? args[1] : "sb",
                            args.length > 2 ? args[2] : "",
                            args.length > 3 ? Integer.parseInt(args[3]) : 49,
                            args.length > 4 ? Integer.parseInt(args[4]) : 5);
            case "reference" ->
                    reference(
                            args.length > 1 ? args[1] : "steps=2000,replicas=32",
                            args.length > 2 ? args[2] : "dsb");
            case "gset" ->
                    gset(
                            Path.of(args[1]),
                            args[2],
                            args.length > 3 ? args[3] : "",
                            args.length > 4 ? Integer.parseInt(args[4]) : 10);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    static List<AttentionProblem> batch(int tokens) {
        return PaperProblems.paperV2(128, 8, tokens, 8, 12345);
    }

    static void attention(String backend, String options, int tokens, int repeats) {
        List<AttentionProblem> problems = batch(tokens);
        BackendOptions opts = BackendOptions.parse(options);
        try (AnnealerBackend b = Annealers.create(backend, opts)) {
            SolveRequest req = SolveRequest.builder(problems).seed(1).reads(1).build();
            for (int w = 0; w < 3; w++) {
                b.solve(req); // warm-up (JIT)
            }
            double best = Double.POSITIVE_INFINITY;
            double sum = 0;
            double mean = 0;
            for (int rep = 0; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                BatchResult r = b.solve(SolveRequest.builder(problems).seed(100 + rep).build());
                double ms = (System.nanoTime() - t0) * 1e-6;
                best = Math.min(best, ms);
                sum += ms;
                double e = 0;
                for (int k = 0; k < r.size(); k++) {
                    e += r.get(k).bestEnergy();
                }
                mean += e / r.size();
            }
            System.out.printf(
                    "attention B=128 H=8 N=%d q=1 %s [%s]: batch min %.1f ms, mean %.1f ms,"
                            + " mean energy %.4f%n",
                    tokens, backend, options, best, sum / repeats, mean / repeats);
        }
        // CPU time of the same batch on the calling thread (threads=1 solves inline): what the
        // batch costs without the other processes of this shared machine; /2 for two cores
        try (AnnealerBackend b = Annealers.create(backend, opts.with("threads", "1"))) {
            java.lang.management.ThreadMXBean mx =
                    java.lang.management.ManagementFactory.getThreadMXBean();
            double bestCpu = Double.POSITIVE_INFINITY;
            for (int rep = 0; rep < repeats; rep++) {
                long c0 = mx.getCurrentThreadCpuTime();
                b.solve(SolveRequest.builder(problems).seed(100 + rep).build());
                bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) * 1e-6);
            }
            System.out.printf(
                    "  one-thread CPU time per batch: min %.1f ms (%.1f ms per core on 2 cores)%n",
                    bestCpu, bestCpu / 2);
        }
    }

    static void reference(String options, String backend) {
        List<AttentionProblem> problems = batch(49);
        try (AnnealerBackend b = Annealers.create(backend, BackendOptions.parse(options))) {
            long t0 = System.nanoTime();
            BatchResult r = b.solve(SolveRequest.builder(problems).seed(7).build());
            double e = 0;
            for (int k = 0; k < r.size(); k++) {
                e += r.get(k).bestEnergy();
            }
            System.out.printf(
                    "reference %s [%s]: mean energy %.4f (%.1f s)%n",
                    backend, options, e / r.size(), (System.nanoTime() - t0) * 1e-9);
        }
    }

    static void gset(Path file, String backend, String options, int seconds) throws Exception {
        PaperProblems.Graph g = PaperProblems.readRudy(file);
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, g.coupling());
        try (AnnealerBackend b = Annealers.create(backend, BackendOptions.parse(options))) {
            long t0 = System.nanoTime();
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(m))
                                    .seed(3)
                                    .timeLimit(Duration.ofSeconds(seconds))
                                    .build());
            double s = (System.nanoTime() - t0) * 1e-9;
            System.out.printf(
                    "%s %s [%s]: cut %.0f in %.2f s (%s)%n",
                    file.getFileName(), backend, options, g.cut(r.get(0).best()), s, r.status());
        }
    }
}
