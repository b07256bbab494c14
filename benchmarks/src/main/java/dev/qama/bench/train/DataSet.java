package dev.qama.bench.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One data set of {@code qama train}: its name, task, a one-line description (where it comes from
 * and how to install it), its default number of epochs and its loader. The entries are listed in
 * {@link DataSets#ALL}; adding a data set is adding one entry there.
 *
 * @param name the {@code --dataset} name
 * @param task image or text
 * @param defaultEpochs the epochs when {@code --epochs} is not given
 * @param summary one line for {@code qama train --help}: what it is, where it comes from, its split
 * @param install how to install it when it is missing (a command), or null when nothing is needed
 * @param loader reads the training and test splits
 */
public record DataSet(
        String name, Task task, int defaultEpochs, String summary, String install, Loader loader) {

    /** The tasks a data set can belong to. */
    public enum Task {
        /** Labelled square images (SimpleViT). */
        IMAGE,
        /** Labelled texts (the text transformer). */
        TEXT;

        /** The {@code --task} value: image or text. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a run's data comes from: the {@code qama train} options that locate files, and the seed
     * of splits that are not fixed by the source.
     *
     * @param dataDir {@code --data-dir}, or null for the data set's default place
     * @param trainImages {@code --train-images} (idx)
     * @param trainLabels {@code --train-labels} (idx)
     * @param testImages {@code --test-images} (idx)
     * @param testLabels {@code --test-labels} (idx)
     * @param trainCsv {@code --train-csv} (csv)
     * @param testCsv {@code --test-csv} (csv)
     * @param spamDir {@code --spam-dir} (spam-assassin)
     * @param seed the run's seed: seeded splits use it
     */
    public record Sources(
            Path dataDir,
            Path trainImages,
            Path trainLabels,
            Path testImages,
            Path testLabels,
            Path trainCsv,
            Path testCsv,
            Path spamDir,
            long seed) {

        /** No files given, only a seed. */
        public static Sources seedOnly(long seed) {
            return new Sources(null, null, null, null, null, null, null, null, seed);
        }

        /** {@code dataDir} when given, else {@code fallback}. */
        public Path dir(Path fallback) {
            return dataDir != null ? dataDir : fallback;
        }
    }

    /** What a loader read: the training and test splits, and the names of the classes. */
    public sealed interface Splits permits ImageSplits, TextSplits {
        /** The class names, index = label. */
        List<String> classNames();
    }

    /**
     * The splits of an image data set.
     *
     * @param train the training images
     * @param test the test images
     * @param classNames index = label
     */
    public record ImageSplits(ImageSet train, ImageSet test, List<String> classNames)
            implements Splits {}

    /**
     * The splits of a text data set.
     *
     * @param train the training texts
     * @param test the test texts
     * @param classNames index = label
     */
    public record TextSplits(TextData.Texts train, TextData.Texts test, List<String> classNames)
            implements Splits {}

    /** Reads a data set. */
    @FunctionalInterface
    public interface Loader {
        /**
         * @throws IllegalArgumentException when the data is missing (naming what to install) or
         *     malformed (naming the file)
         * @throws IOException when a file cannot be read
         */
        Splits load(Sources sources) throws IOException;
    }

    /**
     * Reads the splits.
     *
     * @throws IllegalStateException if the loader returns splits of another task
     */
    public Splits load(Sources sources) throws IOException {
        Splits s = loader.load(sources);
        if ((task == Task.IMAGE) != (s instanceof ImageSplits)) {
            throw new IllegalStateException(name + ": the loader returned " + s.getClass());
        }
        return s;
    }

    /** The class names 0..k−1 as strings. */
    public static List<String> numbered(int k) {
        return java.util.stream.IntStream.range(0, k).mapToObj(Integer::toString).toList();
    }
}
