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
