package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;

/**
 * Small encoders for the examples, with classical or QAMA attention from an {@link
 * AttentionFactory}: the SimpleViT of the QAMA paper's vision experiments and a token-sequence
 * classifier for its text experiments. Both are pre-norm ({@link PreNormEncoderBlock}), with fixed
 * sin-cos positions, a final LayerNorm, mean pooling over tokens and a linear head.
 */
public final class QamaEncoders {
    private QamaEncoders() {}

    /**
     * SimpleViT (Beyer et al., arXiv 2205.01580) as used by the QAMA paper: images (B, C, S, S) →
     * patches of P×P → LayerNorm → Linear(dim) → LayerNorm → + 2-D sin-cos positions → {@code
     * depth} pre-norm layers → LayerNorm → mean over patches → Linear(classes). The paper's vision
     * setting is S = 28, P = 4 (49 tokens), dim 64, depth 1, heads 8, mlp 64.
     *
     * @throws IllegalArgumentException if P does not divide S, heads does not divide dim, or dim is
     *     not a multiple of 4
     */
    public static Block simpleVit(
            int imageSize,
            int patchSize,
            int channels,
            int dim,
            int depth,
            int heads,
            int mlpDim,
            int classes,
            AttentionFactory attention) {
        if (patchSize < 1 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    "patch size " + patchSize + " must divide the image size " + imageSize);
        }
        checkWidths(dim, heads, depth);
        if (dim % 4 != 0) {
            throw new IllegalArgumentException(
                    "2-D sin-cos positions need dim divisible by 4, got " + dim);
        }
        int side = imageSize / patchSize;
        SequentialBlock net = new SequentialBlock();
        net.add(
                x -> {
                    NDArray img = x.head(); // (B, C, S, S)
                    long b = img.getShape().get(0);
                    NDArray patches =
                            img.reshape(b, channels, side, patchSize, side, patchSize)
                                    .transpose(0, 2, 4, 3, 5, 1)
                                    .reshape(
                                            b,
                                            (long) side * side,
                                            (long) patchSize * patchSize * channels);
                    return new NDList(patches); // (B, N, P·P·C)
                });
        net.add(LayerNorm.builder().axis(2).build());
        net.add(Linear.builder().setUnits(dim).build());
        net.add(LayerNorm.builder().axis(2).build());
        net.add(sinCosPositions2d(side, side, dim));
        encoderAndHead(net, dim, depth, heads, mlpDim, classes, attention);
        return net;
    }

    /**
     * A classifier of token-id sequences (B, N) (ids as float or int, 0 ≤ id &lt; vocabulary) →
     * embedding(dim) + 1-D sin-cos positions → {@code depth} pre-norm layers → LayerNorm → mean
     * over tokens → Linear(classes).
     */
    public static Block textClassifier(
            int vocabulary,
            int maxLength,
            int dim,
            int depth,
            int heads,
            int mlpDim,
            int classes,
            AttentionFactory attention) {
        checkWidths(dim, heads, depth);
        if (vocabulary < 1 || maxLength < 1) {
            throw new IllegalArgumentException(
                    "vocabulary ("
                            + vocabulary
                            + ") and max length ("
                            + maxLength
                            + ") must be >= 1");
        }
        SequentialBlock net = new SequentialBlock();
        net.add(new TokenEmbeddingBlock(vocabulary, dim));
        net.add(sinCosPositions1d(maxLength, dim));
        encoderAndHead(net, dim, depth, heads, mlpDim, classes, attention);
        return net;
    }

    private static void checkWidths(int dim, int heads, int depth) {
        if (dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException(
                    "dim (" + dim + ") must be a positive multiple of heads (" + heads + ")");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
    }

    private static void encoderAndHead(
            SequentialBlock net,
            int dim,
            int depth,
            int heads,
            int mlpDim,
            int classes,
            AttentionFactory attention) {
        for (int l = 0; l < depth; l++) {
            net.add(new PreNormEncoderBlock(dim, heads, mlpDim, attention));
        }
        net.add(LayerNorm.builder().axis(2).build());
        net.add(x -> new NDList(x.head().mean(new int[] {1})));
        net.add(Linear.builder().setUnits(classes).build());
    }

    /**
     * A block adding the 1-D sin-cos positions of {@link #sinCos1d} to token vectors: (B, N, dim) →
     * (B, N, dim), row p of the table added to token p, for any N ≤ {@code maxLength}.
     *
     * @param maxLength the longest sequence the block accepts
     * @param dim the width of the token vectors
     * @throws IllegalArgumentException if a size is not positive; in the forward pass, if N exceeds
     *     {@code maxLength} or the last axis is not {@code dim}
     */
    public static Block sinCosPositions1d(int maxLength, int dim) {
        if (maxLength < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "max length (" + maxLength + ") and dim (" + dim + ") must be >= 1");
        }
        float[] positions = sinCos1d(maxLength, dim);
        return new LambdaBlock(
                x -> {
                    NDArray h = x.head(); // (B, N, dim)
                    long n = h.getShape().get(1);
                    if (n > maxLength) {
                        throw new IllegalArgumentException(
                                "sequence length " + n + " exceeds max length " + maxLength);
                    }
                    checkWidth(h, dim);
                    float[] p = new float[(int) n * dim];
                    System.arraycopy(positions, 0, p, 0, p.length);
                    return new NDList(h.add(h.getManager().create(p, new Shape(1, n, dim))));
                },
                "positions");
    }

    /**
     * A block adding the 2-D sin-cos positions of {@link #sinCos2d} to a grid of patch vectors in
     * row-major order: (B, height·width, dim) → (B, height·width, dim).
     *
     * @param height the rows of the grid
     * @param width the columns of the grid
     * @param dim the width of the patch vectors, a multiple of 4
     * @throws IllegalArgumentException if a size is not positive or dim is not a multiple of 4; in
     *     the forward pass, if the input is not (B, height·width, dim)
     */
    public static Block sinCosPositions2d(int height, int width, int dim) {
        if (height < 1 || width < 1 || dim < 4 || dim % 4 != 0) {
            throw new IllegalArgumentException(
                    "2-D sin-cos positions need a positive grid and dim divisible by 4, got "
                            + height
                            + "×"
                            + width
                            + ", dim "
                            + dim);
        }
        float[] positions = sinCos2d(height, width, dim);
        long tokens = (long) height * width;
        return new LambdaBlock(
                x -> {
                    NDArray h = x.head();
                    if (h.getShape().get(1) != tokens) {
                        throw new IllegalArgumentException(
                                "2-D positions of a "
                                        + height
                                        + "×"
                                        + width
                                        + " grid need "
                                        + tokens
                                        + " tokens, got shape "
                                        + h.getShape());
                    }
                    checkWidth(h, dim);
                    return new NDList(
                            h.add(h.getManager().create(positions, new Shape(1, tokens, dim))));
                },
                "positions");
    }

    private static void checkWidth(NDArray h, int dim) {
        if (h.getShape().dimension() != 3 || h.getShape().get(2) != dim) {
            throw new IllegalArgumentException(
                    "positions of width " + dim + " need (B, N, " + dim + "), got " + h.getShape());
        }
    }

    /**
     * The 2-D sin-cos position table (h·w, dim) of SimpleViT: for the patch at (y, x) and ω_k =
     * 10000^(−k/(dim/4 − 1)), the features [sin(xω), cos(xω), sin(yω), cos(yω)].
     *
     * @param h the rows of the grid
     * @param w the columns of the grid
     * @param dim the features per position, a multiple of 4
     * @return the table, row-major (patch y·w + x, then feature)
     */
    public static float[] sinCos2d(int h, int w, int dim) {
        int quarter = dim / 4;
        float[] out = new float[h * w * dim];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (y * w + x) * dim;
                for (int k = 0; k < quarter; k++) {
                    double omega = Math.pow(10000, -(double) k / Math.max(1, quarter - 1));
                    out[base + k] = (float) Math.sin(x * omega);
                    out[base + quarter + k] = (float) Math.cos(x * omega);
                    out[base + 2 * quarter + k] = (float) Math.sin(y * omega);
                    out[base + 3 * quarter + k] = (float) Math.cos(y * omega);
                }
            }
        }
        return out;
    }

    /**
     * The 1-D sin-cos table (n, dim) of Vaswani et al.: sin at even features, cos at odd.
     *
     * @param n the positions
     * @param dim the features per position
     * @return the table, row-major (position, then feature)
     */
    public static float[] sinCos1d(int n, int dim) {
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
