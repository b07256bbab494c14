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
 * @param qubo QAMA's QUBO settings: bits per token and coefficients (null members: the
 *     formulation's defaults)
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
        Qubo qubo,
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
        if (qubo == null) {
            qubo = Qubo.DEFAULTS;
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
     * The QUBO settings of the QAMA block given on the command line, each null for the
     * formulation's default: see {@code QamaAttentionBlock.Builder#optBits}, {@code
     * optCouplingScale}, {@code optLinearScale}, {@code optPenaltyScale}.
     *
     * @param bits soft-selection bits q per (head, token), 1 to 16 (default 1 for paper-v2, 4 for
     *     paper-v1)
     * @param couplingScale c_q (paper-v2) or c_J (paper-v1)
     * @param linearScale c_l (paper-v2) or c_h (paper-v1)
     * @param penaltyScale c_p (paper-v2) or λ_MH (paper-v1)
     * @param selectionGradient the block's selection gradient ({@code optSelectionGradient}), or
     *     null for its default
     * @param reads the block's reads per problem ({@code optReads}), or null for its default
     * @param averageReads the block's {@code optAverageReads}, or null for its default
     * @param unselectedPenalty the block's {@code optUnselectedPenalty}, or null for its default
     * @param energyScale the block's {@code optEnergyScale}, or null for its default
     * @param selectionWarmup the block's {@code optSelectionWarmup} in training passes, or null for
     *     its default
     * @param warmStarts the block's {@code optWarmStarts} (each example's solve starts from its
     *     previous selection), or null for its default (off)
     */
    public record Qubo(
            Integer bits,
            Double couplingScale,
            Double linearScale,
            Double penaltyScale,
            Boolean selectionGradient,
            Integer reads,
            Boolean averageReads,
            Double unselectedPenalty,
            Double energyScale,
            Long selectionWarmup,
            Boolean warmStarts) {
        /** The formulation's defaults. */
        public static final Qubo DEFAULTS =
                new Qubo(null, null, null, null, null, null, null, null, null, null, null);

        /** Settings of the QUBO's coefficients only. */
        public Qubo(Integer bits, Double couplingScale, Double linearScale, Double penaltyScale) {
            this(
                    bits,
                    couplingScale,
                    linearScale,
                    penaltyScale,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        /** The largest number of soft-selection bits per (head, token). */
        public static final int MAX_BITS = 16;

        /**
         * @throws IllegalArgumentException naming the option of a value out of range
         */
        public Qubo {
            if (bits != null && (bits < 1 || bits > MAX_BITS)) {
                throw new IllegalArgumentException(
                        "--bits must be between 1 and " + MAX_BITS + ", got " + bits);
            }
            check("--coupling-scale", couplingScale);
            check("--linear-scale", linearScale);
            check("--penalty-scale", penaltyScale);
            check("--energy-scale", energyScale);
            if (unselectedPenalty != null && !(unselectedPenalty >= 0)) {
                throw new IllegalArgumentException(
                        "--unselected-penalty must be >= 0, got " + unselectedPenalty);
            }
            if (selectionWarmup != null && selectionWarmup < 0) {
                throw new IllegalArgumentException(
                        "--selection-warmup must be >= 0 training passes, got " + selectionWarmup);
            }
            if (reads != null && reads < 1) {
                throw new IllegalArgumentException("--reads must be at least 1, got " + reads);
            }
        }

        private static void check(String option, Double v) {
            if (v != null && !(v >= 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException(
                        option + " must be a finite number ≥ 0, got " + v);
            }
        }

        /** Applies the settings that are set to a block builder. */
        public dev.qama.djl.QamaAttentionBlock.Builder applyTo(
                dev.qama.djl.QamaAttentionBlock.Builder b) {
            if (bits != null) {
                b.optBits(bits);
            }
            if (couplingScale != null) {
                b.optCouplingScale(couplingScale);
            }
            if (linearScale != null) {
                b.optLinearScale(linearScale);
            }
            if (penaltyScale != null) {
                b.optPenaltyScale(penaltyScale);
            }
            if (selectionGradient != null) {
                b.optSelectionGradient(selectionGradient);
            }
            if (reads != null) {
                b.optReads(reads);
            }
            if (averageReads != null) {
                b.optAverageReads(averageReads);
            }
            if (unselectedPenalty != null) {
                b.optUnselectedPenalty(unselectedPenalty);
            }
            if (energyScale != null) {
                b.optEnergyScale(energyScale);
            }
            if (selectionWarmup != null) {
                b.optSelectionWarmup(selectionWarmup);
            }
            if (warmStarts != null) {
                b.optWarmStarts(warmStarts);
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

    /**
     * The attention named on the command line or in a result file.
     *
     * @throws IllegalArgumentException naming {@code --attention} and the value
     */
    public static Attention attention(String name) {
        return switch (name) {
            case "classical" -> Attention.CLASSICAL;
            case "qama" -> Attention.QAMA;
            case "none" -> Attention.NONE;
            default ->
                    throw new IllegalArgumentException(
                            "--attention must be classical or qama (or none, the ablation), got '"
                                    + name
                                    + "'");
        };
    }

    /**
     * The formulation named on the command line or in a result file ({@code paper-v1}, {@code
     * paper-v2}): {@link Formulation#parse}.
     *
     * @throws IllegalArgumentException naming {@code --formulation}, the value and the valid names
     */
    public static Formulation formulation(String name) {
        try {
            return Formulation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--formulation: " + e.getMessage(), e);
        }
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
