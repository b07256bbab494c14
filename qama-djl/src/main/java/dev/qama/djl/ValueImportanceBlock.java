package dev.qama.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Holds the paper-v2 value-importance vector e (length d, shared by all heads, initialised to ones
 * so that h starts as the mean of each value vector). It is a child block, not a direct parameter
 * of {@link QamaAttentionBlock}, so that it is serialised after DJL's children. Its forward pass
 * ignores the input and returns e.
 */
final class ValueImportanceBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Parameter importance;

    ValueImportanceBlock(int dim) {
        super(VERSION);
        importance =
                addParameter(
                        Parameter.builder()
                                .setName("importance")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(dim))
                                .optInitializer(Initializer.ONES)
                                .build());
    }

    /** The parameter e. */
    Parameter importance() {
        return importance;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(ps.getValue(importance, inputs.head().getDevice(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {importance.getShape()};
    }
}
