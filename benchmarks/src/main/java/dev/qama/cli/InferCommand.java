package dev.qama.cli;

import dev.qama.bench.SolverSpec;
import dev.qama.bench.infer.ExampleCsv;
import dev.qama.bench.infer.Predictions;
import dev.qama.bench.infer.TrainedModel;
import dev.qama.bench.train.DataSets;
import dev.qama.bench.train.Digits;
import dev.qama.bench.train.Idx;
import dev.qama.bench.train.ImageSet;
import dev.qama.core.io.IoErrors;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code qama infer RUN --input FILE}: predicts with the image model that {@code qama train} saved
 * in a run directory, in this JVM. The examples and predictions formats are those of {@link
 * ExampleCsv}; the Spark job of {@code benchmarks/spark} reads and writes the same and gives the
 * same predictions bit for bit. {@code qama infer export} writes a data set as an examples file.
 */
@Command(
        name = "infer",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Predicts with an image model saved by qama train (its run directory): reads examples"
                    + " (id,x0,x1,... per line, pixels scaled to [0, 1]) and writes"
                    + " id,prediction,logit0,... per line.",
            "Batches have a fixed size (the last one is padded), so an example's logits depend"
                    + " only on the example: the Spark job (docs/deployment.md) gives the same."
        },
        subcommands = {InferCommand.Export.class},
        footer = {
            "",
            "Examples:",
            "  qama train --attention qama --epochs 5 --out runs/q",
            "  qama infer export --dataset digits --out digits.csv",
            "  qama infer runs/q --input digits.csv --out predictions.csv"
        })
public final class InferCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "RUN",
            description = "The run directory of qama train (result.json and model-NNNN.params).")
    Path run;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "Examples: id,x0,x1,... per line (a header line starting with id).")
    Path input;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Predictions file (default: stdout).")
    Path out;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            defaultValue = "64",
            description =
                    "Examples per forward pass; the same B gives the same logits bit for bit"
                            + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = {"-s", "--solver"},
            paramLabel = "NAME[:k=v,...]",
            description =
                    "QAMA: solve on this backend instead of the trained one, e.g."
                            + " remote:endpoints=http://pool:8080.")
    String solver;

    @Override
    public Integer call() throws IOException {
        if (run == null) {
            throw new UserException("give the run directory of qama train (qama infer RUN)");
        }
        if (input == null) {
            throw new UserException("give the examples with --input FILE");
        }
        if (batchSize < 1) {
            throw new UserException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!Files.isRegularFile(input)) {
            throw new UserException("--input " + input + ": no such file");
        }
        SolverSpec s = solver == null ? null : SolverSpec.parse(solver);
        long t0 = System.nanoTime();
        long count;
        try (TrainedModel model = TrainedModel.load(run, s);
                TrainedModel.Scorer scorer = model.newScorer(batchSize)) {
            long loaded = System.nanoTime();
            Writer w =
                    out == null
                            ? spec.commandLine().getOut()
                            : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
            try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                count = predict(model, scorer, r, input.toString(), w);
            } catch (IOException e) {
                throw IoErrors.withFile(input, e);
            } catch (java.io.UncheckedIOException e) { // from BufferedReader.lines()
                throw IoErrors.withFile(input, e.getCause());
            } finally {
                if (out != null) {
                    w.close();
                } else {
                    w.flush();
                }
            }
            double seconds = (System.nanoTime() - loaded) * 1e-9;
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "qama infer: %d examples in %.2f s (%.1f examples/s, model loaded in"
                                    + " %.2f s), %s%s%n",
                            count,
                            seconds,
                            count / Math.max(1e-9, seconds),
                            (loaded - t0) * 1e-9,
                            model.description(),
                            out == null ? "" : " -> " + out);
        }
        return Main.EXIT_OK;
    }

    /**
     * Reads examples from {@code in} and writes the header and one prediction per example to {@code
     * w}.
     *
     * @param name the input's name for messages
     * @return the number of examples
     */
    static long predict(
            TrainedModel model,
            TrainedModel.Scorer scorer,
            BufferedReader in,
            String name,
            Writer w)
            throws IOException {
        w.write(ExampleCsv.predictionHeader(model.classes()) + "\n");
        Predictions p = new Predictions(model, scorer, in.lines().iterator(), i -> name + ":" + i);
        while (p.hasNext()) {
            w.write(p.next());
            w.write('\n');
        }
        return p.examples();
    }

    /** {@code qama infer export}: a data set's images as an examples file. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Writes images as an examples file for qama infer and the Spark job: the"
                            + " embedded digits (all 1,797), the Fashion-MNIST test images, or"
                            + " IDX files.")
    static final class Export implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--dataset",
                paramLabel = "digits|fashion-mnist|idx",
                description = "digits (default), fashion-mnist (its 10,000 test images) or idx.")
        String dataset;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description =
                        "fashion-mnist: the IDX directory (default: "
                                + "/usr/share/datasets/fashion-mnist).")
        Path dataDir;

        @Option(names = "--images", paramLabel = "FILE", description = "idx: the IDX images.")
        Path images;

        @Option(names = "--labels", paramLabel = "FILE", description = "idx: their IDX labels.")
        Path labels;

        @Option(
                names = "--repeat",
                paramLabel = "R",
                defaultValue = "1",
                description =
                        "Write the images R times (ids continue), for a larger file to measure"
                                + " with (default: ${DEFAULT-VALUE}).")
        int repeat;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "The examples file (default: stdout).")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (repeat < 1) {
                throw new UserException("--repeat must be at least 1, got " + repeat);
            }
            String ds = dataset == null ? (images != null ? "idx" : "digits") : dataset;
            ImageSet set =
                    switch (ds) {
                        case "digits" -> Digits.load();
                        case "fashion-mnist" -> {
                            Path d = dataDir != null ? dataDir : DataSets.FASHION_DIR;
                            Path im = DataSets.find(d, "t10k-images-idx3-ubyte");
                            Path lb = DataSets.find(d, "t10k-labels-idx1-ubyte");
                            if (im == null || lb == null) {
                                throw new UserException(
                                        "fashion-mnist: the IDX test files are not in "
                                                + d
                                                + "; install the Debian package"
                                                + " dataset-fashion-mnist or pass --data-dir");
                            }
                            yield Idx.load("fashion-mnist", im, lb);
                        }
                        case "idx" -> {
                            if (images == null || labels == null) {
                                throw new UserException("idx: give --images and --labels");
                            }
                            yield Idx.load("idx", images, labels);
                        }
                        default ->
                                throw new UserException(
                                        "--dataset must be digits, fashion-mnist or idx, got '"
                                                + ds
                                                + "'");
                    };
            if (repeat > 1) {
                int[] idx = new int[Math.multiplyExact(set.count(), repeat)];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i % set.count();
                }
                set = set.select(idx);
            }
            Writer w =
                    out == null
                            ? spec.commandLine().getOut()
                            : new BufferedWriter(
                                    new OutputStreamWriter(
                                            Files.newOutputStream(out), StandardCharsets.UTF_8));
            try {
                ExampleCsv.write(set, w);
            } finally {
                if (out != null) {
                    w.close();
                } else {
                    w.flush();
                }
            }
            if (out != null) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                Locale.ROOT,
                                "wrote %d %s images (%dx%dx%d) to %s%n",
                                set.count(),
                                ds,
                                set.channels(),
                                set.size(),
                                set.size(),
                                out);
            }
            return Main.EXIT_OK;
        }
    }
}
