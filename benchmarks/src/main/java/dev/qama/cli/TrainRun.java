package dev.qama.cli;

import dev.qama.bench.longrange.LongRangeTraining;
import dev.qama.bench.train.History;
import dev.qama.bench.train.Plots;
import dev.qama.bench.train.RunReport;
import dev.qama.bench.train.TrainSpec;
import dev.qama.bench.train.Training;
import dev.qama.djl.QamaAttentionBlock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a {@code qama train} training and reports it: the run directory, progress on stderr, the
 * Ctrl-C hook that writes what was measured so far, the summary and JSON on stdout, {@code
 * result.json}, {@code history.csv} and the pictures; also the kv-retrieval task.
 */
final class TrainRun {
    private final TrainCommand opts;
    private final TrainData data;
    private final TrainSpec ts;
    private final PrintWriter stdout;
    private final PrintWriter err;

    TrainRun(TrainCommand opts, TrainData data, TrainSpec ts, PrintWriter stdout, PrintWriter err) {
        this.opts = opts;
        this.data = data;
        this.ts = ts;
        this.stdout = stdout;
        this.err = err;
    }

    /** Trains, writes the run directory and prints the result; returns the exit code. */
    int run() throws IOException {
        boolean quantum = ts.quantum();
        RunDirectory runDir = RunDirectory.create(opts.out, Path.of("runs"), LocalDateTime.now());
        Path dir = runDir.path();
        History history = new History();
        boolean interactive = System.console() != null;
        Progress progress = new Progress(err, ts.epochs(), interactive, data.heldOut);
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
                                String j = json(null, history, true);
                                writeOutputs(dir, j, history, label, null);
                                if (opts.json) {
                                    stdout.println(j);
                                } else {
                                    summary(null, history, dir);
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
                    quantum ? " (" + opts.formulation + ", " + opts.outputMode + ")" : "",
                    data.train.count(),
                    data.test.count(),
                    data.heldOut,
                    ts.epochs(),
                    opts.batchSize,
                    opts.seed,
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
        String j = json(r, history, false);
        writeOutputs(dir, j, history, label, r);
        if (opts.json) {
            stdout.println(j);
        } else {
            summary(r, history, dir);
            stdout.println(j);
        }
        stdout.flush();
        return Main.EXIT_OK;
    }

    static String label(TrainSpec ts) {
        return ts.quantum()
                ? "qama "
                        + RunReport.formulationLabel(ts.formulation().cliName())
                        + " "
                        + ts.outputMode().cliName()
                : "classical";
    }

    private void summary(Training.Result r, History history, Path dir) {
        PrintWriter o = stdout;
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

    private String json(Training.Result r, History history, boolean interrupted) {
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
            j.put("formulation", ts.formulation().cliName())
                    .put("output_mode", opts.outputMode)
                    .put("coupling", opts.coupling)
                    .put("bits", ts.qubo().bits())
                    .put("coupling_scale", ts.qubo().couplingScale())
                    .put("linear_scale", ts.qubo().linearScale())
                    .put("penalty_scale", ts.qubo().penaltyScale())
                    .put("selection_gradient", ts.qubo().selectionGradient())
                    .put("reads", ts.qubo().reads())
                    .put("average_reads", ts.qubo().averageReads())
                    .put("warm_starts", ts.qubo().warmStarts())
                    // β, γ and the warm-up in effect (not only when given), so that `qama
                    // infer` rebuilds the same mix after a change of the defaults
                    .put(
                            "unselected_penalty",
                            Objects.requireNonNullElse(
                                    ts.qubo().unselectedPenalty(),
                                    QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY))
                    .put(
                            "energy_scale",
                            Objects.requireNonNullElse(
                                    ts.qubo().energyScale(),
                                    QamaAttentionBlock.DEFAULT_ENERGY_SCALE))
                    .put(
                            "selection_warmup",
                            Objects.requireNonNullElse(
                                    ts.qubo().selectionWarmup(),
                                    QamaAttentionBlock.DEFAULT_SELECTION_WARMUP))
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
        // the caps asked for (null = all): runs of one setting share them, while the split sizes
        // of a data set split by groups (sotu-party: by address) vary with the seed
        j.put("max_train", opts.maxTrain).put("train_size", (long) data.train.count());
        if (data.validation()) {
            j.put("validation_accuracy", r == null ? null : r.testAccuracy())
                    .put("validation_size", (long) data.test.count())
                    .put("test_size", (Integer) null); // the test split is not used
        } else {
            j.put("max_test", opts.maxTest).put("test_size", (long) data.test.count());
        }
        j.put("batch_size", (long) ts.batchSize())
                .put("lr", Double.parseDouble(Float.toString(ts.learningRate())))
                .put("planned_epochs", (long) ts.epochs())
                .put("interrupted", interrupted);
        return j.toString();
    }

    private void writeOutputs(Path dir, String j, History history, String label, Training.Result r)
            throws IOException {
        Files.writeString(dir.resolve("result.json"), j + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("history.csv"), history.toCsv(), StandardCharsets.UTF_8);
        if (opts.noPlots) {
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
    static int kvRetrieval(TrainCommand c, PrintWriter stdout, PrintWriter err) {
        if (!c.attention.equals("classical") && !c.attention.equals("qama")) {
            throw new UserException(
                    "--attention must be classical or qama for kv-retrieval, got '"
                            + c.attention
                            + "'");
        }
        if (Boolean.TRUE.equals(c.warmStarts)) {
            throw new UserException(
                    "--warm-starts does not apply to --task kv-retrieval: it draws new examples at"
                            + " every step, so no example is seen twice");
        }
        LongRangeTraining.Options lo = new LongRangeTraining.Options();
        lo.attention = c.attention;
        lo.length = c.length;
        lo.steps = c.steps;
        lo.seed = c.seed;
        if (c.solver != null) {
            lo.backend = c.solver;
        }
        lo.validate();
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
        LongRangeTraining.Result r = LongRangeTraining.run(lo, log);
        Json j =
                new Json()
                        .put("task", "kv-retrieval")
                        .put("dataset", "kv-retrieval-" + c.length)
                        .put("attention", c.attention)
                        .put("steps", c.steps)
                        .put("seed", c.seed)
                        .put("test_accuracy", r.accuracy())
                        .put("chance", r.chance())
                        .put("first_loss", r.firstLoss())
                        .put("last_loss", r.lastLoss())
                        .put("train_seconds", r.seconds());
        stdout.println(j);
        return Main.EXIT_OK;
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
}
