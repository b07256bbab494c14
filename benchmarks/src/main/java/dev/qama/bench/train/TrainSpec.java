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
 * @param coefficients QAMA's QUBO coefficients (null members: the formulation's defaults)
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
        Coefficients coefficients,
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
        if (coefficients == null) {
            coefficients = Coefficients.DEFAULTS;
        }
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

    /**
     * The QUBO coefficients of the QAMA block, each null for the formulation's default: see {@code
     * QamaAttentionBlock.Builder#optCouplingScale}, {@code optLinearScale}, {@code
     * optPenaltyScale}.
     *
     * @param couplingScale c_q (paper-v2) or c_J (paper-v1)
     * @param linearScale c_l (paper-v2) or c_h (paper-v1)
     * @param penaltyScale c_p (paper-v2) or λ_MH (paper-v1)
     */
    public record Coefficients(Double couplingScale, Double linearScale, Double penaltyScale) {
        /** The formulation's defaults. */
        public static final Coefficients DEFAULTS = new Coefficients(null, null, null);

        /**
         * @throws IllegalArgumentException naming the option of a negative or non-finite value
         */
        public Coefficients {
            check("--coupling-scale", couplingScale);
            check("--linear-scale", linearScale);
            check("--penalty-scale", penaltyScale);
        }

        private static void check(String option, Double v) {
            if (v != null && !(v >= 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException(
                        option + " must be a finite number ≥ 0, got " + v);
            }
        }

        /** Applies the coefficients that are set to a block builder. */
        public dev.qama.djl.QamaAttentionBlock.Builder applyTo(
                dev.qama.djl.QamaAttentionBlock.Builder b) {
            if (couplingScale != null) {
                b.optCouplingScale(couplingScale);
            }
            if (linearScale != null) {
                b.optLinearScale(linearScale);
            }
            if (penaltyScale != null) {
                b.optPenaltyScale(penaltyScale);
            }
            return b;
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
