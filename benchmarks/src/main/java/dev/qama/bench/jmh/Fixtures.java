package dev.qama.bench.jmh;

import dev.qama.bench.AttentionWorkload;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.SplittableRandom;

/**
 * Seeded inputs shared by the JMH benchmarks and their tests: random couplings of each shape, the
 * attention problem of the paper's vision configuration and a dense Ising model.
 */
public final class Fixtures {
    /**
     * JVM options of every benchmark fork: the Vector API module, and DJL offline (the benchmark
     * class path contains qama-djl, and every JVM that can load DJL must run offline).
     */
    public static final String[] FORK_ARGS = {
        "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-Djava.awt.headless=true"
    };

    private Fixtures() {}

    /** n×m entries uniform in [−1, 1). */
    public static float[] uniform(int length, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] out = new float[length];
        for (int k = 0; k < length; k++) {
            out[k] = (float) (2 * rnd.nextDouble() - 1);
        }
        return out;
    }

    /** A dense symmetric coupling with entries uniform in [−1, 1) and a zero diagonal. */
    public static DenseCoupling dense(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float v = (float) (2 * rnd.nextDouble() - 1);
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        return DenseCoupling.ofSymmetric(n, m);
    }

    /**
     * A G-set-like sparse coupling: a random graph where every vertex draws {@code degree / 2}
     * partners uniformly (mean degree ≈ {@code degree}), weights ±1.
     */
    public static SparseCoupling sparse(int n, int degree, long seed) {
        if (n < 2 || degree < 2) {
            throw new IllegalArgumentException(
                    "sparse fixture needs n >= 2 and degree >= 2, got n="
                            + n
                            + " degree="
                            + degree);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < degree / 2; k++) {
                int j = rnd.nextInt(n - 1);
                if (j >= i) {
                    j++;
                }
                b.add(i, j, rnd.nextBoolean() ? 1 : -1);
            }
        }
        return b.build();
    }

    /** A low-rank coupling (A·Bᵀ + B·Aᵀ)/(2√r) with Gaussian factors. */
    public static LowRankCoupling lowRank(int n, int r, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n * r];
        float[] b = new float[n * r];
        for (int k = 0; k < a.length; k++) {
            a[k] = (float) rnd.nextGaussian();
            b[k] = (float) rnd.nextGaussian();
        }
        return LowRankCoupling.of(n, r, a, b, 1 / (2 * Math.sqrt(r)));
    }

    /**
     * A coupling by name: {@code g1} (n = 800, degree 48, like G-set G1), {@code g22} (n = 2000,
     * degree 20, like G22), {@code lowrank8} / {@code lowrank64} (n = 1024, r = 8 / 64), or {@code
     * dense<n>}.
     */
    public static Coupling coupling(String kind, long seed) {
        switch (kind) {
            case "g1":
                return sparse(800, 48, seed);
            case "g22":
                return sparse(2000, 20, seed);
            case "lowrank8":
                return lowRank(1024, 8, seed);
            case "lowrank64":
                return lowRank(1024, 64, seed);
            default:
                if (kind.startsWith("dense")) {
                    return dense(Integer.parseInt(kind.substring(5)), seed);
                }
                if (kind.startsWith("tiny-")) {
                    // for tests: tiny-sparse, tiny-lowrank
                    return kind.equals("tiny-sparse") ? sparse(13, 4, seed) : lowRank(13, 3, seed);
                }
                throw new IllegalArgumentException(
                        "coupling kind '"
                                + kind
                                + "' is not one of g1, g22, lowrank8, lowrank64, dense<n>");
        }
    }

    /**
     * Multiply–adds of one product J·x for one replica, as the kernels perform them: n² − n for
     * dense, the stored non-zeros for sparse, 4·n·r for low-rank (two n×r projections and two
     * expansions).
     */
    public static long fmaPerReplica(Coupling c) {
        if (c instanceof DenseCoupling d) {
            return (long) d.size() * (d.size() - 1);
        }
        if (c instanceof SparseCoupling s) {
            return s.nonZeros();
        }
        LowRankCoupling l = (LowRankCoupling) c;
        return 4L * l.size() * l.rank();
    }

    /**
     * The attention problem of the paper's vision configuration: H = 8, N = 49, paper-v2, d = 8.
     */
    public static AttentionProblem attention(int heads, int tokens, long seed) {
        return AttentionWorkload.problems(
                        new AttentionWorkload.Spec(
                                "paper-v2", 1, heads, tokens, 8, 1, CouplingForm.AUTO),
                        seed)
                .get(0);
    }

    /** An SK-like SPIN model: Gaussian couplings of variance 1/n, small Gaussian fields. */
    public static BinaryQuadraticModel denseIsing(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] m = new float[n * n];
        double sd = 1 / Math.sqrt(n);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float v = (float) (rnd.nextGaussian() * sd);
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = (float) (0.1 * rnd.nextGaussian());
        }
        return BinaryQuadraticModel.of(Vartype.SPIN, h, DenseCoupling.ofSymmetric(n, m), 0);
    }

    /** The naive product y = J·X (n×R row-major) through {@link Coupling#get}, in double. */
    public static double[] naiveProduct(Coupling c, float[] x, int reps) {
        int n = c.size();
        double[] y = new double[n * reps];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = c.get(i, j);
                if (a != 0) {
                    for (int r = 0; r < reps; r++) {
                        y[i * reps + r] += a * x[j * reps + r];
                    }
                }
            }
        }
        return y;
    }
}
