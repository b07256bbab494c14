package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;

/**
 * {@link QamaAttentionBlock.OutputMode#PAPER}: O_{t,i} = H_{t,i}·e, the per-token energy (after the
 * probability dropout) times the formulation's learned value direction.
 */
final class PaperHeads implements HeadOutput {
    private final Dropout dropout;

    PaperHeads(Dropout dropout) {
        this.dropout = dropout;
    }

    @Override
    public NDArray heads(ParameterStore ps, boolean training, Inputs in, Selection s) {
        NDArray dropped = dropout.forward(ps, new NDList(s.tok()), training).singletonOrThrow();
        return dropped.expandDims(3).mul(s.terms().directions());
    }
}
