package dev.qama.bench.train;

import dev.qama.bench.SolverSpec;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;

/**
 * What to train and how.
 *
 * @param quantum QAMA attention (true) or DJL's ScaledDotProductAttentionBlock (false)
 * @param formulation QAMA's formulation
 * @param outputMode QAMA's output mode
 * @param solver QAMA's backend, or null for the highest-ranked one
 * @param epochs epochs (≥ 1)
 * @param seed the one seed of everything random: engine RNG (parameter initialisation), batch
 *     order, the block's solver seed
 * @param batchSize examples per step
 * @param learningRate Adam's learning rate
 */
public record TrainSpec(
        boolean quantum,
        Formulation formulation,
        OutputMode outputMode,
        SolverSpec solver,
        int epochs,
        long seed,
        int batchSize,
        float learningRate) {

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
    }

    /** "classical" or "qama". */
    public String attentionName() {
        return quantum ? "qama" : "classical";
    }
}
