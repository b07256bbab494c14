package dev.qama.djl;

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

    /** Copies head t of batch element b out of a (B, H, N, m) row-major array. */
    static float[] slice(float[] data, int b, int t, int heads, int tokens, int m) {
        float[] out = new float[tokens * m];
        System.arraycopy(data, ((b * heads) + t) * tokens * m, out, 0, tokens * m);
        return out;
    }
}
