package dev.qama.cim.sa;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Seeded problem generators, a brute-force oracle and a BiqMac reader for the tests. */
final class TestProblems {
    private TestProblems() {}

    /** A dense model with Gaussian h and J (density 1). */
    static BinaryQuadraticModel denseGaussian(Vartype vt, int n, long seed) {
        Random rnd = new Random(seed);
        float[] h = new float[n];
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            h[i] = (float) rnd.nextGaussian();
            for (int k = i + 1; k < n; k++) {
                float v = (float) rnd.nextGaussian();
                j[i * n + k] = v;
                j[k * n + i] = v;
            }
        }
        return BinaryQuadraticModel.of(vt, h, DenseCoupling.ofSymmetric(n, j), 0.5);
    }

    /** A BiqMac-like QUBO: integer entries in [−100, 100], given density, E = xᵀQx. */
    static BinaryQuadraticModel biqmacLike(int n, double density, long seed) {
        Random rnd = new Random(seed);
        float[] q = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = i; k < n; k++) {
                if (rnd.nextDouble() < density) {
                    float v = rnd.nextInt(201) - 100;
                    q[i * n + k] = v;
                    q[k * n + i] = v;
                }
            }
        }
        return BinaryQuadraticModel.fromQuboMatrix(n, q);
    }

    /** A sparse random model: each pair coupled with probability p, ±1 or Gaussian values. */
    static BinaryQuadraticModel sparseRandom(Vartype vt, int n, double p, long seed) {
        Random rnd = new Random(seed);
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                if (rnd.nextDouble() < p) {
                    b.add(i, k, rnd.nextGaussian());
                }
            }
        }
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            h[i] = (float) (0.3 * rnd.nextGaussian());
        }
        return BinaryQuadraticModel.of(vt, h, b.build(), 0);
    }

    /** A large sparse ±1-coupled model: about {@code degree} random neighbours per variable. */
    static BinaryQuadraticModel sparseLarge(Vartype vt, int n, int degree, long seed) {
        Random rnd = new Random(seed);
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < degree / 2; d++) {
                int k = rnd.nextInt(n);
                if (k != i) {
                    b.add(i, k, rnd.nextBoolean() ? 1 : -1);
                }
            }
        }
        return BinaryQuadraticModel.of(vt, new float[n], b.build(), 0);
    }

    /** A low-rank model s·(ABᵀ + BAᵀ) − diag with Gaussian factors and fields. */
    static BinaryQuadraticModel lowRank(Vartype vt, int n, int r, long seed) {
        Random rnd = new Random(seed);
        float[] a = gaussian(rnd, n * r);
        float[] b = gaussian(rnd, n * r);
        float[] h = gaussian(rnd, n);
        return BinaryQuadraticModel.of(vt, h, LowRankCoupling.of(n, r, a, b, 0.3), -1.0);
    }

    /** The ferromagnetic ±1 chain E = −Σ s_i s_{i+1} (ground energy −(n−1)). */
    static BinaryQuadraticModel ferroChain(int n) {
        SparseCoupling.Builder b = SparseCoupling.builder(n);
        for (int i = 0; i + 1 < n; i++) {
            b.add(i, i + 1, -1.0);
        }
        return BinaryQuadraticModel.of(Vartype.SPIN, new float[n], b.build(), 0);
    }

    static float[] gaussian(Random rnd, int len) {
        float[] out = new float[len];
        for (int k = 0; k < len; k++) {
            out[k] = (float) rnd.nextGaussian();
        }
        return out;
    }

    /**
     * A random attention problem; coupling kind 0 dense, 1 sparse, 2 low-rank (rank 3), per head
     * cycling through {@code kinds}; an optional diagonal; token {@code maskedToken} masked (−1 for
     * none).
     */
    static AttentionProblem randomAttention(
            int heads,
            int tokens,
            int bits,
            int[] kinds,
            boolean diagonal,
            int maskedToken,
            long seed) {
        Random rnd = new Random(seed);
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, bits);
        for (int t = 0; t < heads; t++) {
            int kind = kinds[t % kinds.length];
            Coupling c;
            if (kind == 0) {
                float[] m = new float[tokens * tokens];
                for (int i = 0; i < tokens; i++) {
                    for (int j = i + 1; j < tokens; j++) {
                        float v = (float) rnd.nextGaussian();
                        m[i * tokens + j] = v;
                        m[j * tokens + i] = v;
                    }
                }
                c = DenseCoupling.ofSymmetric(tokens, m);
            } else if (kind == 1) {
                SparseCoupling.Builder sb = SparseCoupling.builder(tokens);
                for (int i = 0; i < tokens; i++) {
                    for (int j = i + 1; j < tokens; j++) {
                        if (rnd.nextDouble() < 0.4) {
                            sb.add(i, j, rnd.nextGaussian());
                        }
                    }
                }
                c = sb.build();
            } else {
                c =
                        LowRankCoupling.of(
                                tokens,
                                3,
                                gaussian(rnd, tokens * 3),
                                gaussian(rnd, tokens * 3),
                                0.4);
            }
            b.coupling(t, c).linear(t, gaussian(rnd, tokens));
            if (diagonal) {
                b.diagonal(t, gaussian(rnd, tokens));
            }
        }
        if (maskedToken >= 0) {
            boolean[] mask = new boolean[tokens];
            mask[maskedToken] = true;
            b.mask(mask);
        }
        return b.couplingWeight(1.0).linearWeight(0.8).penaltyWeight(0.7).build();
    }

    /**
     * The paper-v2 attention problem of one batch element: Q, K, V ∈ R^{N×H·d} ~ N(0, 1), each
     * token vector layer-normalised (zero mean, unit variance over its H·d entries), head t using
     * columns [t·d, (t+1)·d); J_t = (Q_t K_tᵀ + K_t Q_tᵀ)/(2√d) without its diagonal (low-rank,
     * rank d); h_{t,i} = (1/d) Σ_a V_{t,i,a} e_a with e ~ N(0, 1)^d; a = 1, b = 0.16·N, ρ =
     * 0.8·√(2/π)·N/(H − 1); q bits per token.
     */
    static AttentionProblem paperAttention(int heads, int tokens, int d, int q, long seed) {
        Random rnd = new Random(seed);
        int width = heads * d;
        float[][] qkv = new float[3][];
        for (int m = 0; m < 3; m++) {
            float[] x = gaussian(rnd, tokens * width);
            layerNorm(x, tokens, width);
            qkv[m] = x;
        }
        float[] e = gaussian(rnd, d);
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, q);
        for (int t = 0; t < heads; t++) {
            float[] qa = new float[tokens * d];
            float[] ka = new float[tokens * d];
            float[] h = new float[tokens];
            for (int i = 0; i < tokens; i++) {
                double acc = 0;
                for (int c = 0; c < d; c++) {
                    qa[i * d + c] = qkv[0][i * width + t * d + c];
                    ka[i * d + c] = qkv[1][i * width + t * d + c];
                    acc += qkv[2][i * width + t * d + c] * e[c];
                }
                h[i] = (float) (acc / d);
            }
            b.coupling(t, LowRankCoupling.of(tokens, d, qa, ka, 1.0 / (2 * Math.sqrt(d))));
            b.linear(t, h);
        }
        b.couplingWeight(1.0).linearWeight(0.16 * tokens);
        if (heads > 1) {
            b.penaltyWeight(0.8 * Math.sqrt(2 / Math.PI) * tokens / (heads - 1));
        }
        return b.build();
    }

    private static void layerNorm(float[] x, int rows, int width) {
        for (int i = 0; i < rows; i++) {
            double mean = 0;
            for (int c = 0; c < width; c++) {
                mean += x[i * width + c];
            }
            mean /= width;
            double var = 0;
            for (int c = 0; c < width; c++) {
                double dv = x[i * width + c] - mean;
                var += dv * dv;
            }
            var /= width;
            double inv = 1 / Math.sqrt(var + 1e-5);
            for (int c = 0; c < width; c++) {
                x[i * width + c] = (float) ((x[i * width + c] - mean) * inv);
            }
        }
    }

    /**
     * Reads a BiqMac ".sparse" QUBO: first line {@code n m}, then {@code i j q} (1-based; i == j
     * linear). E(x) = xᵀQx with Q symmetric, so an off-diagonal entry contributes 2q to its pair.
     */
    static BinaryQuadraticModel readBiqMac(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] head = lines.get(0).trim().split("\\s+");
        int n = Integer.parseInt(head[0]);
        float[] q = new float[n * n];
        for (int l = 1; l < lines.size(); l++) {
            String line = lines.get(l).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split("\\s+");
            int i = Integer.parseInt(p[0]) - 1;
            int j = Integer.parseInt(p[1]) - 1;
            float v = Float.parseFloat(p[2]);
            q[i * n + j] = v;
            q[j * n + i] = v;
        }
        return BinaryQuadraticModel.fromQuboMatrix(n, q);
    }

    /** The exact minimum energy of a problem (≤ 22 free variables), by Gray-code enumeration. */
    static double bruteForceMin(Problem p) {
        return bruteForce(p).energy;
    }

    record Exact(byte[] state, double energy) {}

    static Exact bruteForce(Problem p) {
        if (p instanceof AttentionProblem ap) {
            AttentionProblem.FreeModel fm = ap.freeModel(64);
            Exact e = bruteForce(fm.model());
            byte[] full = fm.expand(e.state);
            return new Exact(full, ap.energy(full));
        }
        BinaryQuadraticModel m = (BinaryQuadraticModel) p;
        int n = m.numVariables();
        if (n > 22) {
            throw new IllegalArgumentException("brute force limited to 22 variables, got " + n);
        }
        byte lo = m.vartype().low();
        byte hi = m.vartype().high();
        byte[] z = new byte[n];
        java.util.Arrays.fill(z, lo);
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = m.localField(z, i);
        }
        double e = m.energy(z);
        double bestE = e;
        byte[] best = z.clone();
        for (long g = 1; g < (1L << n); g++) {
            int v = Long.numberOfTrailingZeros(g);
            int dz = lo + hi - 2 * z[v];
            e += f[v] * dz;
            z[v] = (byte) (z[v] + dz);
            for (int k = 0; k < n; k++) {
                f[k] += m.coupling().get(v, k) * dz;
            }
            if (e < bestE) {
                bestE = e;
                best = z.clone();
            }
        }
        return new Exact(best, m.energy(best));
    }

    /** The most negative single-flip energy change of a state (≥ 0 at a 1-flip local minimum). */
    static double bestFlipGain(Problem p, byte[] state) {
        double e0 = p.energy(state);
        double min = Double.POSITIVE_INFINITY;
        for (int v = 0; v < state.length; v++) {
            if (!p.isFree(v)) {
                continue;
            }
            byte[] s = state.clone();
            s[v] = p.vartype().flip(s[v]);
            min = Math.min(min, p.energy(s) - e0);
        }
        return min;
    }
}
