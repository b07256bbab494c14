package dev.qama.core.formulation;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.DenseCoupling;
import java.util.Arrays;

/**
 * The paper-v1 formulation of QAMA (Du, Shi et al., arXiv 2504.11083 v1; read from the authors'
 * code, github.com/Dxee-e/QAMA): Jensen–Shannon couplings, entropy linear terms, q soft-selection
 * bits per (head, token) and a multi-head penalty, plus an optional long-range term of this
 * library's own design.
 *
 * <p>For batch element b and head t, with p_i = softmax(Q_t,i), r_j = softmax(K_t,j), σ_i =
 * softmax(V_t,i) (softmax over the d components) and w_t,i = Σ_k u_k x_t,i,k the soft-selection
 * weight (u_k = 2^k/(2^q−1)):
 *
 * <pre>
 *   J_t,ij = 1 − JSD(p_i ‖ r_j)   (SIMILARITY, default)   or   JSD(p_i ‖ r_j)   (DIVERGENCE)
 *   h_t,i  = H₂(σ_i) = − Σ_a σ_i,a log₂ σ_i,a
 *   E(x)   = − c_J Σ_t Σ_{i,j} J_t,ij w_t,i w_t,j − c_h Σ_t Σ_i h_t,i w_t,i
 *            − γ Σ_t Σ_{i≠j} (|i−j|/(N−1)) w_t,i w_t,j
 *            + (λ_MH / P) Σ_{t&lt;t'} Σ_i Σ_k x_t,i,k x_t',i,k,     P = H(H−1)/2
 * </pre>
 *
 * with JSD in bits (∈ [0, 1]). Defaults q = 4, c_J = 1, c_h = 1, λ_MH = 2, γ = 0, SIMILARITY. The
 * penalty weight is 0 when H = 1 (the authors' code divides by zero there).
 *
 * <p>Deviations from the authors' code, all deliberate (docs/math.md): (1) the default coupling is
 * 1 − JSD, a similarity, because the raw divergence with the energy's minus sign rewards selecting
 * dissimilar query/key pairs ({@link V1CouplingMode#DIVERGENCE} keeps the original); (2) the linear
 * term is the entropy of softmax(V_i), well defined for any real V, instead of the entropy of
 * clamp(V/ΣV), which is not a distribution for real-valued V; (3) the long-range term (γ) was never
 * published and is ours: it rewards selections spread over distant positions; (4) no learnable
 * BatchNorm of J and h (that belongs to the layer, not to the QUBO).
 *
 * <p>Mapping to {@link AttentionProblem}: J is not symmetric and has a diagonal, so the problem
 * gets C_t = (J_t + J_tᵀ)/2 without its diagonal plus (γ/c_J)·L with L_ij = |i−j|/(N−1), the
 * diagonal D_t,i = J_t,ii, coupling weight a = c_J, linear weight b = c_h and penalty weight ρ =
 * λ_MH/P. Its energy −a[wᵀC w + Σ D w²] − b hᵀw + penalty equals E above.
 *
 * <p>Gradient ({@link #gradient}): {@link AttentionGradient#dCoupling()} is ∂E/∂J_t for the raw J
 * (diagonal included): −c_J w_i w_j (with token weights g: −c_J w_i w_j (g_i + g_j)/2). There is no
 * value importance: {@link AttentionGradient#dValueImportance()} is null.
 */
public final class PaperV1Formulation implements Formulation {
    private static final String NAME = "paper-v1";
    private static final double INV_LN2 = 1.0 / Math.log(2);

    private final int bits;
    private final double couplingScale;
    private final double linearScale;
    private final double multiHeadPenalty;
    private final double longRangeWeight;
    private final V1CouplingMode couplingMode;

    private PaperV1Formulation(Builder bd) {
        this.bits = bd.bits;
        this.couplingScale = bd.couplingScale;
        this.linearScale = bd.linearScale;
        this.multiHeadPenalty = bd.multiHeadPenalty;
        this.longRangeWeight = bd.longRangeWeight;
        this.couplingMode = bd.couplingMode;
    }

    /** A builder with the paper's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int bits() {
        return bits;
    }

    /** c_J. */
    public double couplingScale() {
        return couplingScale;
    }

    /** c_h. */
    public double linearScale() {
        return linearScale;
    }

    /** λ_MH. */
    public double multiHeadPenalty() {
        return multiHeadPenalty;
    }

    /** γ. */
    public double longRangeWeight() {
        return longRangeWeight;
    }

    /** The coupling mode. */
    public V1CouplingMode couplingMode() {
        return couplingMode;
    }

    /** The penalty weight ρ = λ_MH / (H(H−1)/2), or 0 when H ≤ 1. */
    public double penaltyWeight(int heads) {
        if (heads <= 1) {
            return 0.0;
        }
        return multiHeadPenalty / (heads * (heads - 1) / 2.0);
    }

    /** The long-range distance factor L_ij = |i−j|/(N−1) (0 when N ≤ 1). */
    static double distance(int i, int j, int tokens) {
        return tokens <= 1 ? 0.0 : Math.abs(i - j) / (double) (tokens - 1);
    }

    @Override
    public AttentionProblem build(AttentionInputs in, int b) {
        Formulations.checkBuildable(in, b, NAME);
        int heads = in.heads();
        int n = in.tokens();
        int d = in.dim();
        Formulations.checkDenseSize(
                (long) n * n, NAME, "the dense N×N coupling of one head (N = " + n + ")");
        Rows p = new Rows(n, d);
        Rows r = new Rows(n, d);
        Rows sigma = new Rows(n, d);
        double[] logm = new double[d];
        double[] jm = new double[n * n];
        double lr = longRangeWeight == 0 ? 0 : longRangeWeight / couplingScale;
        AttentionProblem.Builder pb = AttentionProblem.builder(heads, n, bits);
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(b, t);
            p.fill(in.q(), off);
            r.fill(in.k(), off);
            sigma.fill(in.v(), off);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    jm[i * n + j] = coupling(jsdBits(p, i, r, j, logm));
                }
            }
            float[] c = new float[n * n];
            float[] diag = new float[n];
            for (int i = 0; i < n; i++) {
                diag[i] = (float) jm[i * n + i];
                for (int j = i + 1; j < n; j++) {
                    float v =
                            (float)
                                    (0.5 * (jm[i * n + j] + jm[j * n + i])
                                            + lr * distance(i, j, n));
                    c[i * n + j] = v;
                    c[j * n + i] = v;
                }
            }
            float[] h = new float[n];
            for (int i = 0; i < n; i++) {
                h[i] = (float) sigma.entropy[i];
            }
            pb.coupling(t, DenseCoupling.ofSymmetric(n, c)).diagonal(t, diag).linear(t, h);
        }
        return pb.couplingWeight(couplingScale)
                .linearWeight(linearScale)
                .penaltyWeight(penaltyWeight(heads))
                .mask(in.maskOf(b))
                .build();
    }

    /** J from the JS divergence, by the coupling mode. */
    private double coupling(double jsd) {
        return couplingMode == V1CouplingMode.SIMILARITY ? 1.0 - jsd : jsd;
    }

    @Override
    public AttentionGradient gradient(AttentionInputs in, int b, byte[] x) {
        return gradient(in, b, x, null);
    }

    @Override
    public AttentionGradient gradient(AttentionInputs in, int b, byte[] x, double[] tokenWeights) {
        Formulations.checkBuildable(in, b, NAME);
        int heads = in.heads();
        int n = in.tokens();
        int d = in.dim();
        double[] w = Formulations.weights(in, b, bits, x);
        double[] tw = Formulations.tokenWeights(tokenWeights, heads, n);
        double ca = couplingScale;
        double cb = linearScale;
        // dJSD = ∂E/∂JSD = (∂E/∂J)(∂J/∂JSD), ∂J/∂JSD = −1 (SIMILARITY) or +1 (DIVERGENCE)
        double jsdSign = couplingMode == V1CouplingMode.SIMILARITY ? -1.0 : 1.0;
        double[] dq = new double[heads * n * d];
        double[] dk = new double[heads * n * d];
        double[] dv = new double[heads * n * d];
        double[] dh = new double[heads * n];
        Rows p = new Rows(n, d);
        Rows r = new Rows(n, d);
        Rows sigma = new Rows(n, d);
        double[] logm = new double[d];
        double[] gp = new double[n * d]; // ∂E/∂p_i
        double[] gr = new double[n * d]; // ∂E/∂r_j
        double energy = 0;
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(b, t);
            int go = t * n * d;
            int wo = t * n;
            Arrays.fill(gp, 0);
            Arrays.fill(gr, 0);
            p.fill(in.q(), off);
            r.fill(in.k(), off);
            // with g_ij = (g_i + g_j)/2 (1 when unweighted):
            double quad = 0; // Σ_{i,j} J_ij w_i w_j g_ij
            double far = 0; // Σ_{i≠j} L_ij w_i w_j g_ij
            for (int i = 0; i < n; i++) {
                double wi = w[wo + i];
                if (wi == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double wj = w[wo + j];
                    if (wj == 0) {
                        continue;
                    }
                    double jij = coupling(jsdBits(p, i, r, j, logm));
                    double wij = wi * wj * 0.5 * (tw[wo + i] + tw[wo + j]);
                    quad += jij * wij;
                    far += distance(i, j, n) * wij;
                    double g = -ca * wij;
                    double gj = jsdSign * g;
                    // ∂JSD/∂p_a = ½ log₂(p_a/m_a), ∂JSD/∂r_a = ½ log₂(r_a/m_a), m = (p + r)/2
                    double half = 0.5 * gj;
                    for (int a = 0; a < d; a++) {
                        // a zero probability contributes nothing (its softmax backward is 0)
                        if (p.prob[i * d + a] > 0) {
                            gp[i * d + a] += half * (p.log2[i * d + a] - logm[a]);
                        }
                        if (r.prob[j * d + a] > 0) {
                            gr[j * d + a] += half * (r.log2[j * d + a] - logm[a]);
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                softmaxBackward(p.prob, i * d, gp, i * d, d, dq, go + i * d);
                softmaxBackward(r.prob, i * d, gr, i * d, d, dk, go + i * d);
            }
            double lin = 0;
            for (int i = 0; i < n; i++) {
                double wi = w[wo + i];
                if (wi == 0) {
                    continue; // unselected: no gradient (and no −0.0 entries)
                }
                double gw = tw[wo + i] * wi;
                dh[wo + i] = -cb * gw;
                sigma.fillRow(in.v(), off, i);
                double ent = sigma.entropy[i];
                lin += ent * gw;
                // ∂H₂/∂z_c = −σ_c (log₂ σ_c + H₂)
                for (int c = 0; c < d; c++) {
                    double s = sigma.prob[i * d + c];
                    double dz = s > 0 ? -s * (sigma.log2[i * d + c] + ent) : 0.0;
                    dv[go + i * d + c] = -cb * gw * dz;
                }
            }
            energy += -ca * quad - longRangeWeight * far - cb * lin;
        }
        energy += penaltyWeight(heads) * Formulations.penaltyPairs(x, heads, n, bits);
        // ∂E/∂J_ij = −c_J w_i w_j (g_i + g_j)/2, diagonal included, kept as w and g
        return new AttentionGradient(heads, n, d, energy, dq, dk, dv, w, tw, -ca, true, dh, null);
    }

    /**
     * Writes the softmax backward pass into dz[o..o+d): ∂L/∂z_c = p_c (g_c − Σ_a p_a g_a) (entries
     * with p_c = 0 contribute and receive 0).
     */
    private static void softmaxBackward(
            double[] p, int ps, double[] g, int gs, int d, double[] dz, int o) {
        double dot = 0;
        for (int a = 0; a < d; a++) {
            double pa = p[ps + a];
            if (pa > 0) {
                dot += pa * g[gs + a];
            }
        }
        for (int c = 0; c < d; c++) {
            double pc = p[ps + c];
            dz[o + c] = pc > 0 ? pc * (g[gs + c] - dot) : 0.0;
        }
    }

    /**
     * JSD(p_i ‖ r_j) in bits = H₂(m) − (H₂(p_i) + H₂(r_j))/2 with m = (p_i + r_j)/2, clamped to [0,
     * 1] against rounding; leaves log₂ m_a in {@code logm} (0 where m_a = 0) for the gradient. One
     * logarithm per component.
     */
    private static double jsdBits(Rows p, int i, Rows r, int j, double[] logm) {
        int d = p.dim;
        double hm = 0;
        for (int a = 0; a < d; a++) {
            double m = 0.5 * (p.prob[i * d + a] + r.prob[j * d + a]);
            if (m > 0) {
                double lm = Math.log(m) * INV_LN2;
                logm[a] = lm;
                hm -= m * lm;
            } else {
                logm[a] = 0;
            }
        }
        double jsd = hm - 0.5 * (p.entropy[i] + r.entropy[j]);
        return Math.min(1.0, Math.max(0.0, jsd));
    }

    /**
     * Row-wise softmax of an N×d block with log₂ of each probability (0 where it underflows to 0)
     * and each row's entropy in bits.
     */
    private static final class Rows {
        final int tokens;
        final int dim;
        final double[] prob;
        final double[] log2;
        final double[] entropy;

        Rows(int tokens, int dim) {
            this.tokens = tokens;
            this.dim = dim;
            this.prob = new double[tokens * dim];
            this.log2 = new double[tokens * dim];
            this.entropy = new double[tokens];
        }

        /** All rows of the block starting at z[off]. */
        void fill(float[] z, int off) {
            for (int i = 0; i < tokens; i++) {
                fillRow(z, off, i);
            }
        }

        /** Row i of the block starting at z[off]. */
        void fillRow(float[] z, int off, int i) {
            int s = off + i * dim;
            int o = i * dim;
            double max = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < dim; a++) {
                max = Math.max(max, z[s + a]);
            }
            double sum = 0;
            for (int a = 0; a < dim; a++) {
                double e = Math.exp(z[s + a] - max);
                prob[o + a] = e;
                sum += e;
            }
            double logSum = Math.log(sum);
            double h = 0;
            for (int a = 0; a < dim; a++) {
                double pa = prob[o + a] / sum;
                prob[o + a] = pa;
                // log p_a = (z_a − max) − log Σ, exact even where p_a underflows
                double l = pa > 0 ? ((z[s + a] - max) - logSum) * INV_LN2 : 0.0;
                log2[o + a] = l;
                h -= pa * l;
            }
            entropy[i] = h;
        }
    }

    @Override
    public String toString() {
        return NAME
                + "[q="
                + bits
                + ", c_J="
                + couplingScale
                + ", c_h="
                + linearScale
                + ", λ_MH="
                + multiHeadPenalty
                + ", γ="
                + longRangeWeight
                + ", "
                + couplingMode
                + "]";
    }

    /** Coefficients of {@link PaperV1Formulation}; defaults as in the paper's code. */
    public static final class Builder {
        private int bits = 4;
        private double couplingScale = 1.0;
        private double linearScale = 1.0;
        private double multiHeadPenalty = 2.0;
        private double longRangeWeight = 0.0;
        private V1CouplingMode couplingMode = V1CouplingMode.SIMILARITY;

        private Builder() {}

        /** q, the soft-selection bits per (head, token), in [1, 16] (default 4). */
        public Builder bits(int q) {
            AttentionProblem.bitWeights(q); // validates
            this.bits = q;
            return this;
        }

        /** c_J, the coupling scale (default 1); finite. */
        public Builder couplingScale(double cj) {
            this.couplingScale = Formulations.finite(cj, "coupling scale c_J");
            return this;
        }

        /** c_h, the linear scale (default 1); finite. */
        public Builder linearScale(double ch) {
            this.linearScale = Formulations.finite(ch, "linear scale c_h");
            return this;
        }

        /** λ_MH, the multi-head penalty (default 2; ρ = λ_MH / (H(H−1)/2)); finite, ≥ 0. */
        public Builder multiHeadPenalty(double lambda) {
            this.multiHeadPenalty =
                    Formulations.finiteNonNegative(lambda, "multi-head penalty λ_MH");
            return this;
        }

        /**
         * γ, the weight of this library's long-range term −γ Σ_t Σ_{i≠j} (|i−j|/(N−1)) w_i w_j
         * (default 0 = off); finite, ≥ 0. Needs c_J &gt; 0, since it is folded into the coupling.
         */
        public Builder longRangeWeight(double gamma) {
            this.longRangeWeight = Formulations.finiteNonNegative(gamma, "long-range weight γ");
            return this;
        }

        /** How J is derived from the JS divergence (default {@link V1CouplingMode#SIMILARITY}). */
        public Builder couplingMode(V1CouplingMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("v1 coupling mode is null");
            }
            this.couplingMode = mode;
            return this;
        }

        /**
         * Builds the formulation.
         *
         * @throws IllegalArgumentException if γ &gt; 0 and c_J ≤ 0
         */
        public PaperV1Formulation build() {
            if (longRangeWeight > 0 && !(couplingScale > 0)) {
                throw new IllegalArgumentException(
                        "long-range weight γ = "
                                + longRangeWeight
                                + " needs a coupling scale c_J > 0 (it is folded into the"
                                + " coupling as γ/c_J), got c_J = "
                                + couplingScale);
            }
            return new PaperV1Formulation(this);
        }
    }
}
