package dev.qama.djl;

import ai.djl.ndarray.NDArray;

/** Small helpers on host (Java) copies of tensors. */
final class Host {
    private Host() {}

    /**
     * Throws if {@code data} holds a NaN or infinity, naming the tensor and the batch element (rows
     * of {@code perBatch} values).
     */
    static void checkFinite(float[] data, int perBatch, String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(
                        "QamaAttentionBlock: "
                                + what
                                + " of batch element "
                                + (perBatch == 0 ? 0 : i / perBatch)
                                + " contain a non-finite value ("
                                + data[i]
                                + "); check the input and the parameters for NaN or infinity");
            }
        }
    }

    /**
     * {@code a · s} for an array in the autograd graph. Never use {@code NDArray.mul(Number)} or
     * {@code div(Number)} there: DJL's PyTorch engine wraps the number in a tensor over a Java
     * direct buffer and closes it right after the product, while autograd keeps that tensor for the
     * backward pass, which then reads freed memory (observed: gradients of the value projection
     * that were ~0 or correct from run to run). Here the scalar stays attached to the array's
     * manager, as DJL's own attention block does.
     */
    static NDArray scale(NDArray a, double s) {
        return a.mul(a.getManager().create((float) s));
    }

    /** Copies head t of batch element b out of a (B, H, N, m) row-major array. */
    static float[] slice(float[] data, int b, int t, int heads, int tokens, int m) {
        float[] out = new float[tokens * m];
        System.arraycopy(data, ((b * heads) + t) * tokens * m, out, 0, tokens * m);
        return out;
    }
}
