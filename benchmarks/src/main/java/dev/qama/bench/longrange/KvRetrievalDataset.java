package dev.qama.bench.longrange;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qama.core.spi.Seeds;
import java.util.SplittableRandom;

/**
 * Seeded key–value retrieval over long sequences, in the spirit of the associative-recall tasks of
 * the Long Range Arena (Tay et al., "Long Range Arena: A Benchmark for Efficient Transformers",
 * ICLR 2021). An example of length N holds
 *
 * <ul>
 *   <li>at position 0 a query token naming one of K keys;
 *   <li>K pair tokens, one per key, each fusing a key with a random value among V, at distinct
 *       random positions in [1, N);
 *   <li>a filler token everywhere else.
 * </ul>
 *
 * The label is the value paired with the queried key (V classes, chance 1/V). The answer depends on
 * the interaction of two tokens up to N − 1 positions apart, and it is not a linear function of the
 * bag of tokens, so a mean-pooled linear classifier needs attention to solve it.
 *
 * <p>Token ids: 0 filler, 1 + k the query of key k, 1 + K + k·V + v the pair (k, v); the vocabulary
 * has 1 + K + K·V ids. Example e is generated from {@code Seeds.forStream(seed, e)} alone, so it
 * does not depend on the dataset size or on the order of generation.
 */
public final class KvRetrievalDataset {
    private final int length;
    private final int keys;
    private final int values;
    private final int size;
    private final float[] tokens;
    private final float[] labels;

    /**
     * Generates {@code size} examples.
     *
     * @param length N, at least keys + 1
     * @param keys K ≥ 1
     * @param values V ≥ 2 (the classes)
     * @param size number of examples ≥ 1
     * @param seed the root seed
     * @throws IllegalArgumentException naming the bad argument
     */
    public KvRetrievalDataset(int length, int keys, int values, int size, long seed) {
        if (keys < 1) {
            throw new IllegalArgumentException("kv-retrieval: keys must be >= 1, got " + keys);
        }
        if (values < 2) {
            throw new IllegalArgumentException("kv-retrieval: values must be >= 2, got " + values);
        }
        if (length < keys + 1) {
            throw new IllegalArgumentException(
                    "kv-retrieval: length ("
                            + length
                            + ") must be >= keys + 1 ("
                            + (keys + 1)
                            + ")");
        }
        if (size < 1) {
            throw new IllegalArgumentException("kv-retrieval: size must be >= 1, got " + size);
        }
        if ((long) length * size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "kv-retrieval: length × size (" + (long) length * size + ") is too large");
        }
        this.length = length;
        this.keys = keys;
        this.values = values;
        this.size = size;
        this.tokens = new float[length * size];
        this.labels = new float[size];
        int[] positions = new int[length - 1];
        for (int e = 0; e < size; e++) {
            SplittableRandom rnd = new SplittableRandom(Seeds.forStream(seed, e));
            int base = e * length;
            int query = rnd.nextInt(keys);
            tokens[base] = 1 + query;
            // a partial Fisher–Yates shuffle picks K distinct positions in [1, N)
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i + 1;
            }
            for (int k = 0; k < keys; k++) {
                int j = k + rnd.nextInt(positions.length - k);
                int tmp = positions[k];
                positions[k] = positions[j];
                positions[j] = tmp;
                int v = rnd.nextInt(values);
                tokens[base + positions[k]] = 1 + keys + k * values + v;
                if (k == query) {
                    labels[e] = v;
                }
            }
        }
    }

    /** N. */
    public int length() {
        return length;
    }

    /** K. */
    public int keys() {
        return keys;
    }

    /** V, the number of classes. */
    public int classes() {
        return values;
    }

    /** The number of examples. */
    public int size() {
        return size;
    }

    /** The number of token ids, 1 + K + K·V. */
    public int vocabulary() {
        return 1 + keys + keys * values;
    }

    /** Token ids of example e (a copy). */
    public int[] tokens(int e) {
        checkIndex(e);
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = (int) tokens[e * length + i];
        }
        return out;
    }

    /** The label of example e, in [0, V). */
    public int label(int e) {
        checkIndex(e);
        return (int) labels[e];
    }

    /**
     * Examples [from, from + count) as DJL arrays: token ids (count, N) and labels (count), both
     * float32 (the ids are exact integers).
     */
    public NDList batch(NDManager manager, int from, int count) {
        if (from < 0 || count < 1 || from + count > size) {
            throw new IllegalArgumentException(
                    "kv-retrieval: batch ["
                            + from
                            + ", "
                            + (from + count)
                            + ") is outside [0, "
                            + size
                            + ")");
        }
        float[] t = new float[count * length];
        System.arraycopy(tokens, from * length, t, 0, t.length);
        float[] l = new float[count];
        System.arraycopy(labels, from, l, 0, count);
        return new NDList(
                manager.create(t, new Shape(count, length)), manager.create(l, new Shape(count)));
    }

    private void checkIndex(int e) {
        if (e < 0 || e >= size) {
            throw new IllegalArgumentException(
                    "kv-retrieval: example " + e + " is outside [0, " + size + ")");
        }
    }
}
