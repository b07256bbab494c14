package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quick measurements of the sa and csa backends (not a unit test). Build the test classes, then:
 *
 * <pre>
 * mvn -B -q -pl qama-cim-sim -am test-compile -Dspotless.check.skip=true
 * java --add-modules jdk.incubator.vector -cp qama-cim-sim/target/classes:qama-cim-sim/target/test-classes:qama-core/target/classes \
 *     dev.qama.cim.sa.SaMeasurements attention [B] [N] [q]
 * java ... dev.qama.cim.sa.SaMeasurements biqmac ../shared/data/biqmac-be [runs]
 * </pre>
 *
 * <p>attention: B paper-v2 problems (H = 8, d = 8, default N = 49, q = 1; see {@link
 * TestProblems#paperAttention}), time per batch (median of 3 after one warm-up) and mean best
 * energy, for several configurations. biqmac: be100.1–5, success rate of reaching the best-known
 * value and mean time per run.
 */
public final class SaMeasurements {
    private SaMeasurements() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "attention";
        if (what.equals("kernel")) {
            kernel(args.length > 1 ? Path.of(args[1]) : Path.of("../shared/data/biqmac-be"));
        } else if (what.equals("attention")) {
            int b = args.length > 1 ? Integer.parseInt(args[1]) : 128;
            int n = args.length > 2 ? Integer.parseInt(args[2]) : 49;
            int q = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            attention(b, n, q);
        } else {
            Path dir = Path.of(args.length > 1 ? args[1] : "../shared/data/biqmac-be");
            int runs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
            biqmac(dir, runs);
        }
    }

    private static void attention(int batch, int tokens, int bits) {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < batch; k++) {
            ps.add(TestProblems.paperAttention(8, tokens, 8, bits, 1000 + k));
        }
        System.out.printf(
                Locale.ROOT,
                "attention: B=%d H=8 N=%d q=%d d=8 (%d binaries per problem), threads=%d%n",
                batch,
                tokens,
                bits,
                ps.get(0).numVariables(),
                Runtime.getRuntime().availableProcessors());
        Map<String, AbstractBatchBackend> configs = new LinkedHashMap<>();
        configs.put("csa (defaults, patience 50 per problem)", CsaBaseline.create());
        configs.put("csa patience=0", CsaBaseline.fromOptions(BackendOptions.parse("patience=0")));
        configs.put(
                "csa patience=0 faithful",
                CsaBaseline.fromOptions(BackendOptions.parse("patience=0,faithful=true")));
        configs.put("sa sweeps=50", sa("sweeps=50"));
        configs.put("sa sweeps=200", sa("sweeps=200"));
        configs.put("sa sweeps=1000 (default)", sa(""));
        boolean small = tokens * bits <= 64;
        if (small) {
            configs.put("sa sweeps=1000 order=random", sa("order=random"));
            configs.put("sa sweeps=1000 lowrank=factored", sa("lowrank=factored"));
        }
        double[] reference = null;
        for (Map.Entry<String, AbstractBatchBackend> e : configs.entrySet()) {
            double[] best = run(e.getKey(), e.getValue(), ps, 1, 3);
            reference = min(reference, best);
        }
        if (small) {
            AbstractBatchBackend longRuns = sa("sweeps=5000");
            double[] best = run("reference: sa sweeps=5000 reads=4", longRuns, ps, 4, 1);
            reference = min(reference, best);
        }
        System.out.printf(
                Locale.ROOT,
                "mean of the per-problem best energy over all runs above: %.4f%n",
                mean(reference));
    }

    private static SimulatedAnnealing sa(String opts) {
        return SimulatedAnnealing.fromOptions(BackendOptions.parse(opts));
    }

    private static double[] min(double[] a, double[] b) {
        if (a == null) {
            return b.clone();
        }
        double[] out = a.clone();
        for (int k = 0; k < a.length; k++) {
            out[k] = Math.min(a[k], b[k]);
        }
        return out;
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }

    private static double[] run(
            String label, AbstractBatchBackend backend, List<Problem> ps, int reads, int repeats) {
        SolveRequest req = SolveRequest.builder(ps).reads(reads).seed(1).build();
        backend.solve(req); // warm-up
        double[] times = new double[repeats];
        double[] cpu = new double[repeats];
        BatchResult r = null;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            r = backend.solve(SolveRequest.builder(ps).reads(reads).seed(2 + i).build());
            times[i] = (System.nanoTime() - t0) * 1e-6;
            cpu[i] = (processCpuNanos() - c0) * 1e-6;
        }
        Arrays.sort(times);
        Arrays.sort(cpu);
        double[] best = new double[ps.size()];
        for (int k = 0; k < ps.size(); k++) {
            best[k] = r.get(k).bestEnergy();
        }
        System.out.printf(
                Locale.ROOT,
                "%-42s %9.1f ms/batch wall %9.1f ms CPU  mean best energy %.4f  status %s%n",
                label,
                times[repeats / 2],
                cpu[repeats / 2],
                mean(best),
                r.status());
        backend.close();
        return best;
    }

    /** Thread-CPU nanoseconds per proposal of single-threaded sweeps (robust to machine load). */
    private static void kernel(Path dir) throws Exception {
        java.lang.management.ThreadMXBean mx =
                java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Kernel> ks = new LinkedHashMap<>();
        Problem att = TestProblems.paperAttention(8, 49, 8, 1, 5);
        ks.put("attention N=49 q=1 (auto = dense heads)", Kernels.create(att, LowRankMode.AUTO));
        ks.put("attention N=49 q=1 factored heads", Kernels.create(att, LowRankMode.FACTORED));
        Problem att4 = TestProblems.paperAttention(8, 49, 8, 4, 5);
        ks.put("attention N=49 q=4 (auto)", Kernels.create(att4, LowRankMode.AUTO));
        Problem att256 = TestProblems.paperAttention(8, 256, 8, 1, 5);
        ks.put("attention N=256 q=1 (auto = factored)", Kernels.create(att256, LowRankMode.AUTO));
        ks.put("attention N=256 q=1 dense heads", Kernels.create(att256, LowRankMode.DENSE));
        Problem be = TestProblems.readBiqMac(dir.resolve("be100.1.sparse"));
        ks.put("be100.1 dense n=100", Kernels.create(be, LowRankMode.AUTO));
        for (Map.Entry<String, Kernel> e : ks.entrySet()) {
            Kernel k = e.getValue();
            Problem p =
                    e.getKey().startsWith("be")
                            ? be
                            : e.getKey().contains("256")
                                    ? att256
                                    : e.getKey().contains("q=4") ? att4 : att;
            double[] betas = SimulatedAnnealing.builder().build().schedule(p);
            java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
            byte[] s = new byte[k.n];
            double best = 0;
            for (int rep = 0; rep < 6; rep++) {
                k.randomState(rng, s);
                k.start(s);
                long c0 = mx.getCurrentThreadCpuTime();
                for (double beta : betas) {
                    k.sweep(beta, rng, false);
                }
                long c1 = mx.getCurrentThreadCpuTime();
                double ns = (double) (c1 - c0) / ((double) betas.length * k.free.length);
                if (rep >= 2) {
                    best = rep == 2 ? ns : Math.min(best, ns);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-42s %6.2f ns/proposal (thread CPU time, best of 4 runs of 1000 sweeps)%n",
                    e.getKey(),
                    best);
        }
    }

    /** CPU time of the whole process (all threads), or 0 if the JVM cannot tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static void biqmac(Path dir, int runs) throws Exception {
        Map<String, Double> known = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("best-known.csv"))) {
            String[] p = line.split(",");
            if (p[0].startsWith("be100")) {
                known.put(p[0], Double.parseDouble(p[1]));
            }
        }
        String[] configs = {
            "sa:sweeps=100,threads=1",
            "sa:sweeps=200,threads=1",
            "sa:sweeps=1000,threads=1",
            "csa:threads=1",
            "csa:patience=0,threads=1",
            "csa:patience=0,threads=1;reads=8",
        };
        for (String cfg : configs) {
            String[] parts = cfg.split(":", 2);
            String[] optReads = parts[1].split(";");
            int reads = optReads.length > 1 ? Integer.parseInt(optReads[1].substring(6)) : 1;
            BackendOptions o = BackendOptions.parse(optReads[0]);
            AbstractBatchBackend b =
                    parts[0].equals("sa")
                            ? SimulatedAnnealing.fromOptions(o)
                            : CsaBaseline.fromOptions(o);
            int hits = 0;
            int total = 0;
            double ms = 0;
            double cpuMs = 0;
            StringBuilder per = new StringBuilder();
            for (Map.Entry<String, Double> e : known.entrySet()) {
                BinaryQuadraticModel m =
                        TestProblems.readBiqMac(dir.resolve(e.getKey() + ".sparse"));
                b.solve(SolveRequest.builder(List.of(m)).reads(reads).seed(-1).build()); // warm-up
                int h = 0;
                double gap = 0;
                for (int run = 0; run < runs; run++) {
                    long t0 = System.nanoTime();
                    long c0 = processCpuNanos();
                    BatchResult r =
                            b.solve(
                                    SolveRequest.builder(List.of(m))
                                            .reads(reads)
                                            .seed(run)
                                            .build());
                    ms += (System.nanoTime() - t0) * 1e-6;
                    cpuMs += (processCpuNanos() - c0) * 1e-6;
                    double best = r.get(0).bestEnergy();
                    if (best <= e.getValue() + 1e-6) {
                        h++;
                    }
                    gap += best - e.getValue();
                }
                hits += h;
                total += runs;
                per.append(
                        String.format(
                                Locale.ROOT,
                                " %s %d/%d (mean gap %.1f)",
                                e.getKey(),
                                h,
                                runs,
                                gap / runs));
            }
            b.close();
            System.out.printf(
                    Locale.ROOT,
                    "%-36s reads=%d  success %5.1f%%  %7.2f ms/run wall %7.2f ms CPU |%s%n",
                    parts[0] + " " + optReads[0],
                    reads,
                    100.0 * hits / total,
                    ms / total,
                    cpuMs / total,
                    per);
        }
    }
}
