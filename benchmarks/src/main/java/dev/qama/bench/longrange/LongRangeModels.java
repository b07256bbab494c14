package dev.qama.bench.longrange;

import ai.djl.nn.Block;
import dev.qama.djl.QamaAttentionBlock;
import dev.qama.djl.QamaEncoders;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;

/**
 * The classifier of the long-range task: token embedding + 1-D sin-cos positions, one pre-norm
 * encoder layer, LayerNorm, mean over tokens, a linear head ({@link QamaEncoders#textClassifier}).
 * The classical and the QAMA model differ only in the attention factory.
 */
public final class LongRangeModels {
    private LongRangeModels() {}

    /** DJL's {@code ScaledDotProductAttentionBlock}. */
    public static AttentionFactory classical() {
        return AttentionFactory.classical();
    }

    /**
     * QAMA: paper-v2, factored couplings (no N×N array anywhere), VALUES output mode (the selected
     * tokens are mixed into every position), the given backend and seed.
     */
    public static AttentionFactory qama(String backend, long seed) {
        return AttentionFactory.qama(
                b ->
                        b.optFormulation(QamaAttentionBlock.Formulation.PAPER_V2)
                                .optCouplingForm(QamaAttentionBlock.CouplingForm.FACTORED)
                                .optOutputMode(QamaAttentionBlock.OutputMode.VALUES)
                                .optBackend(backend)
                                .optSeed(seed));
    }

    /**
     * The classifier for a dataset: one layer of width {@code dim} with {@code heads} heads and an
     * MLP of width 2·dim.
     */
    public static Block classifier(
            KvRetrievalDataset data, int dim, int heads, AttentionFactory attention) {
        return QamaEncoders.textClassifier(
                data.vocabulary(),
                data.length(),
                dim,
                1,
                heads,
                2 * dim,
                data.classes(),
                attention);
    }
}
