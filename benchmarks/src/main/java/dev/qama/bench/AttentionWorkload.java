package dev.qama.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.formulation.Formulation;
import dev.qama.core.formulation.PaperV1Formulation;
import dev.qama.core.formulation.PaperV2Formulation;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded attention problems as a QAMA layer produces them at initialisation: token vectors X ~ N(0,
 * 1) of width D = H·d, a LayerNorm over each token (no affine), bias-free projections W_q, W_k, W_v
 * with entries ~ N(0, 1/D), split into H heads of width d, and a value-importance vector e ~ N(0,
 * 1) (paper-v2). The benchmark of issue 3 (B = 128, H = 8, N = 49, d = 8) uses exactly this.
 */
public final class AttentionWorkload {
    private AttentionWorkload() {}

    /** Which formulation and its shape parameters. */
    public record Spec(
            String formulation,
            int batch,
            int heads,
            int tokens,
            int dim,
            int bits,
            CouplingForm form) {
        /** Validates the sizes. */
        public Spec {
            if (!formulation.equals("paper-v1") && !formulation.equals("paper-v2")) {
                throw new IllegalArgumentException(
                        "formulation must be paper-v1 or paper-v2, got " + formulation);
            }
            if (batch < 1 || heads < 1 || tokens < 1 || dim < 1 || bits < 1) {
                throw new IllegalArgumentException(
                        "batch, heads, tokens, dim and bits must be >= 1, got B="
                                + batch
                                + " H="
                                + heads
                                + " N="
                                + tokens
                                + " d="
                                + dim
                                + " q="
                                + bits);
            }
            if (formulation.equals("paper-v2") && bits != 1) {
                throw new IllegalArgumentException("paper-v2 has one bit per token, got q=" + bits);
            }
        }
    }

    /** The B problems of one forward pass. */
    public static List<AttentionProblem> problems(Spec spec, long seed) {
        int b = spec.batch();
        int h = spec.heads();
        int n = spec.tokens();
        int d = spec.dim();
        int width = h * d;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] w = new float[3][width * width];
        for (float[] m : w) {
            for (int k = 0; k < m.length; k++) {
                m[k] = (float) (rnd.nextGaussian() / Math.sqrt(width));
            }
        }
        float[] q = new float[b * h * n * d];
        float[] k = new float[q.length];
        float[] v = new float[q.length];
        double[] x = new double[width];
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < n; i++) {
                double mean = 0;
                for (int c = 0; c < width; c++) {
                    x[c] = rnd.nextGaussian();
                    mean += x[c];
                }
                mean /= width;
                double var = 0;
                for (int c = 0; c < width; c++) {
                    var += (x[c] - mean) * (x[c] - mean);
                }
                double inv = 1 / Math.sqrt(var / width + 1e-5);
                for (int c = 0; c < width; c++) {
                    x[c] = (x[c] - mean) * inv;
                }
                for (int out = 0; out < width; out++) {
                    double sq = 0;
                    double sk = 0;
                    double sv = 0;
                    for (int c = 0; c < width; c++) {
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
        Formulation f;
        if (spec.formulation().equals("paper-v2")) {
            float[] e = new float[d];
            for (int a = 0; a < d; a++) {
                e[a] = (float) rnd.nextGaussian();
            }
            f = PaperV2Formulation.builder().valueImportance(e).couplingForm(spec.form()).build();
        } else {
            f = PaperV1Formulation.builder().bits(spec.bits()).build();
        }
        return f.buildAll(in);
    }
}
