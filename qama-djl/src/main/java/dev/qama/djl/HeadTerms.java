package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.Formulation;
import java.util.List;
import java.util.function.Supplier;

/**
 * The formulation-specific part of a QAMA forward pass. The QUBOs are built by qama-core's {@link
 * Formulation} (the one place where couplings, linear terms and penalty weights are defined); this
 * class adds the differentiable side: the per-token energies at a fixed selection, recomputed with
 * NDArray operations from the same tensors and with the coefficients read from the same formulation
 * object. Implementations hold no per-call state: {@link #prepare} returns a fresh {@link Prepared}
 * for every forward pass.
 *
 * <p>Shapes: B batch, H heads, N tokens, d head width.
 */
interface HeadTerms {

    /**
     * The qama-core formulation that holds the coefficients (for paper-v2 with a placeholder value
     * importance: the layer's current e is swapped in by {@link #prepare}).
     */
    Formulation formulation();

    /** Soft-selection bits q per (head, token). */
    default int bits() {
        return formulation().bits();
    }

    /**
     * Builds the terms of one forward pass from the pass's tensors and their host copies (made once
     * per pass, see {@link Host.Heads}). The NDArray work is deferred to the first {@link
     * Prepared#tokenEnergies}, {@link Prepared#selectionFields} or {@link Prepared#directions}: a
     * pass whose output mode does not weigh the energies (r·γ = 0) builds none of it.
     *
     * @param q projected queries (B, H, N, d)
     * @param k projected keys (B, H, N, d)
     * @param v projected values (B, H, N, d)
     * @param e value importance (d), or null if the formulation has none
     * @param host the host copies of q, k, v and e
     * @param mask [B·N] row-major, true = the token can never be selected; or null for none
     * @throws IllegalArgumentException naming the tensor and batch element of a NaN or infinity
     */
    Prepared prepare(NDArray q, NDArray k, NDArray v, NDArray e, Host.Heads host, boolean[] mask);

    /**
     * offset + factor · tok, (B, H, 1, N), for per-token energies {@code tok} (B, H, N) and host
     * constants factor (B·H) and offset (B·H·N): see {@link Prepared#keyTerms}.
     */
    static NDArray keyTerms(NDArray tok, float[] factor, float[] offset) {
        Shape s = tok.getShape();
        NDManager m = tok.getManager();
        NDArray f = m.create(factor, new Shape(s.get(0), s.get(1), 1));
        return tok.mul(f).add(m.create(offset, s)).expandDims(2);
    }

    /** The terms of one forward pass. */
    interface Prepared {
        /** The formulation of this pass (paper-v2: with the layer's current e). */
        Formulation formulation();

        /** The host copy of Q, K, V and the mask. */
        AttentionInputs inputs();

        /** The QUBO of batch element b, built by {@link #formulation()}. */
        default AttentionProblem problem(int b) {
            return formulation().build(inputs(), b);
        }

        /**
         * The QUBOs of all batch elements, in order: {@link #problem} for each, built in parallel
         * ({@link Host#forEach}; the formulation's {@code build} reads its inputs only).
         */
        default List<AttentionProblem> problems() {
            AttentionProblem[] out = new AttentionProblem[inputs().batch()];
            Host.forEach(out.length, b -> out[b] = problem(b));
            return java.util.Arrays.asList(out);
        }

        /**
         * The per-token energies H_{t,i} (B, H, N) at the constant selection weights {@code w} (B,
         * H, N), differentiable in the inputs of {@link #prepare}. They equal the problems' {@link
         * AttentionProblem#tokenEnergies} and sum, per batch element, to the problem's energy minus
         * its multi-head penalty.
         */
        NDArray tokenEnergies(NDArray w);

        /**
         * The per-key logit terms of the selection w, (B, H, 1, N): offset_{t,i} + factor_t ·
         * H_{t,i}, with H the {@link #tokenEnergies} at w, differentiable through H only (factor
         * and offset are constants). This default builds H from the device copy of w and adds the
         * constants with {@link HeadTerms#keyTerms}; a formulation may fold the constants into its
         * own energy graph instead (paper-v2), which gives the same values up to float rounding.
         *
         * @param w the device copy of w (B, H, N), a constant, asked for only if needed
         * @param hostW w (B·H·N), row-major
         * @param factor factor_t (B·H), row-major
         * @param offset offset_{t,i} (B·H·N), row-major
         */
        default NDArray keyTerms(
                Supplier<NDArray> w, float[] hostW, float[] factor, float[] offset) {
            return HeadTerms.keyTerms(tokenEnergies(w.get()), factor, offset);
        }

        /**
         * Hands over Q, K, V also in the (B, N, H, d) layout, as views of the block's (B, N, E)
         * projections, for terms that compute in that layout (paper-v2): their gradient then meets
         * the projections' without going through the (B, H, N, d) transposes. The block passes the
         * views whose transposes are the heads of {@link #prepare}, so that both gradients are
         * accumulated in one buffer. The default ignores them; without them such terms transpose
         * the arrays of {@link #prepare}.
         */
        default void tokenMajor(NDArray qn, NDArray kn, NDArray vn) {}

        /**
         * Tells the terms that this pass is an inference pass (the block's {@code training =
         * false}): they may then update their own intermediate arrays in place instead of
         * allocating a new array per operation, with the same values to the last bit. Autograd
         * stays correct should a caller still record the pass (PyTorch keeps what an in-place
         * operation overwrites when its backward needs it), only less efficient. The default
         * ignores it.
         */
        default void inference() {}

        /** The learned value direction of the PAPER output, broadcastable to (B, H, N, d). */
        NDArray directions();

        /**
         * The local fields f (B, H, N) of the selection at {@code w}, differentiable: f_{t,i} =
         * −∂E/∂w_{t,i} without the multi-head penalty, how much selecting token i of head t lowers
         * the energy with the other selections held at w. Used by the block's selection gradient.
         *
         * @throws UnsupportedOperationException if the formulation has none
         */
        default NDArray selectionFields(NDArray w) {
            throw new UnsupportedOperationException(
                    "the selection gradient needs the paper-v2 formulation");
        }
    }
}
