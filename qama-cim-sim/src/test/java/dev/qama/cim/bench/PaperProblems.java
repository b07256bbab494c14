package dev.qama.cim.bench;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Benchmark inputs: paper-v2-like attention batches and G-set graphs (rudy format). */
public final class PaperProblems {
    private PaperProblems() {}

    /**
     * B attention problems of the paper's vision configuration, paper-v2 formulation: X ~ N(0, 1)
     * (N×D, D = H·d), LayerNorm per token, bias-free projections W ~ N(0, 1/D), J_t = (Q_t K_tᵀ +
     * K_t Q_tᵀ)/(2√d) without diagonal (low-rank), h_{t,i} = mean_a(V_{t,i,a}·e_a) with e ~ N(0,
     * 1), linear weight c_l·N (c_l = 0.16), coupling weight 1, penalty c_p·√(2/π)·N/(H − 1) (c_p =
     * 0.8).
     */
    public static List<AttentionProblem> paperV2(
            int batch, int heads, int tokens, int d, long seed) {
        Random rnd = new Random(seed);
        int dm = heads * d;
        float[] wq = normal(dm * dm, 1 / Math.sqrt(dm), rnd);
        float[] wk = normal(dm * dm, 1 / Math.sqrt(dm), rnd);
        float[] wv = normal(dm * dm, 1 / Math.sqrt(dm), rnd);
        float[] e = normal(d, 1, rnd);
        double rho = heads > 1 ? 0.8 * Math.sqrt(2 / Math.PI) * tokens / (heads - 1) : 0;
        List<AttentionProblem> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            float[] x = normal(tokens * dm, 1, rnd);
            layerNorm(x, tokens, dm);
            float[] q = matmul(x, wq, tokens, dm, dm);
            float[] k = matmul(x, wk, tokens, dm, dm);
            float[] v = matmul(x, wv, tokens, dm, dm);
            AttentionProblem.Builder pb = AttentionProblem.builder(heads, tokens, 1);
            for (int t = 0; t < heads; t++) {
                float[] qt = new float[tokens * d];
                float[] kt = new float[tokens * d];
                float[] h = new float[tokens];
                for (int i = 0; i < tokens; i++) {
                    double acc = 0;
                    for (int a = 0; a < d; a++) {
                        qt[i * d + a] = q[i * dm + t * d + a];
                        kt[i * d + a] = k[i * dm + t * d + a];
                        acc += v[i * dm + t * d + a] * e[a];
                    }
                    h[i] = (float) (acc / d);
                }
                pb.coupling(t, LowRankCoupling.of(tokens, d, qt, kt, 1 / (2 * Math.sqrt(d))));
                pb.linear(t, h);
            }
            out.add(pb.couplingWeight(1).linearWeight(0.16 * tokens).penaltyWeight(rho).build());
        }
        return out;
    }

    private static float[] normal(int len, double sd, Random rnd) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (sd * rnd.nextGaussian());
        }
        return a;
    }

    private static void layerNorm(float[] x, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            double m = 0;
            for (int c = 0; c < cols; c++) {
                m += x[i * cols + c];
            }
            m /= cols;
            double var = 0;
            for (int c = 0; c < cols; c++) {
                double dv = x[i * cols + c] - m;
                var += dv * dv;
            }
            double inv = 1 / Math.sqrt(var / cols + 1e-5);
            for (int c = 0; c < cols; c++) {
                x[i * cols + c] = (float) ((x[i * cols + c] - m) * inv);
            }
        }
    }

    private static float[] matmul(float[] a, float[] b, int n, int k, int m) {
        float[] c = new float[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                for (int j = 0; j < m; j++) {
                    c[i * m + j] += av * b[p * m + j];
                }
            }
        }
        return c;
    }

    /** A G-set graph in rudy format ("n m", then "i j w" 1-based) as J_ij = w (E = Σ w s_i s_j). */
    public record Graph(SparseCoupling coupling, double totalWeight) {
        /** The cut of a spin state: (W − E)/2. */
        public double cut(byte[] spins) {
            return (totalWeight - coupling.pairSum(spins)) / 2;
        }
    }

    /** Reads a rudy-format graph. */
    public static Graph readRudy(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String[] head = r.readLine().trim().split("\\s+");
            int n = Integer.parseInt(head[0]);
            int m = Integer.parseInt(head[1]);
            SparseCoupling.Builder b = SparseCoupling.builder(n);
            double w = 0;
            for (int e = 0; e < m; e++) {
                String[] p = r.readLine().trim().split("\\s+");
                double wt = Double.parseDouble(p[2]);
                b.add(Integer.parseInt(p[0]) - 1, Integer.parseInt(p[1]) - 1, wt);
                w += wt;
            }
            return new Graph(b.build(), w);
        }
    }
}
