package dev.qama.cli;

import ai.djl.nn.Block;
import dev.qama.bench.train.DataSet;
import dev.qama.bench.train.DataSets;
import dev.qama.bench.train.Examples;
import dev.qama.bench.train.ImageSet;
import dev.qama.bench.train.Split;
import dev.qama.bench.train.TextData;
import dev.qama.bench.train.Training;
import dev.qama.core.spi.Seeds;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a {@code qama train} run trains on: the data set of the registry ({@link DataSets}) that the
 * options name, capped ({@code --max-train}, {@code --max-test}) and optionally with a validation
 * share held out of the training split ({@code --validation}), plus the model that fits it.
 */
final class TrainData {
    String task;
    String name;
    Examples train;

    /** The held-out split: the test split, or with --validation a share of the training one. */
    Examples test;

    /** "test" or "validation": what {@link #test} is. */
    String heldOut = "test";

    ImageSet trainImages;
    ImageSet testImages;
    int patch;
    int[] selectionRows = new int[0];
    int defaultEpochs;

    /** Builds the model for an attention factory. */
    Function<AttentionFactory, Block> model;

    boolean validation() {
        return heldOut.equals("validation");
    }

    /** Loads the data of an image or text run. */
    static TrainData load(TrainCommand o) throws IOException {
        return switch (o.task) {
            case "image" -> imageData(o);
            case "text" -> textData(o);
            default ->
                    throw new UserException(
                            "--task must be image, text or kv-retrieval, got '" + o.task + "'");
        };
    }

    private static DataSet.Sources sources(TrainCommand o) {
        return new DataSet.Sources(
                o.dataDir,
                o.trainImages,
                o.trainLabels,
                o.testImages,
                o.testLabels,
                o.trainCsv,
                o.testCsv,
                o.spamDir,
                o.seed);
    }

    private static TrainData imageData(TrainCommand o) throws IOException {
        DataSet.Sources src = sources(o);
        DataSet ds = DataSets.resolve(DataSet.Task.IMAGE, o.dataset, src);
        DataSet.ImageSplits splits = (DataSet.ImageSplits) ds.load(src);
        ImageSet train = splits.train();
        ImageSet test = splits.test();
        int classes = Math.max(train.classes(), test.classes());
        train = withClasses(train, classes);
        test = withClasses(test, classes);
        train = cap(train, o.maxTrain, o.seed, 11);
        test = cap(test, o.maxTest, o.seed, 12);
        int p = o.patch != null ? o.patch : (train.size() == 8 ? 2 : 4);
        if (p < 1 || train.size() % p != 0) {
            throw new UserException(
                    "--patch " + p + " does not divide the image size " + train.size());
        }
        TrainData d = new TrainData();
        d.task = "image";
        d.name = train.name();
        d.train = Examples.of(train);
        d.test = Examples.of(test);
        d.trainImages = train;
        d.testImages = test;
        d.patch = p;
        d.defaultEpochs = ds.defaultEpochs();
        d.selectionRows = firstOfClasses(test, 6);
        int size = train.size();
        int ch = train.channels();
        int k = classes;
        d.model = Training.imageModel(size, p, ch, k);
        return d;
    }

    private static TrainData textData(TrainCommand o) throws IOException {
        TextData.checkMaxLength(o.maxLength);
        DataSet.Sources src = sources(o);
        DataSet ds = DataSets.resolve(DataSet.Task.TEXT, o.dataset, src);
        DataSet.TextSplits splits = (DataSet.TextSplits) ds.load(src);
        TextData.Loaded t =
                TextData.load(ds.name(), splits, o.seed, o.maxLength, o.maxTrain, o.maxTest);
        TrainData d = new TrainData();
        d.task = "text";
        d.name = t.name();
        d.train = t.train();
        d.test = t.test();
        d.defaultEpochs = ds.defaultEpochs();
        d.model = t.model();
        return d;
    }

    /**
     * {@code --validation F}: replaces the held-out split by a seeded, stratified share F of the
     * training split (stream 13 of the seed) and trains on the rest; the test split is dropped.
     */
    void holdOutValidation(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UserException(
                    "--validation must be a fraction between 0 and 1 (exclusive), got " + fraction);
        }
        int[][] split =
                Split.stratified(
                        Examples.labels(train),
                        train.classes(),
                        fraction,
                        Seeds.forStream(seed, 13));
        if (split[0].length == 0 || split[1].length == 0) {
            throw new UserException(
                    "--validation "
                            + fraction
                            + " leaves "
                            + split[0].length
                            + " training and "
                            + split[1].length
                            + " validation examples of "
                            + train.count());
        }
        Examples all = train;
        train = Examples.subset(all, split[0]);
        test = Examples.subset(all, split[1]);
        heldOut = "validation";
        if (trainImages != null) {
            ImageSet images = trainImages;
            trainImages = images.select(split[0]);
            testImages = images.select(split[1]);
            selectionRows = firstOfClasses(testImages, 6);
        }
    }

    private static ImageSet cap(ImageSet set, Integer max, long seed, long stream) {
        if (max == null) {
            return set;
        }
        if (max < 1) {
            throw new UserException("--max-train and --max-test must be at least 1, got " + max);
        }
        if (max >= set.count()) {
            return set;
        }
        return set.select(
                Split.stratifiedSubset(
                        set.labels(), set.classes(), max, Seeds.forStream(seed, stream)));
    }

    private static ImageSet withClasses(ImageSet s, int classes) {
        return s.classes() == classes
                ? s
                : new ImageSet(s.name(), s.pixels(), s.labels(), s.channels(), s.size(), classes);
    }

    private static int[] firstOfClasses(ImageSet s, int count) {
        List<Integer> rows = new ArrayList<>();
        boolean[] seen = new boolean[s.classes()];
        for (int i = 0; i < s.count() && rows.size() < count; i++) {
            if (!seen[s.labels()[i]]) {
                seen[s.labels()[i]] = true;
                rows.add(i);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }
}
