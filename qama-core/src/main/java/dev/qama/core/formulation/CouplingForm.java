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
     * d ≤ N, {@link #DENSE} otherwise (very short sequences with wide heads); other values resolve
     * to themselves.
     *
     * <p>Measured, not modelled: by multiply–adds a dense product J·x (N²) beats the factored one
     * (4Nd) whenever N &lt; 8d, but the dense form also has to be built on the host (N²·d per head)
     * and the simulated-bifurcation backends run factored one-bit heads through a fused vector
     * kernel. In {@code AttentionBlockBenchmark} (SELECTED_KEYS, {@code sb}, q = 1;
     * docs/benchmarks.md "Coupling form") the block's forward pass with LOW_RANK took half the time
     * of DENSE at (N, d) = (49, 8), (64, 16), (32, 16) and (16, 8), two thirds at (16, 16), and
     * DENSE won only at (8, 16) and (4, 16), by about 20 %. The rule also keeps memory at 2Nd
     * floats per head instead of N².
     */
    public CouplingForm resolve(int tokens, int dim) {
        if (this != AUTO) {
            return this;
        }
        return dim <= tokens ? LOW_RANK : DENSE;
    }

    /** The form's name in options and on the command line: auto, dense or low-rank. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The form with this {@link #optionName()} (case-insensitive; {@code low_rank} is accepted).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static CouplingForm parse(String name) {
        if (name != null) {
            String n = name.trim().replace('_', '-');
            for (CouplingForm f : values()) {
                if (f.optionName().equalsIgnoreCase(n)) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException(
                "coupling form '" + name + "' is not one of auto, dense, low-rank");
    }
}
