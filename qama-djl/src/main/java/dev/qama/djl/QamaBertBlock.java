package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * DJL's {@link BertBlock} with a pluggable attention: the same builder options, the same children
 * in the same order ({@code tokenEmbedding}, {@code typeEmbedding}, {@code embeddingNorm}, {@code
 * embeddingDropout}, {@code transformer_0} … {@code transformer_{L-1}}, {@code poolingProjection})
 * and direct parameter ({@code positionEmbedding}), and the same forward pass. Each {@code
 * transformer_i} is a {@link QamaTransformerEncoderBlock} (DJL's encoder with attention from {@link
 * Builder#optAttention}, dropout 0.1 and GELU as in DJL).
 *
 * <p>Inputs: token ids (B, N), type ids (B, N) and a 0/1 mask (B, N) (1 = a real token); outputs:
 * the sequence (B, N, E) and the pooled vector (B, E) ({@code tanh} of {@code poolingProjection}
 * applied to the token at index 1 of each sequence: DJL's BertBlock reads index 1, not 0, and this
 * block does the same so that both compute the same function).
 *
 * <p>So a parameter file written by a model built with DJL's {@code BertBlock} loads into the same
 * model built with this block and QAMA attention (the attention projections load; paper-v2's value
 * importance starts at ones), and with {@link AttentionFactory#classical()} this block is DJL's
 * BertBlock. For the way back, {@link QamaAttentionBlock#setParameterLayout(ai.djl.nn.Block,
 * QamaAttentionBlock.ParameterLayout)} with {@code CLASSICAL} makes the file DJL's exact layout.
 */
public final class QamaBertBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final String PARAM_POSITION_EMBEDDING = "positionEmbedding";

    private final int embeddingSize;
    private final int tokenDictionarySize;
    private final int typeDictionarySize;
    private final IdEmbedding tokenEmbedding;
    private final IdEmbedding typeEmbedding;
    private final Parameter positionEmbedding;
    private final BatchNorm embeddingNorm;
    private final Dropout embeddingDropout;
    private final List<QamaTransformerEncoderBlock> transformerEncoderBlocks;
    private final Linear pooling;

    @SuppressWarnings("this-escape")
    private QamaBertBlock(Builder builder) {
        super(VERSION);
        this.embeddingSize = builder.embeddingSize;
        this.tokenDictionarySize = builder.tokenDictionarySize;
        this.typeDictionarySize = builder.typeDictionarySize;
        // children and parameters in DJL's order: the file layout and the names depend on it
        this.tokenEmbedding =
                addChildBlock(
                        "tokenEmbedding",
                        new IdEmbedding.Builder()
                                .setEmbeddingSize(builder.embeddingSize)
                                .setDictionarySize(builder.tokenDictionarySize)
                                .build());
        this.positionEmbedding =
                addParameter(
                        Parameter.builder()
                                .setName(PARAM_POSITION_EMBEDDING)
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(
                                        new Shape(builder.maxSequenceLength, builder.embeddingSize))
                                .build());
        this.typeEmbedding =
                addChildBlock(
                        "typeEmbedding",
                        new IdEmbedding.Builder()
                                .setEmbeddingSize(builder.embeddingSize)
                                .setDictionarySize(builder.typeDictionarySize)
                                .build());
        this.embeddingNorm = addChildBlock("embeddingNorm", BatchNorm.builder().optAxis(2).build());
        this.embeddingDropout =
                addChildBlock(
                        "embeddingDropout",
                        Dropout.builder().optRate(builder.hiddenDropoutProbability).build());
        this.transformerEncoderBlocks = new ArrayList<>(builder.transformerBlockCount);
        for (int i = 0; i < builder.transformerBlockCount; ++i) {
            transformerEncoderBlocks.add(
                    addChildBlock(
                            "transformer_" + i,
                            new QamaTransformerEncoderBlock(
                                    builder.embeddingSize,
                                    builder.attentionHeadCount,
                                    builder.hiddenSize,
                                    0.1f, // as DJL's BertBlock (its builder has no option for it)
                                    Activation::gelu,
                                    builder.attention)));
        }
        this.pooling =
                addChildBlock(
                        "poolingProjection",
                        Linear.builder().setUnits(builder.embeddingSize).optBias(true).build());
    }

    /** Returns a builder with DJL's defaults and QAMA attention of default options. */
    public static Builder builder() {
        return new Builder();
    }

    /** The token embedding. */
    public IdEmbedding getTokenEmbedding() {
        return tokenEmbedding;
    }

    /** The embedding size E. */
    public int getEmbeddingSize() {
        return embeddingSize;
    }

    /** The size of the token dictionary. */
    public int getTokenDictionarySize() {
        return tokenDictionarySize;
    }

    /** The size of the type dictionary. */
    public int getTypeDictionarySize() {
        return typeDictionarySize;
    }

    /** The encoder layers, {@code transformer_0} first. */
    public List<QamaTransformerEncoderBlock> getTransformerEncoderBlocks() {
        return List.copyOf(transformerEncoderBlocks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        long seqLength = inputShapes[0].get(1);
        return new Shape[] {
            new Shape(batch, seqLength, embeddingSize), new Shape(batch, embeddingSize)
        };
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != 3) {
            throw new IllegalArgumentException(
                    "QamaBertBlock takes token ids, type ids and a mask, (B, N) each; got "
                            + inputShapes.length
                            + " input shapes "
                            + Arrays.toString(inputShapes));
        }
        super.beforeInitialize(inputShapes);
        inputNames = Arrays.asList("tokenIds", "typeIds", "masks");
        Shape[] tokenShape = {inputShapes[0]};
        Shape[] typeShape = {inputShapes[1]};
        tokenEmbedding.initialize(manager, dataType, tokenShape);
        Shape[] embeddingOutput = tokenEmbedding.getOutputShapes(tokenShape);
        typeEmbedding.initialize(manager, dataType, typeShape);
        embeddingNorm.initialize(manager, dataType, embeddingOutput);
        embeddingDropout.initialize(manager, dataType, embeddingOutput);
        for (QamaTransformerEncoderBlock tb : transformerEncoderBlocks) {
            tb.initialize(manager, dataType, embeddingOutput);
        }
        long batchSize = inputShapes[0].get(0);
        pooling.initialize(manager, dataType, new Shape(batchSize, embeddingSize));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException(
                    "QamaBertBlock takes [tokenIds, typeIds, masks], got "
                            + inputs.size()
                            + " arrays");
        }
        NDArray tokenIds = inputs.get(0);
        NDArray typeIds = inputs.get(1);
        NDArray masks = inputs.get(2);
        NDManager initScope = NDManager.subManagerOf(tokenIds);
        initScope.tempAttachAll(inputs);
        NDArray embeddedTokens =
                tokenEmbedding.forward(ps, new NDList(tokenIds), training).singletonOrThrow();
        NDArray embeddedTypes =
                typeEmbedding.forward(ps, new NDList(typeIds), training).singletonOrThrow();
        NDArray embeddedPositions = ps.getValue(positionEmbedding, tokenIds.getDevice(), training);
        // DJL adds the whole (maxSequenceLength, E) table: N must equal maxSequenceLength
        NDArray embedding = embeddedTokens.add(embeddedTypes).add(embeddedPositions);
        NDList normalizedEmbedding = embeddingNorm.forward(ps, new NDList(embedding), training);
        NDList dropoutEmbedding = embeddingDropout.forward(ps, normalizedEmbedding, training);
        // the additive (B, 1, N, N) mask of DJL's BertBlock: 0 where kept, -100000 where masked
        NDArray attentionMask = BertBlock.createAttentionMaskFromInputMask(tokenIds, masks);
        Shape maskShape = attentionMask.getShape();
        NDArray offsetMask =
                attentionMask
                        .reshape(maskShape.get(0), 1, maskShape.get(1), maskShape.get(2))
                        .toType(DataType.FLOAT32, false)
                        .mul(-1f)
                        .add(1f)
                        .mul(-100000f);
        NDList lastOutput = dropoutEmbedding;
        initScope.ret(lastOutput);
        initScope.ret(offsetMask);
        initScope.close();
        for (QamaTransformerEncoderBlock block : transformerEncoderBlocks) {
            NDList input = new NDList(lastOutput.head(), offsetMask);
            try (NDManager innerScope = NDManager.subManagerOf(input)) {
                innerScope.tempAttachAll(input);
                lastOutput = innerScope.ret(block.forward(ps, input, training));
            }
        }
        // DJL pools the token at index 1 (its comment says "first token")
        NDArray firstToken = lastOutput.head().get(new NDIndex(":,1,:")).squeeze();
        NDArray pooledFirstToken =
                pooling.forward(ps, new NDList(firstToken), training).head().tanh();
        lastOutput.add(pooledFirstToken);
        return lastOutput;
    }

    /**
     * The options of DJL's {@code BertBlock.Builder}, with the same names, defaults and presets,
     * plus {@link #optAttention}.
     */
    public static final class Builder {
        int tokenDictionarySize;
        int typeDictionarySize = 16;
        int embeddingSize = 768;
        int transformerBlockCount = 12;
        int attentionHeadCount = 12;
        int hiddenSize = 4 * embeddingSize;
        float hiddenDropoutProbability = 0.1f;
        int maxSequenceLength = 512;
        AttentionFactory attention = AttentionFactory.qama(UnaryOperator.identity());

        private Builder() {}

        /** Sets the number of tokens in the dictionary (required). */
        public Builder setTokenDictionarySize(int tokenDictionarySize) {
            this.tokenDictionarySize = tokenDictionarySize;
            return this;
        }

        /** Sets the number of token types (default 16). */
        public Builder optTypeDictionarySize(int typeDictionarySize) {
            this.typeDictionarySize = typeDictionarySize;
            return this;
        }

        /** Sets the embedding size E (default 768); the head count must divide it. */
        public Builder optEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** Sets the number of encoder layers (default 12). */
        public Builder optTransformerBlockCount(int transformerBlockCount) {
            this.transformerBlockCount = transformerBlockCount;
            return this;
        }

        /** Sets the number of attention heads per layer (default 12). */
        public Builder optAttentionHeadCount(int attentionHeadCount) {
            this.attentionHeadCount = attentionHeadCount;
            return this;
        }

        /** Sets the hidden size of the feed-forward networks (default 4·768, as DJL). */
        public Builder optHiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        /** Sets the dropout probability after the embedding (default 0.1). */
        public Builder optHiddenDropoutProbability(float hiddenDropoutProbability) {
            this.hiddenDropoutProbability = hiddenDropoutProbability;
            return this;
        }

        /**
         * Sets the maximum sequence length (default 512). As in DJL, the whole position table is
         * added to the embeddings, so the sequences fed to the block must have exactly this length.
         */
        public Builder optMaxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /**
         * Sets the attention of every encoder layer (default: {@code
         * AttentionFactory.qama(UnaryOperator.identity())}, QAMA attention of default options).
         */
        public Builder optAttention(AttentionFactory attention) {
            if (attention == null) {
                throw new IllegalArgumentException("attention factory is null");
            }
            this.attention = attention;
            return this;
        }

        /** DJL's {@code nano()} preset: E = 256, 4 layers, 4 heads, hidden 1024, N = 128. */
        public Builder nano() {
            typeDictionarySize = 2;
            embeddingSize = 256;
            transformerBlockCount = 4;
            attentionHeadCount = 4;
            hiddenSize = 4 * embeddingSize;
            hiddenDropoutProbability = 0.1f;
            maxSequenceLength = 128;
            return this;
        }

        /** DJL's {@code micro()} preset: E = 512, 12 layers, 8 heads, hidden 2048, N = 128. */
        public Builder micro() {
            typeDictionarySize = 2;
            embeddingSize = 512;
            transformerBlockCount = 12;
            attentionHeadCount = 8;
            hiddenSize = 4 * embeddingSize;
            hiddenDropoutProbability = 0.1f;
            maxSequenceLength = 128;
            return this;
        }

        /** DJL's {@code base()} preset (BERT-base): E = 768, 12 layers, 12 heads, N = 256. */
        public Builder base() {
            typeDictionarySize = 16;
            embeddingSize = 768;
            transformerBlockCount = 12;
            attentionHeadCount = 12;
            hiddenSize = 4 * embeddingSize;
            hiddenDropoutProbability = 0.1f;
            maxSequenceLength = 256;
            return this;
        }

        /** DJL's {@code large()} preset (BERT-large): E = 1024, 24 layers, 16 heads, N = 512. */
        public Builder large() {
            typeDictionarySize = 16;
            embeddingSize = 1024;
            transformerBlockCount = 24;
            attentionHeadCount = 16;
            hiddenSize = 4 * embeddingSize;
            hiddenDropoutProbability = 0.1f;
            maxSequenceLength = 512;
            return this;
        }

        /**
         * Builds the block.
         *
         * @throws IllegalArgumentException if the token dictionary size was not set or a size is
         *     not positive
         */
        public QamaBertBlock build() {
            if (tokenDictionarySize <= 0) {
                throw new IllegalArgumentException(
                        "token dictionary size must be set and positive, got "
                                + tokenDictionarySize
                                + " (setTokenDictionarySize)");
            }
            positive("type dictionary size", typeDictionarySize, "optTypeDictionarySize");
            positive("embedding size", embeddingSize, "optEmbeddingSize");
            positive("transformer block count", transformerBlockCount, "optTransformerBlockCount");
            positive("attention head count", attentionHeadCount, "optAttentionHeadCount");
            positive("hidden size", hiddenSize, "optHiddenSize");
            positive("max sequence length", maxSequenceLength, "optMaxSequenceLength");
            if (embeddingSize % attentionHeadCount != 0) {
                throw new IllegalArgumentException(
                        "attention head count "
                                + attentionHeadCount
                                + " must divide the embedding size "
                                + embeddingSize);
            }
            return new QamaBertBlock(this);
        }

        private static void positive(String what, int value, String option) {
            if (value <= 0) {
                throw new IllegalArgumentException(
                        what + " must be positive, got " + value + " (" + option + ")");
            }
        }
    }
}
