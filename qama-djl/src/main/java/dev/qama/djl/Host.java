package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.qama.core.formulation.AttentionInputs;
import java.nio.FloatBuffer;

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
     * The values of {@code arrays} (row-major, detached from autograd, as float32) with one
     * device-to-host copy: they are flattened (a view for contiguous arrays) and concatenated on
     * the engine side (a strided view, such as a transpose into heads, is rearranged by that copy),
     * and the concatenation is read in place (a view of the engine's host memory, valid while the
     * pass's arrays live) by {@link Download#part}, which copies each value once into the Java
     * array the caller keeps. Null entries are skipped.
     */
    static Download copyOut(NDArray... arrays) {
        NDList flat = new NDList(arrays.length);
        int[] from = new int[arrays.length];
        int[] size = new int[arrays.length];
        int at = 0;
        for (int i = 0; i < arrays.length; i++) {
            from[i] = at;
            size[i] = -1; // null
            if (arrays[i] != null) {
                size[i] = Math.toIntExact(arrays[i].size());
                at += size[i];
                flat.add(arrays[i].stopGradient().flatten());
            }
        }
        NDArray all = flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat);
        return new Download(all.toByteBuffer(true).asFloatBuffer(), from, size);
    }

    /**
     * One device-to-host copy: the values of the arrays given to {@link #copyOut}, one after the
     * other, read from the engine's memory; use it before the pass's arrays are closed.
     */
    static final class Download {
        private final FloatBuffer data;
        private final int[] from;
        private final int[] size;

        private Download(FloatBuffer data, int[] from, int[] size) {
            this.data = data;
            this.from = from;
            this.size = size;
        }

        /** A copy of the values of array i, or null if it was null. */
        float[] part(int i) {
            if (size[i] < 0) {
                return null;
            }
            float[] out = new float[size[i]];
            data.get(from[i], out, 0, size[i]);
            return out;
        }
    }

    /**
     * Runs {@code body} for 0 ≤ b &lt; n, on the calling thread and the common fork-join pool when
     * n &gt; 1: for the host work of a forward pass on independent batch elements (building the
     * problems, reading the selections), which would otherwise leave the second core idle while the
     * engine's one thread waits. Each b must write only its own slots, so the result does not
     * depend on the threads; an exception of one b is rethrown.
     */
    static void forEach(int n, java.util.function.IntConsumer body) {
        if (n <= 1) {
            for (int b = 0; b < n; b++) {
                body.accept(b);
            }
        } else {
            java.util.stream.IntStream.range(0, n).parallel().forEach(body);
        }
    }

    /**
     * The host copies of one forward pass: Q, K, V (B, H, N, d) row-major and e (or null).
     *
     * @param batch B
     * @param heads H
     * @param tokens N
     * @param dim d
     */
    record Heads(
            int batch, int heads, int tokens, int dim, float[] q, float[] k, float[] v, float[] e) {

        /**
         * Copies per-head tensors (B, H, N, d) and e (or null) to the host in one crossing (the
         * block itself copies its (B, N, E) projections with the mask; this form serves callers
         * that hold per-head arrays).
         */
        static Heads of(NDArray q, NDArray k, NDArray v, NDArray e) {
            var s = q.getShape();
            Download d = copyOut(q, k, v, e);
            return new Heads(
                    (int) s.get(0),
                    (int) s.get(1),
                    (int) s.get(2),
                    (int) s.get(3),
                    d.part(0),
                    d.part(1),
                    d.part(2),
                    d.part(3));
        }

        /**
         * The formulation's view of these copies with the token mask ([B·N], true = never selected,
         * or null). {@link AttentionInputs} scans Q, K, V for NaN and infinity (the one scan of a
         * forward pass); a failure is reported with the tensor and batch element.
         *
         * @throws IllegalArgumentException naming the tensor and batch element of a NaN or infinity
         */
        AttentionInputs inputs(boolean[] mask) {
            try {
                return new AttentionInputs(batch, heads, tokens, dim, q, k, v, mask);
            } catch (IllegalArgumentException ex) {
                int perBatch = heads * tokens * dim;
                checkFinite(q, perBatch, "projected queries");
                checkFinite(k, perBatch, "projected keys");
                checkFinite(v, perBatch, "projected values");
                throw ex;
            }
        }
    }
}
