package dev.qama.core.formulation;

/**
 * How {@link PaperV2Formulation} stores a head's coupling C_t = (S_t + S_tᵀ)/2 (zero diagonal), S_t
 * = Q_t K_tᵀ/√d.
 *
 * <p>Both forms give the same problem up to float32 rounding. {@link #AUTO} picks one by a cost
 * model, see {@link #resolve(int, int)}.
 */
public enum CouplingForm {
    /** A dense N×N float matrix ({@link dev.qama.core.model.DenseCoupling}). */
    DENSE,
    /**
     * The factored form (Q_t K_tᵀ + K_t Q_tᵀ)/(2√d) minus its diagonal ({@link
     * dev.qama.core.model.LowRankCoupling}, rank ≤ 2d), never of size N².
     */
    LOW_RANK,
    /** {@link #LOW_RANK} or {@link #DENSE} by {@link #resolve(int, int)}. */
    AUTO;

    /**
     * The form {@link #AUTO} resolves to for N tokens and per-head width d: {@link #LOW_RANK} when
     * 4d &lt; N (the rank bound 2d is below half of N), {@link #DENSE} otherwise; other values
     * resolve to themselves.
     *
     * <p>The cost model: a dense head stores N² floats and costs a solver O(1) per flip delta and
     * O(N) per accepted flip (one contiguous row); a low-rank head stores 2Nd floats and costs O(r)
     * = O(2d) per delta and per accepted flip. Over a sweep of N proposals the dense head costs up
     * to O(N²) and the low-rank one O(2dN), so the factored form wins once 2d &lt; N; the extra
     * factor 2 favours dense rows, which vectorise well and need no per-delta dot products. For the
     * paper's ViT (N = 49, d = 8) AUTO is low-rank; for d ≥ N/4 it is dense.
     */
    public CouplingForm resolve(int tokens, int dim) {
        if (this != AUTO) {
            return this;
        }
        return 4L * dim < tokens ? LOW_RANK : DENSE;
    }
}
