package dev.qama.bench.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A labelled data set the training loop can cut into batches. */
public interface Examples {
    /** Number of examples. */
    int count();

    /** The label of example i, in [0, classes). */
    int label(int i);

    /** Number of classes. */
    int classes();

    /** A short name for reports, e.g. {@code digits}. */
    String name();

    /** The model inputs of the examples at {@code indices}, created on {@code manager}. */
    NDList batch(NDManager manager, int[] indices);

    /** The input shapes of a batch of {@code b} examples (to initialise a model). */
    Shape[] inputShapes(int b);

    /**
     * The examples of {@code of} at {@code rows}, in that order (a view; nothing is copied).
     *
     * @throws IllegalArgumentException naming a row outside 0..count−1
     */
    static Examples subset(Examples of, int[] rows) {
        int[] r = rows.clone();
        for (int i : r) {
            if (i < 0 || i >= of.count()) {
                throw new IllegalArgumentException(
                        "row " + i + " is outside the " + of.count() + " examples of " + of.name());
            }
        }
        return new Examples() {
            @Override
            public int count() {
                return r.length;
            }

            @Override
            public int label(int i) {
                return of.label(r[i]);
            }

            @Override
            public int classes() {
                return of.classes();
            }

            @Override
            public String name() {
                return of.name();
            }

            @Override
            public NDList batch(NDManager manager, int[] indices) {
                int[] mapped = new int[indices.length];
                for (int k = 0; k < indices.length; k++) {
                    mapped[k] = r[indices[k]];
                }
                return of.batch(manager, mapped);
            }

            @Override
            public Shape[] inputShapes(int b) {
                return of.inputShapes(b);
            }
        };
    }

    /** The labels of all examples, in order. */
    static int[] labels(Examples of) {
        int[] l = new int[of.count()];
        for (int i = 0; i < l.length; i++) {
            l[i] = of.label(i);
        }
        return l;
    }

    /** Images as {@link Examples}: one input (B, C, S, S). */
    static Examples of(ImageSet set) {
        return new Examples() {
            @Override
            public int count() {
                return set.count();
            }

            @Override
            public int label(int i) {
                return set.labels()[i];
            }

            @Override
            public int classes() {
                return set.classes();
            }

            @Override
            public String name() {
                return set.name();
            }

            @Override
            public NDList batch(NDManager manager, int[] indices) {
                int per = set.pixelsPerImage();
                float[] x = new float[indices.length * per];
                for (int k = 0; k < indices.length; k++) {
                    System.arraycopy(set.pixels(), indices[k] * per, x, k * per, per);
                }
                return new NDList(manager.create(x, inputShapes(indices.length)[0]));
            }

            @Override
            public Shape[] inputShapes(int b) {
                return new Shape[] {new Shape(b, set.channels(), set.size(), set.size())};
            }
        };
    }
}
