package dev.qama.core.formulation;

/**
 * The gradient of an attention problem's energy E(x) at a fixed state x, for one batch element.
 *
 * <p>E is the whole energy the solver minimised (couplings, linear terms and the multi-head
 * penalty, which does not depend on Q, K, V), or the token-weighted objective F_g of {@link
 * Formulation#gradient(AttentionInputs, int, byte[], double[])}. Layouts: {@link #dQ()}, {@link
 * #dK()}, {@link #dV()} are [H, N, d] row-major like one batch element of {@link AttentionInputs};
 * {@link #dCoupling()} is [H, N, N] and {@link #dLinear()} is [H, N]. Which raw coupling matrix
 * {@link #dCoupling()} refers to is fixed by the formulation (see {@link PaperV1Formulation} and
 * {@link PaperV2Formulation}).
 *
 * <p>∂E/∂J has rank one per head in both formulations, −c·w_i w_j (g_i + g_j)/2 (with token weights
 * g, else g ≡ 1), so it is kept in that form: {@link #dCoupling(int, int, int)} reads one entry in
 * O(1), and the dense [H, N, N] array of {@link #dCoupling()} is only built when asked for. A
 * gradient therefore takes O(H·N·d) memory however long the sequence.
 *
 * <p>The arrays are returned without copying: the object is a plain carrier handed to the caller.
 */
public final class AttentionGradient {
    private final int heads;
    private final int tokens;
    private final int dim;
    private final double energy;
    private final double[] dq;
    private final double[] dk;
    private final double[] dv;
    private final double[] w; // [H, N] selection weights
    private final double[] g; // [H, N] token weights
    private final double couplingFactor; // ∂E/∂J_ij = couplingFactor·w_i w_j (g_i + g_j)/2
    private final boolean couplingDiagonal; // whether J has a diagonal that ∂E/∂J covers
    private double[] dCoupling; // built on the first call of dCoupling()
    private final double[] dLinear;
    private final double[] dValueImportance;

    AttentionGradient(
            int heads,
            int tokens,
            int dim,
            double energy,
            double[] dq,
            double[] dk,
            double[] dv,
            double[] w,
            double[] g,
            double couplingFactor,
            boolean couplingDiagonal,
            double[] dLinear,
            double[] dValueImportance) {
        this.heads = heads;
        this.tokens = tokens;
        this.dim = dim;
        this.energy = energy;
        this.dq = dq;
        this.dk = dk;
        this.dv = dv;
        this.w = w;
        this.g = g.clone(); // may be the caller's token weights
        this.couplingFactor = couplingFactor;
        this.couplingDiagonal = couplingDiagonal;
        this.dLinear = dLinear;
        this.dValueImportance = dValueImportance;
    }

    /** H. */
    public int heads() {
        return heads;
    }

    /** N. */
    public int tokens() {
        return tokens;
    }

    /** d. */
    public int dim() {
        return dim;
    }

    /**
     * E(x) evaluated in double precision from the inputs (the problem stores float32 coefficients,
     * so {@code build(in, b).energy(x)} agrees to float tolerance); for a token-weighted gradient
     * ({@link Formulation#gradient(AttentionInputs, int, byte[], double[])}) the weighted objective
     * F_g(x) instead.
     */
    public double energy() {
        return energy;
    }

    /** ∂E/∂Q, [H, N, d]. */
    public double[] dQ() {
        return dq;
    }

    /** ∂E/∂K, [H, N, d]. */
    public double[] dK() {
        return dk;
    }

    /** ∂E/∂V, [H, N, d]. */
    public double[] dV() {
        return dv;
    }

    /**
     * ∂E/∂J for the formulation's raw coupling matrix J of each head, [H, N, N]: built on the first
     * call (H·N² doubles) and then kept. Prefer {@link #dCoupling(int, int, int)} for long
     * sequences.
     *
     * @throws IllegalStateException if H·N² entries do not fit in one Java array
     */
    public synchronized double[] dCoupling() {
        if (dCoupling == null) {
            long size = (long) heads * tokens * tokens;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException(
                        "the dense gradient ∂E/∂J of H="
                                + heads
                                + " heads of N="
                                + tokens
                                + " tokens has H·N² = "
                                + size
                                + " entries and does not fit in one Java array; read entries with"
                                + " dCoupling(head, i, j)");
            }
            double[] out = new double[(int) size];
            for (int t = 0; t < heads; t++) {
                int wo = t * tokens;
                for (int i = 0; i < tokens; i++) {
                    if (w[wo + i] == 0) {
                        continue; // unselected: no gradient (and no −0.0 entries)
                    }
                    for (int j = 0; j < tokens; j++) {
                        if (w[wo + j] != 0 && (couplingDiagonal || j != i)) {
                            out[(wo + i) * tokens + j] = entry(wo, i, j);
                        }
                    }
                }
            }
            dCoupling = out;
        }
        return dCoupling;
    }

    /**
     * One entry ∂E/∂J_{t,ij} of {@link #dCoupling()}, in O(1) and without building the array.
     *
     * @throws IllegalArgumentException if the head or a token index is out of range
     */
    public double dCoupling(int head, int i, int j) {
        if (head < 0 || head >= heads || i < 0 || i >= tokens || j < 0 || j >= tokens) {
            throw new IllegalArgumentException(
                    "dCoupling("
                            + head
                            + ", "
                            + i
                            + ", "
                            + j
                            + ") is out of range: H="
                            + heads
                            + ", N="
                            + tokens);
        }
        int wo = head * tokens;
        if (w[wo + i] == 0 || w[wo + j] == 0 || (!couplingDiagonal && i == j)) {
            return 0.0;
        }
        return entry(wo, i, j);
    }

    private double entry(int wo, int i, int j) {
        return couplingFactor * w[wo + i] * w[wo + j] * 0.5 * (g[wo + i] + g[wo + j]);
    }

    /** ∂E/∂h for the linear terms of each head, [H, N]. */
    public double[] dLinear() {
        return dLinear;
    }

    /** ∂E/∂e for paper-v2's value-importance vector (length d); null for formulations without. */
    public double[] dValueImportance() {
        return dValueImportance;
    }
}
