package dev.qama.core.formulation;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import java.util.Arrays;

/**
 * The paper-v2 formulation of QAMA (Du, Shi et al., arXiv 2504.11083 v2, "Scalable Quantum
 * Annealing Multi-Head Attention Operator"; coefficients as in the authors' code,
 * github.com/Dxee-e/QAMA): one bit x_{t,i} per head t and token i.
 *
 * <p>For batch element b, with Q_t, K_t, V_t the N×d slices of head t:
 *
 * <pre>
 *   S_t   = Q_t K_tᵀ / √d                      (N×N, the raw coupling, not symmetric)
 *   C_t   = (S_t + S_tᵀ)/2 with zero diagonal  (the problem's coupling)
 *   h_t,i = (1/d) Σ_a V_t,i,a e_a              (e ∈ Rᵈ: the value importance, shared by heads)
 *   E(x)  = − c_q Σ_t Σ_{i≠j} C_t,ij x_t,i x_t,j − c_l·N Σ_t Σ_i h_t,i x_t,i
 *           + c_p·√(2/π)·N/(H−1) Σ_{t&lt;t'} Σ_i x_t,i x_t',i
 * </pre>
 *
 * i.e. an {@link AttentionProblem} with q = 1 (more with {@link Builder#bits}, an extension),
 * coupling weight a = c_q, linear weight b = c_l·N and penalty weight ρ = c_p·√(2/π)·N/(H−1) (0
 * when H = 1). Defaults c_q = 1, c_l = 0.16, c_p = 0.8.
 *
 * <p>N in b and ρ is the number of tokens of batch element b that are not masked ({@link
 * AttentionInputs#activeTokens}): padding changes neither the problem's energies nor its minimiser,
 * so a padded sequence gets the same selection as the same sequence alone. Without a mask it is the
 * sequence length, as in the paper.
 *
 * <p>Gradient ({@link #gradient}): of the whole minimised energy, including c_q, c_l·N and the
 * (input-independent) penalty. The authors' code differentiates a per-token energy without c_q and
 * c_l·N; this library deliberately uses the energy the solver minimised (docs/math.md). {@link
 * AttentionGradient#dCoupling()} is ∂E/∂S_t (the raw S before symmetrisation): −c_q x_i x_j for i ≠
 * j and 0 on the diagonal. {@link AttentionGradient#dValueImportance()} is ∂E/∂e.
 *
 * <p>Memory: with {@link CouplingForm#LOW_RANK} couplings (what {@link CouplingForm#AUTO} picks
 * when d ≤ N) building a problem, its energy and the gradient take O(H·N·d) memory: nothing of size
 * N² is allocated, so sequences of any length whose H·N·d values fit in Java arrays can be built
 * and differentiated. Only {@link CouplingForm#DENSE} builds an N×N array per head.
 */
public final class PaperV2Formulation implements Formulation {
    private static final String NAME = "paper-v2";

    private final int bits;
    private final double couplingScale;
    private final double linearScale;
    private final double penaltyScale;
    private final float[] valueImportance;
    private final double[] importance; // e as doubles, converted once for the linear terms
    private final CouplingForm couplingForm;

    private PaperV2Formulation(Builder bd) {
        this.bits = bd.bits;
        this.couplingScale = bd.couplingScale;
        this.linearScale = bd.linearScale;
        this.penaltyScale = bd.penaltyScale;
        this.valueImportance = bd.valueImportance.clone();
        this.importance = new double[valueImportance.length];
        for (int a = 0; a < importance.length; a++) {
            importance[a] = valueImportance[a];
        }
        this.couplingForm = bd.couplingForm;
    }

    /** A builder with the paper's defaults; {@link Builder#valueImportance} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding all of this formulation's settings, e.g. to swap in the current value
     * importance of a layer ({@code f.toBuilder().valueImportance(e).build()}).
     */
    public Builder toBuilder() {
        Builder bd = new Builder();
        bd.bits = bits;
        bd.couplingScale = couplingScale;
        bd.linearScale = linearScale;
        bd.penaltyScale = penaltyScale;
        bd.valueImportance = valueImportance.clone();
        bd.couplingForm = couplingForm;
        return bd;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * q, the soft-selection bits per (head, token): 1 as in the paper unless {@link Builder#bits}
     * set more (w_{t,i} = Σ_k u_k x_{t,i,k} then replaces x_{t,i} in E; the penalty counts bits).
     */
    @Override
    public int bits() {
        return bits;
    }

    /** c_q. */
    public double couplingScale() {
        return couplingScale;
    }

    /** c_l. */
    public double linearScale() {
        return linearScale;
    }

    /** c_p. */
    public double penaltyScale() {
        return penaltyScale;
    }

    /** A copy of e. */
    public float[] valueImportance() {
        return valueImportance.clone();
    }

    /** The configured coupling form (possibly {@link CouplingForm#AUTO}). */
    public CouplingForm couplingForm() {
        return couplingForm;
    }

    /** The coupling weight a = c_q. */
    public double couplingWeight() {
        return couplingScale;
    }

    /** The linear weight b = c_l·N for N (unmasked) tokens. */
    public double linearWeight(int tokens) {
        return linearScale * tokens;
    }

    /** The linear weight b = c_l·N of batch element b of {@code in}, N its unmasked tokens. */
    public double linearWeight(AttentionInputs in, int b) {
        return linearWeight(in.activeTokens(b));
    }

    /**
     * The penalty weight ρ of batch element b of {@code in}: H its heads, N its unmasked tokens.
     */
    public double penaltyWeight(AttentionInputs in, int b) {
        return penaltyWeight(in.heads(), in.activeTokens(b));
    }

    /** The penalty weight ρ = c_p·√(2/π)·N/(H−1) for N (unmasked) tokens, or 0 when H ≤ 1. */
    public double penaltyWeight(int heads, int tokens) {
        if (heads <= 1) {
            return 0.0;
        }
        return penaltyScale * Math.sqrt(2.0 / Math.PI) * tokens / (heads - 1);
    }

    private void checkInputs(AttentionInputs in, int b) {
        Formulations.checkBuildable(in, b, NAME);
        if (valueImportance.length != in.dim()) {
            throw new IllegalArgumentException(
                    "value importance e has length "
                            + valueImportance.length
                            + " but the inputs have per-head width d = "
                            + in.dim());
        }
    }

    @Override
    public AttentionProblem build(AttentionInputs in, int b) {
        checkInputs(in, b);
        int heads = in.heads();
        int n = in.tokens();
        int d = in.dim();
        double invSqrtD = 1.0 / Math.sqrt(d);
        CouplingForm form = couplingForm.resolve(n, d);
        float[] q = in.q();
        float[] k = in.k();
        float[] v = in.v();
        AttentionProblem.Builder pb = AttentionProblem.builder(heads, n, bits);
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(b, t);
            Coupling c =
                    form == CouplingForm.LOW_RANK
                            ? lowRankCoupling(q, k, off, n, d, invSqrtD)
                            : denseCoupling(q, k, off, n, d, invSqrtD);
            pb.coupling(t, c).linear(t, headLinear(v, off, n, d));
        }
        return pb.couplingWeight(couplingWeight())
                .linearWeight(linearWeight(in, b))
                .penaltyWeight(penaltyWeight(in, b))
                .mask(in.maskOf(b))
                .build();
    }

    // The per-head parts of build are methods of their own so that the JIT compiles each loop
    // without the rest: with all loops in build, each got an on-stack-replacement compilation of
    // the whole method (with the problem builder inlined), one to three per qama train run.

    /** A head's coupling in factored form: its rows of Q and K, copied once and handed over. */
    private static Coupling lowRankCoupling(
            float[] q, float[] k, int off, int n, int d, double invSqrtD) {
        // the inputs are finite: AttentionInputs checked them
        return LowRankCoupling.wrap(
                n,
                d,
                Arrays.copyOfRange(q, off, off + n * d),
                Arrays.copyOfRange(k, off, off + n * d),
                0.5 * invSqrtD);
    }

    /** A head's coupling as a dense N×N matrix: C_ij = (Q_i·K_j + Q_j·K_i)/(2√d). */
    private static Coupling denseCoupling(
            float[] q, float[] k, int off, int n, int d, double invSqrtD) {
        Formulations.checkDenseSize(
                (long) n * n,
                NAME,
                "the dense N×N coupling of one head (N = "
                        + n
                        + "; use CouplingForm.LOW_RANK or AUTO for long sequences)");
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            int qi = off + i * d;
            for (int j = i + 1; j < n; j++) {
                int qj = off + j * d;
                double s = 0;
                for (int a = 0; a < d; a++) {
                    s += (double) q[qi + a] * k[qj + a] + (double) q[qj + a] * k[qi + a];
                }
                float cij = (float) (0.5 * invSqrtD * s);
                m[i * n + j] = cij;
                m[j * n + i] = cij;
            }
        }
        return DenseCoupling.ofSymmetric(n, m);
    }

    /**
     * A head's linear terms: h_i = (V_i·e)/d with e the value importance, each sum in order a = 0 …
     * d−1; four rows a pass, whose sums are independent, so that the short loops over a overlap.
     */
    private float[] headLinear(float[] v, int off, int n, int d) {
        double[] e = importance;
        float[] h = new float[n];
        int i = 0;
        for (; i + 3 < n; i += 4) {
            int v0 = off + i * d;
            int v1 = v0 + d;
            int v2 = v1 + d;
            int v3 = v2 + d;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int a = 0; a < d; a++) {
                double ea = e[a];
                s0 += v[v0 + a] * ea;
                s1 += v[v1 + a] * ea;
                s2 += v[v2 + a] * ea;
                s3 += v[v3 + a] * ea;
            }
            h[i] = (float) (s0 / d);
            h[i + 1] = (float) (s1 / d);
            h[i + 2] = (float) (s2 / d);
            h[i + 3] = (float) (s3 / d);
        }
        for (; i < n; i++) {
            int v0 = off + i * d;
            double s0 = 0;
            for (int a = 0; a < d; a++) {
                s0 += v[v0 + a] * e[a];
            }
            h[i] = (float) (s0 / d);
        }
        return h;
    }

    @Override
    public AttentionGradient gradient(AttentionInputs in, int b, byte[] x) {
        return gradient(in, b, x, null);
    }

    @Override
    public AttentionGradient gradient(AttentionInputs in, int b, byte[] x, double[] tokenWeights) {
        checkInputs(in, b);
        int heads = in.heads();
        int n = in.tokens();
        int d = in.dim();
        double[] w = Formulations.weights(in, b, bits, x);
        double[] g = Formulations.tokenWeights(tokenWeights, heads, n);
        double invSqrtD = 1.0 / Math.sqrt(d);
        double ca = couplingWeight();
        double cb = linearWeight(in, b);
        float[] q = in.q();
        float[] k = in.k();
        float[] v = in.v();
        double[] dq = new double[heads * n * d];
        double[] dk = new double[heads * n * d];
        double[] dv = new double[heads * n * d];
        double[] dh = new double[heads * n];
        double[] de = new double[d];
        double[] sq = new double[d]; // Σ_j w_j Q_j
        double[] sk = new double[d]; // Σ_j w_j K_j
        double[] sgq = new double[d]; // Σ_j g_j w_j Q_j
        double[] sgk = new double[d]; // Σ_j g_j w_j K_j
        double energy = 0;
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(b, t);
            int go = t * n * d; // gradient offset of head t
            int wo = t * n;
            Arrays.fill(sq, 0);
            Arrays.fill(sk, 0);
            Arrays.fill(sgq, 0);
            Arrays.fill(sgk, 0);
            double diagSum = 0; // Σ_i g_i w_i² Q_i·K_i
            for (int i = 0; i < n; i++) {
                double wi = w[wo + i];
                if (wi == 0) {
                    continue;
                }
                double gw = g[wo + i] * wi;
                double qk = 0;
                for (int a = 0; a < d; a++) {
                    double qa = q[off + i * d + a];
                    double ka = k[off + i * d + a];
                    sq[a] += wi * qa;
                    sk[a] += wi * ka;
                    sgq[a] += gw * qa;
                    sgk[a] += gw * ka;
                    qk += qa * ka;
                }
                diagSum += gw * wi * qk;
            }
            double dot = 0;
            for (int a = 0; a < d; a++) {
                dot += sgq[a] * sk[a] + sq[a] * sgk[a];
            }
            // Σ_{i≠j} S_ij w_i w_j (g_i + g_j)/2, S_ij = Q_i·K_j/√d (= Σ_{i≠j} C_ij w_i w_j at g ≡
            // 1)
            double quad = 0.5 * (dot - 2 * diagSum) * invSqrtD;
            double lin = 0;
            for (int i = 0; i < n; i++) {
                double wi = w[wo + i];
                if (wi == 0) {
                    continue; // unselected: no gradient (and no −0.0 entries)
                }
                double gi = g[wo + i];
                int row = off + i * d;
                double hi = 0;
                for (int a = 0; a < d; a++) {
                    hi += (double) v[row + a] * valueImportance[a];
                }
                hi /= d;
                lin += gi * hi * wi;
                dh[wo + i] = -cb * gi * wi;
                // ∂F/∂Q_i = Σ_{j≠i} ∂F/∂S_ij K_j/√d
                //         = −(c_q w_i/(2√d)) (g_i Σ_j w_j K_j + Σ_j g_j w_j K_j − 2 g_i w_i K_i)
                double f = -0.5 * ca * wi * invSqrtD;
                double lv = -cb * gi * wi / d;
                for (int a = 0; a < d; a++) {
                    dq[go + i * d + a] = f * (gi * sk[a] + sgk[a] - 2 * gi * wi * k[row + a]);
                    dk[go + i * d + a] = f * (gi * sq[a] + sgq[a] - 2 * gi * wi * q[row + a]);
                    dv[go + i * d + a] = lv * valueImportance[a];
                    de[a] += lv * v[row + a];
                }
            }
            energy += -ca * quad - cb * lin;
        }
        energy += penaltyWeight(in, b) * Formulations.penaltyPairs(x, heads, n, bits);
        // ∂E/∂S_ij = −c_q w_i w_j (g_i + g_j)/2 (i ≠ j), kept as w and g: O(H·N) memory
        return new AttentionGradient(heads, n, d, energy, dq, dk, dv, w, g, -ca, false, dh, de);
    }

    @Override
    public String toString() {
        return NAME
                + "[q="
                + bits
                + ", c_q="
                + couplingScale
                + ", c_l="
                + linearScale
                + ", c_p="
                + penaltyScale
                + ", d="
                + valueImportance.length
                + ", coupling="
                + couplingForm
                + "]";
    }

    /** Coefficients of {@link PaperV2Formulation}; defaults as in the paper's code. */
    public static final class Builder {
        private int bits = 1;
        private double couplingScale = 1.0;
        private double linearScale = 0.16;
        private double penaltyScale = 0.8;
        private float[] valueImportance;
        private CouplingForm couplingForm = CouplingForm.AUTO;

        private Builder() {}

        /**
         * q, the soft-selection bits per (head, token), in [1, 16] (default 1, the paper's choice).
         * An extension used by qama-djl: with q &gt; 1 the energy is the same function of the soft
         * weights w_{t,i} = Σ_k u_k x_{t,i,k}, u_k = 2^k/(2^q − 1).
         */
        public Builder bits(int q) {
            AttentionProblem.bitWeights(q); // validates
            this.bits = q;
            return this;
        }

        /** c_q, the coupling scale (default 1.0); finite. */
        public Builder couplingScale(double cq) {
            this.couplingScale = Formulations.finite(cq, "coupling scale c_q");
            return this;
        }

        /** c_l, the linear scale (default 0.16; the linear weight is c_l·N); finite. */
        public Builder linearScale(double cl) {
            this.linearScale = Formulations.finite(cl, "linear scale c_l");
            return this;
        }

        /**
         * c_p, the penalty scale (default 0.8; the penalty weight is c_p·√(2/π)·N/(H−1)); finite
         * and ≥ 0.
         */
        public Builder penaltyScale(double cp) {
            this.penaltyScale = Formulations.finiteNonNegative(cp, "penalty scale c_p");
            return this;
        }

        /**
         * e, the value-importance vector (length d, finite; copied). Required: in the paper it is a
         * learned parameter of the layer.
         */
        public Builder valueImportance(float[] e) {
            if (e == null) {
                throw new IllegalArgumentException("value importance e is null");
            }
            for (int a = 0; a < e.length; a++) {
                if (!Float.isFinite(e[a])) {
                    throw new IllegalArgumentException(
                            "value importance e[" + a + "] must be finite, got " + e[a]);
                }
            }
            this.valueImportance = e.clone();
            return this;
        }

        /** How couplings are stored (default {@link CouplingForm#AUTO}). */
        public Builder couplingForm(CouplingForm form) {
            if (form == null) {
                throw new IllegalArgumentException("coupling form is null");
            }
            this.couplingForm = form;
            return this;
        }

        /**
         * Builds the formulation.
         *
         * @throws IllegalArgumentException if no value importance was set
         */
        public PaperV2Formulation build() {
            if (valueImportance == null) {
                throw new IllegalArgumentException(
                        "paper-v2 needs a value importance vector e (length d): call"
                                + " valueImportance(e)");
            }
            return new PaperV2Formulation(this);
        }
    }
}
