package dev.qama.core.formulation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import java.util.Random;

/** Seeded inputs, states and finite-difference helpers shared by the formulation tests. */
final class Fixtures {
    private Fixtures() {}

    static float[] gaussian(Random rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * rnd.nextGaussian());
        }
        return x;
    }

    static double[] gaussianDouble(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
        }
        return x;
    }

    /** Random Q, K, V with a mask whose kind is 0 (none), 1 (some tokens) or 2 (all of b = 0). */
    static AttentionInputs inputs(
            long seed, int batch, int heads, int tokens, int dim, int maskKind) {
        Random rnd = new Random(seed);
        int size = batch * heads * tokens * dim;
        boolean[] mask = null;
        if (maskKind == 1) {
            // every third token, shifted per batch element: some masked, some free when N ≥ 3
            mask = new boolean[batch * tokens];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < tokens; i++) {
                    mask[b * tokens + i] = (i + b) % 3 == 1;
                }
            }
        } else if (maskKind == 2) {
            mask = new boolean[batch * tokens];
            for (int i = 0; i < tokens; i++) {
                mask[i] = true;
            }
        }
        return new AttentionInputs(
                batch,
                heads,
                tokens,
                dim,
                gaussian(rnd, size, 1.0),
                gaussian(rnd, size, 1.0),
                gaussian(rnd, size, 1.0),
                mask);
    }

    /** A random state of the problem of batch element b (masked bits 0), density p of ones. */
    static byte[] state(Random rnd, AttentionInputs in, int b, int bits, double p) {
        byte[] x = new byte[in.heads() * in.tokens() * bits];
        for (int t = 0; t < in.heads(); t++) {
            for (int i = 0; i < in.tokens(); i++) {
                for (int k = 0; k < bits; k++) {
                    if (!in.isMasked(b, i) && rnd.nextDouble() < p) {
                        x[(t * in.tokens() + i) * bits + k] = 1;
                    }
                }
            }
        }
        return x;
    }

    /** A copy of the inputs with one entry of Q (0), K (1) or V (2) replaced. */
    static AttentionInputs withEntry(AttentionInputs in, int which, int index, float value) {
        float[] q = in.q();
        float[] k = in.k();
        float[] v = in.v();
        if (which == 0) {
            q = q.clone();
            q[index] = value;
        } else if (which == 1) {
            k = k.clone();
            k[index] = value;
        } else {
            v = v.clone();
            v[index] = value;
        }
        return new AttentionInputs(
                in.batch(), in.heads(), in.tokens(), in.dim(), q, k, v, in.mask());
    }

    /**
     * Central finite differences of E(x) = f.build(in', b).energy(x) for every entry of batch
     * element b of Q (0), K (1) or V (2), in [H, N, d] layout. The denominator is the difference of
     * the perturbed float values actually stored.
     */
    static double[] finiteDifferences(
            Formulation f, AttentionInputs in, int b, byte[] x, int which, double step) {
        return finiteDifferences(f, in, b, x, null, which, step);
    }

    /**
     * The token-weighted objective F = Σ g·tokenEnergies(x) + ρ·penaltyPairs(x) of a problem (E
     * itself when g is null).
     */
    static double objective(AttentionProblem p, byte[] x, double[] g) {
        if (g == null) {
            return p.energy(x);
        }
        double[] h = p.tokenEnergies(x);
        double f = p.penaltyWeight() * p.penaltyPairs(x);
        for (int i = 0; i < h.length; i++) {
            f += g[i] * h[i];
        }
        return f;
    }

    /** As above, for the token-weighted objective (g null: the energy). */
    static double[] finiteDifferences(
            Formulation f,
            AttentionInputs in,
            int b,
            byte[] x,
            double[] g,
            int which,
            double step) {
        int block = in.heads() * in.tokens() * in.dim();
        int base = b * block;
        float[] src = which == 0 ? in.q() : which == 1 ? in.k() : in.v();
        double[] out = new double[block];
        for (int p = 0; p < block; p++) {
            float v0 = src[base + p];
            float up = (float) (v0 + step);
            float down = (float) (v0 - step);
            double eUp = objective(f.build(withEntry(in, which, base + p, up), b), x, g);
            double eDown = objective(f.build(withEntry(in, which, base + p, down), b), x, g);
            out[p] = (eUp - eDown) / ((double) up - down);
        }
        return out;
    }

    static double maxAbs(double[] g) {
        double m = 0;
        for (double v : g) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Asserts |fd − g| ≤ rel·max(|g|, floor·‖g‖∞) + abs for every entry: relative accuracy on
     * entries of normal size, and an error floor for entries much smaller than the largest one
     * (whose finite differences are dominated by float32 rounding of the stored coefficients).
     */
    static void assertClose(double[] analytic, double[] fd, double rel, double abs, String what) {
        assertTrue(analytic.length == fd.length, what + ": length mismatch");
        double scale = maxAbs(analytic);
        for (int p = 0; p < fd.length; p++) {
            double tol = rel * Math.max(Math.abs(analytic[p]), 0.01 * scale) + abs;
            double err = Math.abs(fd[p] - analytic[p]);
            if (err > tol) {
                throw new AssertionError(
                        what
                                + "["
                                + p
                                + "]: analytic "
                                + analytic[p]
                                + " vs finite difference "
                                + fd[p]
                                + " (error "
                                + err
                                + " > tolerance "
                                + tol
                                + ")");
            }
        }
    }

    /** A copy of an attention problem with every term the same (used to perturb one term). */
    static AttentionProblem.Builder copy(AttentionProblem p) {
        AttentionProblem.Builder b = AttentionProblem.builder(p.heads(), p.tokens(), p.bits());
        boolean[] mask = new boolean[p.tokens()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = p.isMasked(i);
        }
        for (int t = 0; t < p.heads(); t++) {
            b.coupling(t, p.coupling(t)).linear(t, p.linear(t));
            if (p.diagonal(t) != null) {
                b.diagonal(t, p.diagonal(t));
            }
        }
        return b.mask(mask)
                .couplingWeight(p.couplingWeight())
                .linearWeight(p.linearWeight())
                .penaltyWeight(p.penaltyWeight());
    }
}
