package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

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

    /**
     * The values of {@code arrays} (row-major, detached from autograd) with one device-to-host
     * copy: they are flattened and concatenated on the engine side, copied once and split here.
     * Null entries give null.
     */
    static float[][] copyOut(NDArray... arrays) {
        NDList flat = new NDList(arrays.length);
        for (NDArray a : arrays) {
            if (a != null) {
                flat.add(a.stopGradient().flatten());
            }
        }
        float[] all = (flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat)).toFloatArray();
        float[][] out = new float[arrays.length][];
        int from = 0;
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] != null) {
                int size = Math.toIntExact(arrays[i].size());
                out[i] = java.util.Arrays.copyOfRange(all, from, from + size);
                from += size;
            }
        }
        return out;
    }
}
