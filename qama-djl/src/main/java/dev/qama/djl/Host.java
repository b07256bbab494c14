package dev.qama.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
     * device-to-host read: the engine joins them into one contiguous array, which is read in place
     * (a view of the engine's host memory, valid while the pass's arrays live) by {@link
     * Download#part}, which copies each value once into the Java array the caller keeps. The arrays
     * of the first one's shape (the heads Q, K, V) are joined along their first axis, so that
     * strided views (such as a transpose into heads) are rearranged by that one copy; the others
     * (e, the mask) are flattened, padded with zeros to whole rows of that shape and joined after
     * them in the same concatenation. Null entries are skipped.
     */
    static Download copyOut(NDArray... arrays) {
        NDList same = new NDList(arrays.length + 1);
        NDList rest = new NDList(arrays.length + 1);
        boolean[] first = new boolean[arrays.length];
        int[] from = new int[arrays.length];
        int[] size = new int[arrays.length];
        Shape shape = null;
        NDManager manager = null;
        int atSame = 0;
        int atRest = 0;
        for (int i = 0; i < arrays.length; i++) {
            size[i] = -1; // null
            if (arrays[i] == null) {
                continue;
            }
            size[i] = Math.toIntExact(arrays[i].size());
            if (shape == null) {
                shape = arrays[i].getShape();
                manager = arrays[i].getManager();
            }
            NDArray a = arrays[i].stopGradient();
            if (shape.dimension() > 0 && shape.size() > 0 && a.getShape().equals(shape)) {
                first[i] = true;
                from[i] = atSame;
                atSame += size[i];
                same.add(a);
            } else {
                from[i] = atRest;
                atRest += size[i];
                rest.add(a.flatten());
            }
        }
        for (int i = 0; i < arrays.length; i++) {
            if (size[i] >= 0 && !first[i]) {
                from[i] += atSame; // the flattened arrays follow the joined ones
            }
        }
        if (same.isEmpty() && rest.isEmpty()) {
            return new Download(null, from, size);
        }
        NDArray all;
        if (same.isEmpty()) {
            all = rest.size() == 1 ? rest.get(0) : NDArrays.concat(rest);
        } else {
            if (!rest.isEmpty()) {
                long row = shape.size() / shape.get(0);
                long pad = (row - atRest % row) % row;
                if (pad > 0) {
                    rest.add(manager.zeros(new Shape(pad)));
                }
                NDArray tail = rest.size() == 1 ? rest.get(0) : NDArrays.concat(rest);
                same.add(tail.reshape(new Shape(-1).addAll(shape.slice(1))));
            }
            all = same.size() == 1 ? same.get(0).flatten() : NDArrays.concat(same, 0);
        }
        return new Download(all.toByteBuffer(true).asFloatBuffer(), from, size);
    }

    /**
     * The values of the arrays given to {@link #copyOut}, one after the other in its one engine
     * copy, read from the engine's memory; use it before the pass's arrays are closed.
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

        /** The device-to-host reads behind this download: 1, or 0 when every array was null. */
        int reads() {
            return data == null ? 0 : 1;
        }

        /** A copy of the values of array i, or null if it was null. */
        float[] part(int i) {
            if (size[i] < 0) {
                return null;
            }
            float[] out = new float[size[i]];
            // a duplicate per call: parts may be read on several threads at once
            data.duplicate().get(from[i], out, 0, size[i]);
            return out;
        }

        /**
         * {@link #part} of every array, in order, copied on the calling thread and the common pool
         * ({@link #forEach}): at 128 × 49 × 64 × 8 the three heads are 1.6 MB each.
         */
        float[][] parts() {
            float[][] out = new float[size.length][];
            forEach(size.length, i -> out[i] = part(i));
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
         * Copies per-head tensors (B, H, N, d) and e (or null) to the host with {@link #copyOut}
         * (the block itself adds the mask; this form serves callers that hold per-head arrays).
         */
        static Heads of(NDArray q, NDArray k, NDArray v, NDArray e) {
            var s = q.getShape();
            float[][] d = copyOut(q, k, v, e).parts();
            return new Heads(
                    (int) s.get(0),
                    (int) s.get(1),
                    (int) s.get(2),
                    (int) s.get(3),
                    d[0],
                    d[1],
                    d[2],
                    d[3]);
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
