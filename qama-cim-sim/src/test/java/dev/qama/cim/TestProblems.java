package dev.qama.cim;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.io.MaxCutInstance;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.Random;

/** Random test problems and a brute-force oracle. */
public final class TestProblems {
    private TestProblems() {}

    /** A rows × cols 2-D torus with ±1 couplings (a spin glass like G-set's toroidal graphs). */
    public static BinaryQuadraticModel torus(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        int edges = 2 * rows * cols;
        int[] from = new int[edges];
        int[] to = new int[edges];
        double[] w = new double[edges];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int u = r * cols + c;
                for (int v : new int[] {r * cols + (c + 1) % cols, ((r + 1) % rows) * cols + c}) {
                    from[k] = u;
                    to[k] = v;
                    w[k++] = rnd.nextBoolean() ? 1 : -1;
                }
            }
        }
        return MaxCutInstance.of("torus", rows * cols, from, to, w).toIsing();
    }

    /** A dense symmetric zero-diagonal Gaussian coupling. */
    public static DenseCoupling dense(int n, Random rnd) {
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                float v = (float) rnd.nextGaussian();
                j[i * n + k] = v;
                j[k * n + i] = v;
            }
        }
        return DenseCoupling.ofSymmetric(n, j);
    }

    /** A sparse ±1 coupling with about {@code degree} neighbours per row. */
    public static SparseCoupling sparse(int n, int degree, Random rnd) {
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int e = 0; e < n * degree / 2; e++) {
            int i = rnd.nextInt(n);
            int k = rnd.nextInt(n);
            if (i != k) {
                b.add(i, k, rnd.nextBoolean() ? 1 : -1);
            }
        }
        return b.build();
    }

    /** A low-rank coupling with Gaussian factors. */
    public static LowRankCoupling lowRank(int n, int r, Random rnd) {
        float[] a = new float[n * r];
        float[] b = new float[n * r];
        for (int k = 0; k < n * r; k++) {
            a[k] = (float) rnd.nextGaussian();
            b[k] = (float) rnd.nextGaussian();
        }
        return LowRankCoupling.of(n, r, a, b, 1 / (2 * Math.sqrt(r)));
    }

    /** Random linear terms. */
    public static float[] gaussian(int n, double scale, Random rnd) {
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = (float) (scale * rnd.nextGaussian());
        }
        return h;
    }

    /** A random model with a dense coupling and linear terms. */
    public static BinaryQuadraticModel model(Vartype vt, Coupling c, double hScale, Random rnd) {
        return BinaryQuadraticModel.of(vt, gaussian(c.size(), hScale, rnd), c, 0.25);
    }

    /**
     * A random attention problem: low-rank or dense couplings, diagonal when q &gt; 1, penalty,
     * optional mask.
     */
    public static AttentionProblem attention(
            int heads, int tokens, int bits, boolean lowRank, boolean[] mask, Random rnd) {
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, bits);
        for (int t = 0; t < heads; t++) {
            b.coupling(t, lowRank ? lowRank(tokens, 3, rnd) : dense(tokens, rnd));
            b.linear(t, gaussian(tokens, 1.0, rnd));
            if (bits > 1) {
                b.diagonal(t, gaussian(tokens, 0.5, rnd));
            }
        }
        if (mask != null) {
            b.mask(mask);
        }
        return b.couplingWeight(0.8).linearWeight(1.3).penaltyWeight(0.7).build();
    }

    /** The minimum energy over all states with only free variables set (n ≤ 20). */
    public static double bruteForceMinimum(Problem p) {
        int n = p.numVariables();
        if (n > 20) {
            throw new IllegalArgumentException("too many variables for brute force: " + n);
        }
        Vartype vt = p.vartype();
        byte[] z = new byte[n];
        double best = Double.POSITIVE_INFINITY;
        outer:
        for (long mask = 0; mask < (1L << n); mask++) {
            for (int v = 0; v < n; v++) {
                boolean on = ((mask >> v) & 1) != 0;
                if (on && !p.isFree(v)) {
                    continue outer;
                }
                z[v] = on ? vt.high() : vt.low();
            }
            best = Math.min(best, p.energy(z));
        }
        return best;
    }
}
