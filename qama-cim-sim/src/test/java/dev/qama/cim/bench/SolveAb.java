package dev.qama.cim.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.StopCondition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Same-JVM A/B of two builds of qama-cim-sim on one thread (a measurement, not a test): each
 * build's classes in a class loader of its own (qama-core and this class shared), the {@code sb}
 * solver with its defaults on the 128 problems of {@code qama bench attention} (the project
 * workload: paper-v2, H = 8, d = 8, q = 1, D = 64, W ~ N(0, 1/D); problems as {@code
 * AttentionWorkload.problems(spec, seed)} builds them; problem k solved with seed 1000 + k, one
 * read). First every problem is solved by both builds and the states, energies and status compared
 * exactly; then warm-up, then rounds of one batch per build (order swapped every round), CPU time
 * of the thread per batch ({@link ThreadMXBean}); printed: the median and quartiles of the
 * per-round ratios B / A and the median CPU per batch of each.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector \
 *       -cp qama-core/target/classes:qama-cim-sim/target/test-classes \
 *       dev.qama.cim.bench.SolveAb A_CLASSES B_CLASSES [tokens=49] [seed=1] [rounds=60] [warmup s=10] \
 *       [d=8]
 * </pre>
 *
 * (A_CLASSES and B_CLASSES: two builds' qama-cim-sim/target/classes; the class path must not hold
 * qama-cim-sim's main classes. The same directory twice is an A/A run.)
 */
public final class SolveAb {
    private SolveAb() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("steps")) {
            steps(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 49;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        double warm = args.length > 5 ? Double.parseDouble(args[5]) : 10;
        int dim = args.length > 6 ? Integer.parseInt(args[6]) : 8;
        List<AttentionProblem> problems = problems(128, 8, tokens, dim, seed);
        Solver sa = new Solver(a);
        Solver sb = new Solver(b);
        int differ = 0;
        for (int k = 0; k < problems.size(); k++) {
            SolveResult ra = sa.solve(problems.get(k), 1000 + k);
            SolveResult rb = sb.solve(problems.get(k), 1000 + k);
            if (!Arrays.equals(ra.energies(), rb.energies())
                    || ra.status() != rb.status()
                    || !sameStates(ra, rb)) {
                differ++;
            }
        }
        System.out.printf("N=%d seed=%d: %d of %d problems differ%n", tokens, seed, differ, 128);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (warm * 1e9);
        while (System.nanoTime() < end) {
            sa.batch(problems);
            sb.batch(problems);
        }
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        double[] ratio = new double[rounds];
        double ea = 0;
        double eb = 0;
        for (int r = 0; r < rounds; r++) {
            boolean aFirst = r % 2 == 0;
            for (int i = 0; i < 2; i++) {
                Solver s = (i == 0) == aFirst ? sa : sb;
                long t0 = mx.getCurrentThreadCpuTime();
                double e = s.batch(problems);
                double ms = (mx.getCurrentThreadCpuTime() - t0) * 1e-6;
                if (s == sa) {
                    ta[r] = ms;
                    ea = e;
                } else {
                    tb[r] = ms;
                    eb = e;
                }
            }
            ratio[r] = tb[r] / ta[r];
        }
        Arrays.sort(ratio);
        System.out.printf(
                "N=%d d=%d seed=%d rounds=%d: B/A %.3f (%.3f-%.3f); A %.2f ms, B %.2f ms per batch;"
                        + " mean energies %.6f / %.6f%n",
                tokens,
                dim,
                seed,
                rounds,
                q(ratio, 0.5),
                q(ratio, 0.25),
                q(ratio, 0.75),
                median(ta),
                median(tb),
                ea,
                eb);
    }

    /**
     * The fused SB steps alone: {@code steps A B [tokens] [seed] [rounds] [warmup s]}: per build
     * the engines ({@code VectorAttention}, 2 replicas) of the first 32 problems, each loaded with
     * the same random amplitudes, then 100 ballistic steps with the pump schedule and a read-out
     * every 20 steps; CPU per round of 32 × 100 steps, ratio B / A per round. Also checks that both
     * builds end with the same amplitudes.
     */
    static void steps(String[] args) throws Exception {
        Path a = Path.of(args[0]);
        Path b = Path.of(args[1]);
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 49;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        double warm = args.length > 5 ? Double.parseDouble(args[5]) : 5;
        List<AttentionProblem> problems = problems(32, 8, tokens, 8, seed);
        Steps sa = new Steps(a, problems);
        Steps sb = new Steps(b, problems);
        float[][] xa = sa.run();
        float[][] xb = sb.run();
        int differ = 0;
        for (int k = 0; k < xa.length; k++) {
            if (!Arrays.equals(xa[k], xb[k])) {
                differ++;
            }
        }
        System.out.printf("steps N=%d: %d of %d engines differ%n", tokens, differ, xa.length);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (warm * 1e9);
        while (System.nanoTime() < end) {
            sa.run();
            sb.run();
        }
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean aFirst = r % 2 == 0;
            for (int i = 0; i < 2; i++) {
                Steps s = (i == 0) == aFirst ? sa : sb;
                long t0 = mx.getCurrentThreadCpuTime();
                s.run();
                double ns = (mx.getCurrentThreadCpuTime() - t0) / (32.0 * 100);
                if (s == sa) {
                    ta[r] = ns;
                } else {
                    tb[r] = ns;
                }
            }
            ratio[r] = tb[r] / ta[r];
        }
        Arrays.sort(ratio);
        System.out.printf(
                "steps N=%d rounds=%d: B/A %.3f (%.3f-%.3f); A %.0f ns, B %.0f ns per step%n",
                tokens,
                rounds,
                q(ratio, 0.5),
                q(ratio, 0.25),
                q(ratio, 0.75),
                median(ta),
                median(tb));
    }

    /** One build's fused step engines of a list of problems. */
    static final class Steps {
        private final Object[] engines;
        private final Method load;
        private final Method step;
        private final Method store;
        private final float[][] x0;
        private final float[][] y0;

        Steps(Path classes, List<AttentionProblem> problems) throws Exception {
            ClassLoader cl =
                    new URLClassLoader(
                            new URL[] {classes.toUri().toURL()}, SolveAb.class.getClassLoader());
            Class<?> va = cl.loadClass("dev.qama.cim.kernel.VectorAttention");
            Class<?> st = cl.loadClass("dev.qama.cim.kernel.SbStepper");
            Method create = va.getDeclaredMethod("create", AttentionProblem.class, int.class);
            create.setAccessible(true);
            load = st.getMethod("load", float[].class, float[].class);
            store = st.getMethod("store", float[].class, float[].class);
            step =
                    st.getMethod(
                            "step",
                            boolean.class,
                            boolean.class,
                            float.class,
                            float.class,
                            float.class,
                            float.class,
                            double[].class);
            engines = new Object[problems.size()];
            x0 = new float[problems.size()][];
            y0 = new float[problems.size()][];
            SplittableRandom rnd = new SplittableRandom(7);
            for (int k = 0; k < engines.length; k++) {
                AttentionProblem p = problems.get(k);
                engines[k] = create.invoke(null, p, 2);
                int len = p.numVariables() * 2;
                x0[k] = new float[len];
                y0[k] = new float[len];
                for (int m = 0; m < len; m++) {
                    x0[k][m] = (float) (0.2 * rnd.nextDouble() - 0.1);
                    y0[k][m] = (float) (0.2 * rnd.nextDouble() - 0.1);
                }
            }
        }

        /** 100 steps of every engine from its start; returns the final amplitudes. */
        float[][] run() throws Exception {
            float[][] out = new float[engines.length][];
            double[] e = new double[2];
            for (int k = 0; k < engines.length; k++) {
                Object en = engines[k];
                load.invoke(en, x0[k], y0[k]);
                for (int s = 0; s < 100; s++) {
                    float damp = 1f - (s + 1) / 100f;
                    step.invoke(en, false, s % 20 == 0, damp, 0.08f, 0.5f, 1f, e);
                }
                out[k] = new float[x0[k].length];
                store.invoke(en, out[k], new float[x0[k].length]);
            }
            return out;
        }
    }

    private static boolean sameStates(SolveResult ra, SolveResult rb) {
        if (ra.size() != rb.size()) {
            return false;
        }
        for (int r = 0; r < ra.size(); r++) {
            if (!Arrays.equals(ra.state(r), rb.state(r))) {
                return false;
            }
        }
        return true;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return q(c, 0.5);
    }

    private static double q(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** One build's {@code SimulatedBifurcation} with the defaults of {@code sb}. */
    static final class Solver {
        private final Object solver;
        private final Method solve;

        Solver(Path classes) throws Exception {
            ClassLoader cl =
                    new URLClassLoader(
                            new URL[] {classes.toUri().toURL()}, SolveAb.class.getClassLoader());
            Class<?> variant = cl.loadClass("dev.qama.cim.sb.SimulatedBifurcation$Variant");
            Class<?> config = cl.loadClass("dev.qama.cim.sb.SbConfig");
            Class<?> sbc = cl.loadClass("dev.qama.cim.sb.SimulatedBifurcation");
            Object auto = variant.getField("AUTO").get(null);
            Object c = config.getMethod("defaults", variant).invoke(null, auto);
            this.solver = sbc.getConstructor(config).newInstance(c);
            this.solve =
                    sbc.getMethod(
                            "solve",
                            dev.qama.core.model.Problem.class,
                            long.class,
                            int.class,
                            StopCondition.class);
        }

        SolveResult solve(AttentionProblem p, long seed) throws Exception {
            return (SolveResult) solve.invoke(solver, p, seed, 1, StopCondition.never());
        }

        /** Solves every problem; returns the mean best energy. */
        double batch(List<AttentionProblem> problems) throws Exception {
            double e = 0;
            for (int k = 0; k < problems.size(); k++) {
                e += solve(problems.get(k), 1000 + k).bestEnergy();
            }
            return e / problems.size();
        }
    }

    /**
     * The problems of {@code qama bench attention} (project workload, paper-v2, q = 1, automatic
     * coupling form): AttentionWorkload.problems with Init.PROJECT and D = H·d, reproduced here
     * since that class lives in the benchmarks module.
     */
    static List<AttentionProblem> problems(int b, int h, int n, int d, long seed) {
        int width = h * d;
        int dm = width;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] w = new float[3][dm * width];
        for (float[] m : w) {
            for (int k = 0; k < m.length; k++) {
                m[k] = (float) (rnd.nextGaussian() / Math.sqrt(dm));
            }
        }
        float[] q = new float[b * h * n * d];
        float[] k = new float[q.length];
        float[] v = new float[q.length];
        double[] x = new double[dm];
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < n; i++) {
                double mean = 0;
                for (int c = 0; c < dm; c++) {
                    x[c] = rnd.nextGaussian();
                    mean += x[c];
                }
                mean /= dm;
                double var = 0;
                for (int c = 0; c < dm; c++) {
                    var += (x[c] - mean) * (x[c] - mean);
                }
                double inv = 1 / Math.sqrt(var / dm + 1e-5);
                for (int c = 0; c < dm; c++) {
                    x[c] = (x[c] - mean) * inv;
                }
                for (int out = 0; out < width; out++) {
                    double sq = 0;
                    double sk = 0;
                    double sv = 0;
                    for (int c = 0; c < dm; c++) {
                        sq += x[c] * w[0][c * width + out];
                        sk += x[c] * w[1][c * width + out];
                        sv += x[c] * w[2][c * width + out];
                    }
                    int t = out / d;
                    int a = out % d;
                    int idx = ((bb * h + t) * n + i) * d + a;
                    q[idx] = (float) sq;
                    k[idx] = (float) sk;
                    v[idx] = (float) sv;
                }
            }
        }
        AttentionInputs in = new AttentionInputs(b, h, n, d, q, k, v, null);
        float[] e = new float[d];
        for (int a = 0; a < d; a++) {
            e[a] = (float) rnd.nextGaussian();
        }
        return PaperV2Formulation.builder()
                .bits(1)
                .couplingForm(CouplingForm.AUTO)
                .valueImportance(e)
                .build()
                .buildAll(in);
    }
}
