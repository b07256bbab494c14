package dev.qama.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.Formulation;
import dev.qama.djl.QamaAttentionBlock;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded attention problems as a QAMA layer produces them at initialisation, in two recipes:
 *
 * <ul>
 *   <li>{@link Init#PROJECT} (this project's layer; the benchmark of issue 3, B = 128, H = 8, N =
 *       49, d = 8): token vectors X ~ N(0, 1) of width D = H·d, a LayerNorm over each token (no
 *       affine), bias-free projections W_q, W_k, W_v with entries ~ N(0, 1/D), split into H heads
 *       of width d, and a value-importance vector e ~ N(0, 1) (paper-v2).
 *   <li>{@link Init#TORCH} (the authors' layer as their code builds it, {@code --workload authors}:
 *       D = 256, d = 32): X ~ N(0, 1) of width D, LayerNorm per token (at initialisation its affine
 *       is the identity), then PyTorch's default {@code nn.Linear(D, H·d)} for Q, K and V: weights
 *       and biases ~ U(−1/√D, 1/√D) (kaiming-uniform with a = √5), and e ~ N(0, 1).
 * </ul>
 */
public final class AttentionWorkload {
    private AttentionWorkload() {}

    /** How the projections are initialised (see the class javadoc). */
    public enum Init {
        /** Bias-free, W ~ N(0, 1/D): this project's layer. */
        PROJECT,
        /** PyTorch's default Linear: W, b ~ U(−1/√D, 1/√D): the authors' layer. */
        TORCH
    }

    /**
     * Which formulation and its shape parameters.
     *
     * @param formulation a name {@link QamaAttentionBlock.Formulation#parse} accepts; kept as its
     *     CLI name ({@code paper-v1}, {@code paper-v2})
     * @param model D, the width of the tokens before the projections (the project's layer: H·d)
     * @param init how the projections are initialised
     */
    public record Spec(
            String formulation,
            int batch,
            int heads,
            int tokens,
            int dim,
            int bits,
            CouplingForm form,
            int model,
            Init init) {
        /** This project's workload: D = H·d, {@link Init#PROJECT}. */
        public Spec(
                String formulation,
                int batch,
                int heads,
                int tokens,
                int dim,
                int bits,
                CouplingForm form) {
            this(formulation, batch, heads, tokens, dim, bits, form, heads * dim, Init.PROJECT);
        }

        /** Validates the sizes. */
        public Spec {
            QamaAttentionBlock.Formulation kind = QamaAttentionBlock.Formulation.parse(formulation);
            formulation = kind.cliName();
            if (batch < 1 || heads < 1 || tokens < 1 || dim < 1 || bits < 1 || model < 1) {
                throw new IllegalArgumentException(
                        "batch, heads, tokens, dim, bits and model width must be >= 1, got B="
                                + batch
                                + " H="
                                + heads
                                + " N="
                                + tokens
                                + " d="
                                + dim
                                + " q="
                                + bits
                                + " D="
                                + model);
            }
            if (kind == QamaAttentionBlock.Formulation.PAPER_V2 && bits != 1) {
                throw new IllegalArgumentException("paper-v2 has one bit per token, got q=" + bits);
            }
            if (init == null) {
                throw new IllegalArgumentException("init is null");
            }
        }
    }

    /** The B problems of one forward pass. */
    public static List<AttentionProblem> problems(Spec spec, long seed) {
        int b = spec.batch();
        int h = spec.heads();
        int n = spec.tokens();
        int d = spec.dim();
        int width = h * d; // projected width
        int dm = spec.model(); // input width
        boolean torch = spec.init() == Init.TORCH;
        SplittableRandom rnd = new SplittableRandom(seed);
        double bound = 1 / Math.sqrt(dm);
        float[][] w = new float[3][dm * width];
        for (float[] m : w) {
            for (int k = 0; k < m.length; k++) {
                m[k] =
                        (float)
                                (torch
                                        ? (2 * rnd.nextDouble() - 1) * bound
                                        : rnd.nextGaussian() / Math.sqrt(dm));
            }
        }
        float[][] bias = new float[3][width];
        if (torch) {
            for (float[] bv : bias) {
                for (int k = 0; k < width; k++) {
                    bv[k] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
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
                    double sq = bias[0][out];
                    double sk = bias[1][out];
                    double sv = bias[2][out];
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
        QamaAttentionBlock.Formulation kind =
                QamaAttentionBlock.Formulation.parse(spec.formulation());
        float[] e = null;
        if (kind.learnsValueImportance()) {
            e = new float[d];
            for (int a = 0; a < d; a++) {
                e[a] = (float) rnd.nextGaussian();
            }
        }
        Formulation f = kind.coreFormulation(spec.bits(), spec.form(), e);
        return f.buildAll(in);
    }
}
