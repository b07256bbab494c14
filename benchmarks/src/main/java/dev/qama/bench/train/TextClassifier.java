package dev.qama.bench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qama.djl.PreNormEncoderBlock;
import dev.qama.djl.QamaAttentionBlock;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;

/**
 * A small text transformer with a padding mask: inputs [ids (B, L), keep (B, L)] (keep 1 for a
 * token, 0 for padding) → learned embeddings (from scratch) + 1-D sin-cos positions → one pre-norm
 * encoder layer (attention sees the mask) → LayerNorm → mean over the kept tokens → Linear. DJL's
 * attention gets the mask in its (B, L, L) (query, key) form, {@link QamaAttentionBlock} as (B, L)
 * (masked tokens are never selected).
 */
public final class TextClassifier extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int dim;
    private final int maxLength;
    private final boolean pairMask;
    private final int classes;
    private final Parameter table;
    private final PreNormEncoderBlock encoder;
    private final LayerNorm norm;
    private final Linear head;

    /**
     * @param vocabulary number of token ids
     * @param maxLength L
     * @param dim embedding width
     * @param heads attention heads
     * @param mlpDim hidden width of the MLP
     * @param classes output classes
     * @param attention the attention
     */
    @SuppressWarnings("this-escape")
    public TextClassifier(
            int vocabulary,
            int maxLength,
            int dim,
            int heads,
            int mlpDim,
            int classes,
            AttentionFactory attention) {
        super(VERSION);
        this.dim = dim;
        this.maxLength = maxLength;
        this.classes = classes;
        table =
                addParameter(
                        Parameter.builder()
                                .setName("embedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(vocabulary, dim))
                                .build());
        encoder = addChildBlock("encoder", new PreNormEncoderBlock(dim, heads, mlpDim, attention));
        pairMask = !(encoder.getAttention() instanceof QamaAttentionBlock);
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long l = inputShapes[0].get(1);
        Shape x = new Shape(b, l, dim);
        Shape mask = pairMask ? new Shape(b, l, l) : new Shape(b, l);
        encoder.initialize(manager, dataType, x, mask);
        norm.initialize(manager, dataType, x);
        head.initialize(manager, dataType, new Shape(b, dim));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray keep = inputs.get(1); // (B, L) float
        long b = ids.getShape().get(0);
        long l = ids.getShape().get(1);
        if (l > maxLength) {
            throw new IllegalArgumentException("sequence length " + l + " exceeds " + maxLength);
        }
        NDManager m = ids.getManager();
        NDArray w = ps.getValue(table, ids.getDevice(), training);
        NDArray x =
                Embedding.embedding(ids.toType(DataType.INT64, false), w, SparseFormat.DENSE)
                        .head();
        x = x.add(m.create(positions((int) l, dim), new Shape(1, l, dim)));
        NDArray mask = pairMask ? keep.expandDims(1).broadcast(b, l, l) : keep;
        x = encoder.forward(ps, new NDList(x, mask), training, params).head();
        x = norm.forward(ps, new NDList(x), training).head();
        NDArray k = keep.expandDims(2); // (B, L, 1)
        NDArray pooled = x.mul(k).sum(new int[] {1}).div(k.sum(new int[] {1}));
        return head.forward(ps, new NDList(pooled), training);
    }

    /** The 1-D sin-cos table (n, dim): sin at even features, cos at odd. */
    static float[] positions(int n, int dim) {
        float[] out = new float[n * dim];
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < dim; c++) {
                double angle = p / Math.pow(10000, (2 * (c / 2)) / (double) dim);
                out[p * dim + c] = (float) (c % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return out;
    }
}
