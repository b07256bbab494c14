package dev.qama.bench.train;

import dev.qama.bench.SolverSpec;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;

/**
 * What to train and how.
 *
 * @param attention which attention the encoder layer uses
 * @param formulation QAMA's formulation
 * @param outputMode QAMA's output mode
 * @param couplingForm how paper-v2 couplings reach the solver (AUTO: low-rank when d ≤ N)
 * @param solver QAMA's backend, or null for the highest-ranked one
 * @param epochs epochs (≥ 1)
 * @param seed the one seed of everything random: engine RNG (parameter initialisation), batch
 *     order, the block's solver seed
 * @param batchSize examples per step
 * @param learningRate Adam's learning rate
 * @param evalEvery evaluate on the held-out split after every {@code evalEvery}-th epoch (and the
 *     last) for the learning curve, or 0 for only after the last epoch; the evaluations do not
 *     change training (inference mode, no random numbers drawn) and are excluded from the training
 *     and solver seconds
 */
public record TrainSpec(
        Attention attention,
        Formulation formulation,
        OutputMode outputMode,
        CouplingForm couplingForm,
        SolverSpec solver,
        int epochs,
        long seed,
        int batchSize,
        float learningRate,
        int evalEvery) {

    /**
     * @throws IllegalArgumentException naming a bad value
     */
    public TrainSpec {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException(
                    "--eval-every must be 0 (off) or a positive number of epochs, got "
                            + evalEvery);
        }
    }

    /** The attention of the encoder layer. */
    public enum Attention {
        /** DJL's ScaledDotProductAttentionBlock. */
        CLASSICAL,
        /** QamaAttentionBlock. */
        QAMA,
        /**
         * An ablation: the attention output is 0, so every token is processed alone (patch-wise
         * MLP) until the mean pool. Tells how much any attention adds.
         */
        NONE
    }

    /** Whether the attention is QAMA. */
    public boolean quantum() {
        return attention == Attention.QAMA;
    }

    /** "classical", "qama" or "none". */
    public String attentionName() {
        return attention.name().toLowerCase(java.util.Locale.ROOT);
    }
}
