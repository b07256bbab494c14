package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import dev.qama.core.attention.AttentionProblem;

/**
 * The formulation-specific part of a QAMA forward pass: differentiable couplings and linear terms
 * built from the projected heads, their host copies, the QUBO of each batch element and the
 * per-token energies at a fixed selection. Implementations hold no per-call state: {@link #prepare}
 * returns a fresh {@link Prepared} for every forward pass.
 *
 * <p>Shapes: B batch, H heads, N tokens, d head width.
 */
interface HeadTerms {

    /**
     * Builds the terms of one forward pass.
     *
     * @param q projected queries (B, H, N, d)
     * @param k projected keys (B, H, N, d)
     * @param v projected values (B, H, N, d)
     * @param e value importance (d), or null if the formulation has none
     */
    Prepared prepare(NDArray q, NDArray k, NDArray v, NDArray e);

    /** Soft-selection bits q per (head, token). */
    int bits();

    /** The terms of one forward pass. */
    interface Prepared {
        /** The QUBO of batch element b, with {@code masked[i]} tokens never selected. */
        AttentionProblem problem(int b, boolean[] masked);

        /**
         * The per-token energies H_{t,i} (B, H, N) at the constant selection weights {@code w} (B,
         * H, N), differentiable in the inputs of {@link #prepare}. They sum, per batch element, to
         * the problem's energy minus its multi-head penalty.
         */
        NDArray tokenEnergies(NDArray w);

        /** The learned value direction of the PAPER output, broadcastable to (B, H, N, d). */
        NDArray directions();
    }
}
