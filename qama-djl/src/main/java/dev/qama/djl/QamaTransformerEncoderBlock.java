package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.PointwiseFeedForwardBlock;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * DJL's {@code TransformerEncoderBlock} with a pluggable attention: the same constructor arguments,
 * the same children (selfAttention, attentionNorm, outputBlock, outputNorm, in this order), the
 * same forward pass (post-norm: attention → dropout → residual → BatchNorm over the embedding axis
 * → pointwise feed-forward → dropout → residual with the block input → BatchNorm). With {@link
 * AttentionFactory#classical()} it is DJL's encoder; with {@link AttentionFactory#qama} the
 * attention is a {@link QamaAttentionBlock}. Parameter files of DJL's encoder load into either.
 */
public class QamaTransformerEncoderBlock extends AbstractBlock {

    /** Creates the attention child of an encoder. */
    @FunctionalInterface
    public interface AttentionFactory {
        /**
         * An attention block taking [X] or [X, mask] of shape (B, N, E) and returning (B, N, E).
         */
        Block create(int embeddingSize, int headCount, float dropoutProbability);

        /** DJL's {@code ScaledDotProductAttentionBlock}. */
        static AttentionFactory classical() {
            return (e, h, p) ->
                    ScaledDotProductAttentionBlock.builder()
                            .setEmbeddingSize(e)
                            .setHeadCount(h)
                            .optAttentionProbsDropoutProb(p)
                            .build();
        }

        /**
         * A {@link QamaAttentionBlock}; {@code options} sets anything beyond E, H and the dropout
         * (formulation, backend, seed, output mode…).
         */
        static AttentionFactory qama(UnaryOperator<QamaAttentionBlock.Builder> options) {
            return (e, h, p) ->
                    options.apply(
                                    QamaAttentionBlock.builder()
                                            .setEmbeddingSize(e)
                                            .setHeadCount(h)
                                            .optAttentionProbsDropoutProb(p))
                            .build();
        }
    }

    private final Block selfAttentionBlock;
    private final Dropout selfAttentionDropout;
    private final BatchNorm attentionNorm;
    private final PointwiseFeedForwardBlock pointWiseFullyConnected;
    private final Dropout fullyConnectedDropout;
    private final BatchNorm outputNorm;

    /**
     * An encoder with QAMA attention of default options.
     *
     * @param embeddingSize E
     * @param headCount H
     * @param hiddenSize the hidden size of the feed-forward network
     * @param dropoutProbability dropout probability
     * @param activationFunction activation of the feed-forward network
     */
    public QamaTransformerEncoderBlock(
            int embeddingSize,
            int headCount,
            int hiddenSize,
            float dropoutProbability,
            Function<NDList, NDList> activationFunction) {
        this(
                embeddingSize,
                headCount,
                hiddenSize,
                dropoutProbability,
                activationFunction,
                AttentionFactory.qama(UnaryOperator.identity()));
    }

    /**
     * An encoder whose attention comes from {@code attention}.
     *
     * @param embeddingSize E
     * @param headCount H
     * @param hiddenSize the hidden size of the feed-forward network
     * @param dropoutProbability dropout probability
     * @param activationFunction activation of the feed-forward network
     * @param attention creates the attention block
     */
    @SuppressWarnings("this-escape")
    public QamaTransformerEncoderBlock(
            int embeddingSize,
            int headCount,
            int hiddenSize,
            float dropoutProbability,
            Function<NDList, NDList> activationFunction,
            AttentionFactory attention) {
        if (attention == null) {
            throw new IllegalArgumentException("attention factory is null");
        }
        this.selfAttentionBlock =
                addChildBlock(
                        "selfAttention",
                        attention.create(embeddingSize, headCount, dropoutProbability));
        this.selfAttentionDropout = Dropout.builder().optRate(dropoutProbability).build();
        this.attentionNorm = addChildBlock("attentionNorm", BatchNorm.builder().optAxis(2).build());
        this.pointWiseFullyConnected =
                addChildBlock(
                        "outputBlock",
                        new PointwiseFeedForwardBlock(
                                Collections.singletonList(hiddenSize),
                                embeddingSize,
                                activationFunction));
        this.fullyConnectedDropout = Dropout.builder().optRate(dropoutProbability).build();
        this.outputNorm = addChildBlock("outputNorm", BatchNorm.builder().optAxis(2).build());
    }

    /** The attention child. */
    public Block getAttention() {
        return selfAttentionBlock;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        selfAttentionBlock.initialize(manager, dataType, inputShapes);
        attentionNorm.initialize(manager, dataType, inputShapes);
        pointWiseFullyConnected.initialize(manager, dataType, inputShapes);
        outputNorm.initialize(manager, dataType, inputShapes);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray embedding = inputs.head();
        NDList attentionOutput = selfAttentionBlock.forward(ps, inputs, training);
        NDList afterDropout = selfAttentionDropout.forward(ps, attentionOutput, training);
        NDArray withResidual = afterDropout.singletonOrThrow().add(embedding);
        NDList normalized = attentionNorm.forward(ps, new NDList(withResidual), training);
        NDList afterFullyConnected = pointWiseFullyConnected.forward(ps, normalized, training);
        NDList afterFcDropout = fullyConnectedDropout.forward(ps, afterFullyConnected, training);
        // DJL's encoder adds the block input (not the normalised attention output) here
        NDList withSecondResidual = new NDList(afterFcDropout.singletonOrThrow().add(embedding));
        return outputNorm.forward(ps, withSecondResidual, training);
    }
}
