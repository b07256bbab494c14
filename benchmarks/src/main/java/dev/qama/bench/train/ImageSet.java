package dev.qama.bench.train;

import java.util.Arrays;

/**
 * Labelled square images, pixels scaled to [0, 1], stored row-major: image k occupies {@code
 * pixels[k·C·S·S, (k+1)·C·S·S)} in (channel, row, column) order.
 *
 * @param name a short name for reports, e.g. {@code digits}
 * @param pixels all pixels
 * @param labels class of each image, in [0, classes)
 * @param channels C
 * @param size S (images are S×S)
 * @param classes number of classes
 */
public record ImageSet(
        String name, float[] pixels, int[] labels, int channels, int size, int classes) {

    /**
     * @throws IllegalArgumentException if the arrays do not fit the dimensions or a label is out of
     *     range
     */
    public ImageSet {
        int per = channels * size * size;
        if (channels < 1 || size < 1 || per <= 0 || pixels.length != labels.length * per) {
            throw new IllegalArgumentException(
                    name
                            + ": "
                            + pixels.length
                            + " pixels do not make "
                            + labels.length
                            + " images of "
                            + channels
                            + "x"
                            + size
                            + "x"
                            + size);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        name
                                + ": label "
                                + labels[i]
                                + " of image "
                                + i
                                + " not in [0, "
                                + classes
                                + ")");
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Pixels per image. */
    public int pixelsPerImage() {
        return channels * size * size;
    }

    /** The images at the given indices, in that order. */
    public ImageSet select(int[] indices) {
        int per = pixelsPerImage();
        float[] p = new float[indices.length * per];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * per, p, k * per, per);
            l[k] = labels[indices[k]];
        }
        return new ImageSet(name, p, l, channels, size, classes);
    }

    /** The first {@code n} images (all if n ≥ count). */
    public ImageSet head(int n) {
        if (n >= count()) {
            return this;
        }
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return select(idx);
    }
}
