package dev.qama.bench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Mean softmax cross-entropy of logits (B, K) against one-hot labels (B, K): −mean_b Σ_k y_bk · log
 * softmax(z_b)_k.
 *
 * <p>Written out instead of DJL's {@code SoftmaxCrossEntropyLoss}, which multiplies by a Java
 * {@code Number}: with the PyTorch engine DJL frees that scalar right after the product while
 * autograd may still need it in the backward pass (see docs/djl-integration.md). Here every operand
 * is an array that lives until the batch's manager is closed.
 */
public final class CrossEntropy extends Loss {
    /** The loss named {@code cross_entropy}. */
    public CrossEntropy() {
        super("cross_entropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray oneHot = labels.singletonOrThrow();
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }
}
