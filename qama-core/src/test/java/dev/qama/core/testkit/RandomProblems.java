package dev.qama.core.testkit;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.SplittableRandom;

/**
 * Seeded random problems for tests: the same arguments always give the same problem. Coefficients
 * are uniform in [−1, 1) unless stated otherwise.
 */
public final class RandomProblems {
    private RandomProblems() {}

    private static float uniform(SplittableRandom rnd) {
        return (float) (2 * rnd.nextDouble() - 1);
    }

    /** Linear terms, uniform in [−1, 1). */
    public static float[] linear(int n, SplittableRandom rnd) {
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = uniform(rnd);
        }
        return h;
    }

    /** A dense symmetric zero-diagonal coupling with entries uniform in [−1, 1). */
    public static DenseCoupling denseCoupling(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                float v = uniform(rnd);
                j[i * n + k] = v;
                j[k * n + i] = v;
            }
        }
        return DenseCoupling.ofSymmetric(n, j);
    }

    /** A sparse coupling: each pair is present with probability {@code density}. */
    public static SparseCoupling sparseCoupling(int n, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                if (rnd.nextDouble() < density) {
                    b.add(i, k, uniform(rnd));
                }
            }
        }
        return b.build();
    }

    /** A low-rank coupling s·(A·Bᵀ + B·Aᵀ) minus its diagonal, factors uniform, s = 1/(2√r). */
    public static LowRankCoupling lowRankCoupling(int n, int rank, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n * rank];
        float[] b = new float[n * rank];
        for (int k = 0; k < a.length; k++) {
            a[k] = uniform(rnd);
            b[k] = uniform(rnd);
        }
        return LowRankCoupling.of(n, rank, a, b, 1.0 / (2 * Math.sqrt(Math.max(rank, 1))));
    }

    /** A model with the given coupling, random linear terms and a random offset in [−1, 1). */
    public static BinaryQuadraticModel withCoupling(Vartype vt, Coupling c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] h = linear(c.size(), rnd);
        return BinaryQuadraticModel.of(vt, h, c, uniform(rnd));
    }

    /** A dense random model. */
    public static BinaryQuadraticModel dense(Vartype vt, int n, long seed) {
        return withCoupling(vt, denseCoupling(n, seed), seed);
    }

    /** A sparse random model (pair density {@code density}). */
    public static BinaryQuadraticModel sparse(Vartype vt, int n, double density, long seed) {
        return withCoupling(vt, sparseCoupling(n, density, seed), seed);
    }

    /** A low-rank random model. */
    public static BinaryQuadraticModel lowRank(Vartype vt, int n, int rank, long seed) {
        return withCoupling(vt, lowRankCoupling(n, rank, seed), seed);
    }

    /**
     * A chain E = offset + Σ_i field·z_i + Σ_i coupling·z_i z_{i+1} (sparse coupling).
     *
     * <p>Closed-form optima: SPIN with coupling −1 and field f ≥ 0 (ferromagnetic): all −1, E =
     * −(n−1) − f·n; SPIN with coupling +1 and field 0 (antiferromagnetic): alternating, E = −(n−1);
     * BINARY with coupling −1 and field ½: all 1, E = 1 − n/2 (n ≥ 2); BINARY with coupling +2 and
     * field −1: alternating starting with 1, E = −⌈n/2⌉.
     */
    public static BinaryQuadraticModel chain(Vartype vt, int n, double coupling, double field) {
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i + 1 < n; i++) {
            b.add(i, i + 1, coupling);
        }
        float[] h = new float[n];
        java.util.Arrays.fill(h, (float) field);
        return BinaryQuadraticModel.of(vt, h, b.build(), 0);
    }

    /** A mask over {@code tokens} tokens with exactly {@code masked} masked ones (seeded). */
    public static boolean[] mask(int tokens, int masked, long seed) {
        if (masked > tokens) {
            throw new IllegalArgumentException(masked + " masked tokens out of " + tokens);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] m = new boolean[tokens];
        int left = masked;
        while (left > 0) {
            int i = rnd.nextInt(tokens);
            if (!m[i]) {
                m[i] = true;
                left--;
            }
        }
        return m;
    }

    /**
     * A random attention problem: per-head couplings (dense, or low-rank of rank 2 when {@code
     * lowRank}), random linear terms, optionally a random diagonal, the given mask (or none when
     * null), coupling weight 1, linear weight 0.7 and penalty weight 0.4.
     */
    public static AttentionProblem attention(
            int heads,
            int tokens,
            int bits,
            boolean[] mask,
            boolean lowRank,
            boolean diagonal,
            long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, bits);
        for (int t = 0; t < heads; t++) {
            long s = rnd.nextLong();
            b.coupling(t, lowRank ? lowRankCoupling(tokens, 2, s) : denseCoupling(tokens, s));
            b.linear(t, linear(tokens, rnd));
            if (diagonal) {
                b.diagonal(t, linear(tokens, rnd));
            }
        }
        if (mask != null) {
            b.mask(mask);
        }
        return b.couplingWeight(1).linearWeight(0.7).penaltyWeight(0.4).build();
    }

    /** A random valid state of {@code problem} (masked bits 0). */
    public static byte[] state(dev.qama.core.model.Problem problem, SplittableRandom rnd) {
        int n = problem.numVariables();
        Vartype vt = problem.vartype();
        byte[] z = new byte[n];
        for (int i = 0; i < n; i++) {
            z[i] = problem.isFree(i) && rnd.nextBoolean() ? vt.high() : vt.low();
        }
        return z;
    }
}
