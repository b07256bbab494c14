package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A learned table of token vectors: ids (B, N) → (B, N, dim), without a vocabulary object. Ids may
 * be integers or whole floats; an id outside [0, vocabulary) fails with a message naming it (DJL's
 * {@code ai.djl.nn.transformer.IdEmbedding}, which BertBlock uses, does the same lookup without the
 * check). The parameter is {@code embedding}, of shape (vocabulary, dim).
 */
public final class TokenEmbeddingBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int vocabulary;
    private final int dim;
    private final Parameter table;

    /**
     * A table of {@code vocabulary} vectors of width {@code dim}.
     *
     * @param vocabulary the number of token ids
     * @param dim the width of a token vector
     * @throws IllegalArgumentException if a size is not positive
     */
    @SuppressWarnings("this-escape")
    public TokenEmbeddingBlock(int vocabulary, int dim) {
        super(VERSION);
        if (vocabulary < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "vocabulary (" + vocabulary + ") and dim (" + dim + ") must be >= 1");
        }
        this.vocabulary = vocabulary;
        this.dim = dim;
        table =
                addParameter(
                        Parameter.builder()
                                .setName("embedding")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(vocabulary, dim))
                                .build());
    }

    /** The number of token ids. */
    public int getVocabulary() {
        return vocabulary;
    }

    /** The width of a token vector. */
    public int getDim() {
        return dim;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(dim))};
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.head();
        NDArray w = ps.getValue(table, ids.getDevice(), training);
        float[] raw = ids.toType(DataType.FLOAT32, false).toFloatArray();
        for (float v : raw) {
            if (!(v >= 0 && v < vocabulary) || v != Math.rint(v)) {
                throw new IllegalArgumentException(
                        "token id " + v + " is not an integer in [0, " + vocabulary + ")");
            }
        }
        return Embedding.embedding(ids.toType(DataType.INT64, false), w, SparseFormat.DENSE);
    }
}
