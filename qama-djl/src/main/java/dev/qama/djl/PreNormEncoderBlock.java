package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;

/**
 * A pre-norm transformer layer as in SimpleViT (Beyer et al., "Better plain ViT baselines for
 * ImageNet-1k", arXiv 2205.01580) and the QAMA paper's models: x ← x + attention(LN(x)), x ← x +
 * MLP(LN(x)) with MLP = Linear(dim → mlp) → GELU → Linear(mlp → dim). Input [X] or [X, mask], X of
 * shape (B, N, dim); the mask is passed to the attention.
 */
public final class PreNormEncoderBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final LayerNorm attentionNorm;
    private final Block attention;
    private final LayerNorm mlpNorm;
    private final SequentialBlock mlp;

    /**
     * @param dim the model width
     * @param heads attention heads (must divide dim)
     * @param mlpDim the hidden width of the MLP
     * @param factory creates the attention (no dropout)
     */
    public PreNormEncoderBlock(int dim, int heads, int mlpDim, AttentionFactory factory) {
        super(VERSION);
        attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
        attention = addChildBlock("attention", factory.create(dim, heads, 0f));
        mlpNorm = addChildBlock("mlpNorm", LayerNorm.builder().axis(2).build());
        mlp =
                addChildBlock(
                        "mlp",
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(mlpDim).build())
                                .add(Activation::gelu)
                                .add(Linear.builder().setUnits(dim).build()));
    }

    /** The attention child. */
    public Block getAttention() {
        return attention;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        attentionNorm.initialize(manager, dataType, x);
        Shape[] attentionInputs = inputShapes.clone();
        attention.initialize(manager, dataType, attentionInputs);
        mlpNorm.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray normed = attentionNorm.forward(ps, new NDList(x), training).head();
        NDList attentionIn = new NDList(normed);
        if (inputs.size() > 1) {
            attentionIn.add(inputs.get(1));
        }
        x = x.add(attention.forward(ps, attentionIn, training, params).head());
        NDArray h = mlp.forward(ps, mlpNorm.forward(ps, new NDList(x), training), training).head();
        return new NDList(x.add(h));
    }
}
