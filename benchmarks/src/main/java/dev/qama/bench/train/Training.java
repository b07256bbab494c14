package dev.qama.bench.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.Seeds;
import dev.qama.djl.QamaTrainingListener;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import dev.qama.djl.SampleKeys;
import dev.qama.djl.SolverStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The training loop of {@code qama train}: Adam on the mean softmax cross-entropy ({@link
 * CrossEntropy}), seeded batch order, then one evaluation on the held-out split after the last
 * epoch (and, for the learning curve, after every {@link TrainSpec#evalEvery()}-th epoch).
 * Everything random derives from {@link TrainSpec#seed()}: the engine's RNG (parameter
 * initialisation) is seeded with it, epoch e's batch order with {@code Seeds.forStream(seed, e)},
 * and the QAMA block's solver seed is the seed itself; with one PyTorch thread the same seed gives
 * the same numbers.
 */
public final class Training {
    /** Receives progress (on the training thread). */
    public interface Listener {
        /** After each step: the epoch's mean loss and running accuracy so far. */
        default void onStep(
                int epoch, int step, int steps, double loss, double accuracy, double seconds) {}

        /** After each epoch. */
        default void onEpoch(History.Epoch epoch) {}
    }

    /**
     * The outcome of a run.
     *
     * @param epochs completed epochs
     * @param trainAccuracy running training accuracy of the last epoch
     * @param trainLoss mean training loss of the last epoch
     * @param testAccuracy accuracy on the held-out split after the last epoch
     * @param trainSeconds wall-clock seconds of the training epochs
     * @param solverSeconds seconds in the annealer backend during training (0 for classical)
     * @param testSeconds seconds of the final evaluation
     * @param solver the backend's name, or null for classical attention
     * @param selections for QAMA, the selections w (heads × tokens) of the plotted test examples
     * @param selectionExamples their indices in the test set
     * @param model the file the trained model was saved in, or null when it was not saved
     */
    public record Result(
            int epochs,
            double trainAccuracy,
            double trainLoss,
            double testAccuracy,
            double trainSeconds,
            double solverSeconds,
            double testSeconds,
            String solver,
            List<double[]> selections,
            int[] selectionExamples,
            Path model) {

        /** This result with the file the model was saved in. */
        public Result withModel(Path file) {
            return new Result(
                    epochs,
                    trainAccuracy,
                    trainLoss,
                    testAccuracy,
                    trainSeconds,
                    solverSeconds,
                    testSeconds,
                    solver,
                    selections,
                    selectionExamples,
                    file);
        }
    }

    private Training() {}

    /** The name under which {@link #run} saves the trained model: {@code model-0000.params}. */
    public static final String MODEL_NAME = "model";

    /**
     * Trains a model built by {@code model} (given the attention factory of the spec) and returns
     * the measurements; {@code history} receives each epoch as it ends.
     *
     * @param selectionExamples test indices whose QAMA selections to record (may be empty)
     * @param saveTo a directory to save the trained model in ({@link Model#save} under {@link
     *     #MODEL_NAME}, so DJL's {@code Model.load(dir, "model")} reads it back), or null
     * @throws UncheckedIOException if the model cannot be saved
     */
    public static Result run(
            TrainSpec spec,
            Function<AttentionFactory, Block> model,
            Examples train,
            Examples test,
            History history,
            Listener listener,
            int[] selectionExamples,
            Path saveTo) {
        SolverStatistics backend = null;
        if (spec.quantum()) {
            backend =
                    new SolverStatistics(
                            spec.solver() == null
                                    ? Annealers.createDefault()
                                    : spec.solver().create());
        }
        AttentionFactory factory = attentionFactory(spec, backend);
        try (Model m = Model.newInstance("qama-train", "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed((int) (spec.seed() ^ (spec.seed() >>> 32)));
            m.setBlock(model.apply(factory));
            DefaultTrainingConfig cfg =
                    new DefaultTrainingConfig(new CrossEntropy())
                            .optDevices(new Device[] {Device.cpu()})
                            .optOptimizer(
                                    Adam.builder()
                                            .optLearningRateTracker(
                                                    Tracker.fixed(spec.learningRate()))
                                            .build());
            QamaTrainingListener qamaListener = null;
            if (backend != null) {
                qamaListener = new QamaTrainingListener(backend);
                cfg.addTrainingListeners(qamaListener);
            }
            Result result;
            try (Trainer trainer = m.newTrainer(cfg)) {
                trainer.initialize(train.inputShapes(Math.min(spec.batchSize(), train.count())));
                trainer.notifyListeners(l -> l.onTrainingBegin(trainer));
                result =
                        loop(
                                spec,
                                trainer,
                                train,
                                test,
                                history,
                                listener,
                                backend,
                                qamaListener,
                                selectionExamples);
            }
            if (saveTo != null) {
                try {
                    m.save(saveTo, MODEL_NAME);
                    int epoch = ai.djl.util.Utils.getCurrentEpoch(saveTo, MODEL_NAME);
                    result =
                            result.withModel(
                                    saveTo.resolve(
                                            String.format(
                                                    java.util.Locale.ROOT,
                                                    "%s-%04d.params",
                                                    MODEL_NAME,
                                                    epoch)));
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "could not save the trained model in " + saveTo + ": " + e, e);
                }
            }
            return result;
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    /**
     * The SimpleViT of {@code qama train --task image}: S×S images of C channels cut into P×P
     * patches, width 64, one encoder layer, 8 heads, MLP 64, K classes. Training and inference
     * ({@code TrainedModel}) build it here.
     */
    public static Function<AttentionFactory, Block> imageModel(
            int size, int patch, int channels, int classes) {
        return factory ->
                dev.qama.djl.QamaEncoders.simpleVit(
                        size, patch, channels, 64, 1, 8, 64, classes, factory);
    }

    /**
     * The attention layers of a model trained or rebuilt from {@code spec}: DJL's classical block,
     * none (the ablation), or QAMA blocks with the spec's formulation, output mode, QUBO settings
     * and seed, solving on {@code backend}. Training and inference ({@code TrainedModel}) build
     * their blocks here, so a rebuilt model has exactly the trained configuration.
     *
     * @param backend the QAMA blocks' backend (ignored unless the spec is QAMA; then not null)
     */
    public static AttentionFactory attentionFactory(
            TrainSpec spec, dev.qama.core.spi.AnnealerBackend backend) {
        return switch (spec.attention()) {
            case NONE ->
                    (e, h, p) -> new LambdaBlock(x -> new NDList(x.head().zerosLike()), "none");
            case CLASSICAL -> AttentionFactory.classical();
            case QAMA -> {
                if (backend == null) {
                    throw new IllegalArgumentException("QAMA attention needs a backend");
                }
                yield AttentionFactory.qama(
                        q ->
                                spec.qubo()
                                        .applyTo(q)
                                        .optFormulation(spec.formulation())
                                        .optOutputMode(spec.outputMode())
                                        .optCouplingForm(spec.couplingForm())
                                        .optBackend(backend)
                                        .optSeed(spec.seed()));
            }
        };
    }

    private static Result loop(
            TrainSpec spec,
            Trainer trainer,
            Examples train,
            Examples test,
            History history,
            Listener listener,
            SolverStatistics backend,
            QamaTrainingListener qamaListener,
            int[] selectionExamples) {
        CrossEntropy loss = new CrossEntropy();
        int n = train.count();
        int steps = (n + spec.batchSize() - 1) / spec.batchSize();
        long start = System.nanoTime();
        double lastLoss = Double.NaN;
        double lastAcc = Double.NaN;
        double testAcc = Double.NaN;
        double testSeconds = 0;
        double evalWall = 0; // seconds of intermediate evaluations, not training
        double evalSolver = 0;
        for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
            int[] order = Split.permutation(n, Seeds.forStream(spec.seed(), epoch));
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            long epochStart = System.nanoTime();
            if (backend != null) {
                qamaListener.startEpoch(); // the previous evaluation's solves are not counted
            }
            double[] grads = new double[3];
            for (int s = 0; s < steps; s++) {
                int[] idx =
                        Arrays.copyOfRange(
                                order,
                                s * spec.batchSize(),
                                Math.min(n, (s + 1) * spec.batchSize()));
                try (NDManager bm = trainer.getManager().newSubManager()) {
                    NDList x = train.batch(bm, idx);
                    NDArray y = oneHot(bm, train, idx);
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits;
                        // the examples' indices name them to blocks with warm starts
                        try (SampleKeys keys = SampleKeys.open(idx)) {
                            logits = trainer.forward(x).singletonOrThrow();
                        }
                        NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                        gc.backward(l);
                        float v = l.getFloat();
                        if (!Float.isFinite(v)) {
                            throw new IllegalStateException(
                                    "the training loss became "
                                            + v
                                            + " at epoch "
                                            + epoch
                                            + ", step "
                                            + (s + 1));
                        }
                        lossSum += (double) v * idx.length;
                        correct += countCorrect(logits, train, idx);
                    }
                    addGradientNorms(trainer, grads);
                    trainer.step();
                }
                seen += idx.length;
                listener.onStep(
                        epoch,
                        s + 1,
                        steps,
                        lossSum / seen,
                        (double) correct / seen,
                        (System.nanoTime() - epochStart) * 1e-9);
            }
            lastLoss = lossSum / seen;
            lastAcc = (double) correct / seen;
            // the epoch's training solves, before any evaluation below
            trainer.notifyListeners(l -> l.onEpoch(trainer));
            SolverStatistics.Snapshot trainingStats =
                    qamaListener == null ? null : qamaListener.lastEpoch().statistics();
            double trained = (System.nanoTime() - start) * 1e-9 - evalWall;
            double solved = (backend == null ? 0 : backend.totalSeconds()) - evalSolver;
            boolean last = epoch == spec.epochs();
            double epochTest = Double.NaN;
            if (last || (spec.evalEvery() > 0 && epoch % spec.evalEvery() == 0)) {
                long t0 = System.nanoTime();
                double s0 = backend == null ? 0 : backend.totalSeconds();
                epochTest = evaluate(trainer, test, spec.batchSize());
                double wall = (System.nanoTime() - t0) * 1e-9;
                evalWall += wall;
                evalSolver += (backend == null ? 0 : backend.totalSeconds()) - s0;
                if (last) {
                    testAcc = epochTest;
                    testSeconds = wall;
                }
            }
            SolverStatistics.Snapshot stats = trainingStats;
            History.Diagnostics diag =
                    new History.Diagnostics(
                            grads[0] / steps,
                            grads[1] / steps,
                            grads[2] / steps,
                            stats == null ? Double.NaN : stats.meanEnergy(),
                            stats == null ? Double.NaN : stats.headOverlap(),
                            stats == null ? new double[0] : stats.selectedPerHead());
            History.Epoch e =
                    new History.Epoch(epoch, lastLoss, lastAcc, trained, solved, epochTest, diag);
            history.add(e);
            listener.onEpoch(e);
        }
        History.Epoch end = history.last();
        double trainSeconds = end == null ? 0 : end.seconds();
        double solverSeconds = end == null ? 0 : end.solverSeconds();
        List<double[]> selections = List.of();
        if (backend != null && selectionExamples.length > 0) {
            backend.keepSelections(true);
            try (NDManager bm = trainer.getManager().newSubManager()) {
                trainer.evaluate(test.batch(bm, selectionExamples));
            }
            backend.keepSelections(false);
            selections = new ArrayList<>(backend.keptSelections());
        }
        return new Result(
                spec.epochs(),
                lastAcc,
                lastLoss,
                testAcc,
                trainSeconds,
                solverSeconds,
                testSeconds,
                backend == null ? null : backend.name(),
                selections,
                selectionExamples.clone(),
                null);
    }

    /**
     * Adds the Frobenius norms of the gradients of the query, key and value projection weights
     * (summed over layers) to {@code sums[0..2]}. The attention blocks of DJL and QAMA name them
     * alike ({@code ...queryProjection_weight}).
     */
    private static void addGradientNorms(Trainer trainer, double[] sums) {
        String[] names = {
            "queryProjection_weight", "keyProjection_weight", "valueProjection_weight"
        };
        double[] sq = new double[3];
        try (NDManager tmp = trainer.getManager().newSubManager()) {
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p :
                    trainer.getModel().getBlock().getParameters()) {
                for (int k = 0; k < 3; k++) {
                    if (p.getKey().endsWith(names[k])) {
                        NDArray g = p.getValue().getArray().getGradient();
                        g.attach(tmp); // the handle and its products are freed with tmp
                        sq[k] += g.square().sum().getFloat();
                    }
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            sums[k] += Math.sqrt(sq[k]);
        }
    }

    /** Accuracy of the model on all of {@code set}, in batches (no training). */
    static double evaluate(Trainer trainer, Examples set, int batchSize) {
        long correct = 0;
        int n = set.count();
        for (int from = 0; from < n; from += batchSize) {
            int[] idx = new int[Math.min(batchSize, n - from)];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = from + k;
            }
            try (NDManager bm = trainer.getManager().newSubManager()) {
                NDArray logits = trainer.evaluate(set.batch(bm, idx)).singletonOrThrow();
                correct += countCorrect(logits, set, idx);
            }
        }
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    private static long countCorrect(NDArray logits, Examples set, int[] idx) {
        long[] pred = logits.argMax(1).toLongArray();
        long c = 0;
        for (int k = 0; k < idx.length; k++) {
            if (pred[k] == set.label(idx[k])) {
                c++;
            }
        }
        return c;
    }

    private static NDArray oneHot(NDManager m, Examples set, int[] idx) {
        int k = set.classes();
        float[] y = new float[idx.length * k];
        for (int i = 0; i < idx.length; i++) {
            y[i * k + set.label(idx[i])] = 1f;
        }
        return m.create(y, new Shape(idx.length, k));
    }
}
