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
    private final double[] dCoupling;
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
            double[] dCoupling,
            double[] dLinear,
            double[] dValueImportance) {
        this.heads = heads;
        this.tokens = tokens;
        this.dim = dim;
        this.energy = energy;
        this.dq = dq;
        this.dk = dk;
        this.dv = dv;
        this.dCoupling = dCoupling;
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

    /** ∂E/∂J for the formulation's raw coupling matrix J of each head, [H, N, N]. */
    public double[] dCoupling() {
        return dCoupling;
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
