package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.function.Supplier;

/**
 * How the heads of a {@link QamaAttentionBlock} turn the annealer's selection into their output (B,
 * H, N, d): one implementation per {@link QamaAttentionBlock.OutputMode}, chosen once when the
 * block is built ({@link PaperHeads} for PAPER, {@link MixedHeads} for VALUES and SELECTED_KEYS).
 */
interface HeadOutput {

    /**
     * What one forward pass hands to the output mode.
     *
     * @param terms the prepared energy terms of the pass
     * @param weights the selection weights w (B·H·N), row-major, on the host
     * @param device w (B, H, N) as a constant NDArray, uploaded on the first call only (an output
     *     mode that computes its constants on the host never asks for it)
     * @param energies the per-token energies (B, H, N), differentiable, computed on the first
     *     {@link #tok()} only: an output mode that gives them no weight in this pass (VALUES and
     *     SELECTED_KEYS with r·γ = 0) adds no node for them to the graph
     * @param qh the queries per head (B, H, N, d)
     * @param kh the keys per head (B, H, N, d)
     * @param vh the values per head (B, H, N, d)
     */
    record Selection(
            HeadTerms.Prepared terms,
            float[] weights,
            Supplier<NDArray> device,
            Supplier<NDArray> energies,
            NDArray qh,
            NDArray kh,
            NDArray vh) {

        /** w (B, H, N) as a constant NDArray (the same array on every call). */
        NDArray w() {
            return device.get();
        }

        /** The per-token energies H_{t,i} (B, H, N) at w (the same array on every call). */
        NDArray tok() {
            return energies.get();
        }
    }

    /** The heads' output (B, H, N, d) of one forward pass. */
    NDArray heads(ParameterStore ps, boolean training, Inputs in, Selection s);
}
