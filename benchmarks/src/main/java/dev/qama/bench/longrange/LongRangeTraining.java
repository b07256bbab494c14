package dev.qama.bench.longrange;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A short training run of the long-range task: Adam on the cross-entropy of the key–value retrieval
 * classifier, then the accuracy on held-out examples. The entry point for {@code qama train --task
 * kv-retrieval} is {@link #run(Options, PrintStream)}; {@link #main} runs it from the command line.
 *
 * <p>The cross-entropy is written out with array operations only (log-softmax times a constant
 * one-hot array): with DJL's PyTorch engine, {@code NDArray.mul(Number)} frees its scalar while
 * autograd still needs it (see docs/djl-integration.md).
 */
public final class LongRangeTraining {

    /** What to train. Public fields with defaults; {@link #validate} checks them. */
    public static final class Options {
        /** "classical" or "qama". */
        public String attention = "qama";

        /** The sequence length N. */
        public int length = 1024;

        /** K keys. */
        public int keys = 4;

        /** V values (classes). */
        public int values = 4;

        /** Training examples (cycled through). */
        public int trainSize = 2048;

        /** Held-out examples. */
        public int testSize = 256;

        /** Model width. */
        public int dim = 32;

        /** Attention heads. */
        public int heads = 4;

        /** Examples per step. */
        public int batch = 16;

        /** Optimiser steps. */
        public int steps = 200;

        /** Adam's learning rate. */
        public float learningRate = 3e-3f;

        /** Seed of the data (test data uses seed + 1), parameters and the solver. */
        public long seed = 1;

        /** The QAMA backend. */
        public String backend = "sb";

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException naming the bad option and its value
         */
        public void validate() {
            if (!attention.equals("qama") && !attention.equals("classical")) {
                throw new IllegalArgumentException(
                        "attention '" + attention + "' is not one of qama, classical");
            }
            positive(length, "length");
            positive(trainSize, "trainSize");
            positive(testSize, "testSize");
            positive(dim, "dim");
            positive(heads, "heads");
            positive(batch, "batch");
            positive(steps, "steps");
            if (dim % heads != 0) {
                throw new IllegalArgumentException(
                        "dim (" + dim + ") must be a multiple of heads (" + heads + ")");
            }
            if (batch > trainSize) {
                throw new IllegalArgumentException(
                        "batch (" + batch + ") exceeds trainSize (" + trainSize + ")");
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
            }
        }

        private static void positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
        }
    }

    /**
     * The outcome of a run.
     *
     * @param accuracy fraction of held-out examples classified correctly
     * @param chance 1/V
     * @param firstLoss mean training loss of the first 10 % of steps
     * @param lastLoss mean training loss of the last 10 % of steps
     * @param seconds wall time of the training steps (excluding the evaluation)
     * @param evalSeconds wall time of the evaluation
     */
    public record Result(
            double accuracy,
            double chance,
            double firstLoss,
            double lastLoss,
            double seconds,
            double evalSeconds) {}

    private LongRangeTraining() {}

    /** Trains and evaluates; progress every 10 % of the steps on {@code log} (may be null). */
    public static Result run(Options o, PrintStream log) {
        o.validate();
        KvRetrievalDataset train =
                new KvRetrievalDataset(o.length, o.keys, o.values, o.trainSize, o.seed);
        KvRetrievalDataset test =
                new KvRetrievalDataset(o.length, o.keys, o.values, o.testSize, o.seed + 1);
        AttentionFactory attention =
                o.attention.equals("qama")
                        ? LongRangeModels.qama(o.backend, o.seed)
                        : LongRangeModels.classical();
        try (Model model = Model.newInstance("kv-retrieval-" + o.attention, Device.cpu())) {
            model.setBlock(LongRangeModels.classifier(train, o.dim, o.heads, attention));
            model.getNDManager().getEngine().setRandomSeed((int) o.seed);
            DefaultTrainingConfig cfg =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optDevices(new Device[] {Device.cpu()})
                            .optOptimizer(
                                    Adam.builder()
                                            .optLearningRateTracker(Tracker.fixed(o.learningRate))
                                            .build());
            int window = Math.max(1, o.steps / 10);
            double first = 0;
            double last = 0;
            long t0 = System.nanoTime();
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(o.batch, o.length));
                int perEpoch = o.trainSize / o.batch;
                for (int step = 0; step < o.steps; step++) {
                    int from = (step % perEpoch) * o.batch;
                    try (NDManager sub = model.getNDManager().newSubManager()) {
                        NDList b = train.batch(sub, from, o.batch);
                        float loss;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(b.get(0))).head();
                            NDArray l = crossEntropy(logits, b.get(1), o.values);
                            gc.backward(l);
                            loss = l.getFloat();
                        }
                        trainer.step();
                        if (step < window) {
                            first += loss / window;
                        }
                        if (step >= o.steps - window) {
                            last += loss / window;
                        }
                        if (log != null && (step + 1) % window == 0) {
                            log.printf(
                                    Locale.ROOT,
                                    "%s N=%d step %d/%d loss %.4f (%.0f s)%n",
                                    o.attention,
                                    o.length,
                                    step + 1,
                                    o.steps,
                                    loss,
                                    (System.nanoTime() - t0) / 1e9);
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            double accuracy = accuracy(model, test, o.batch);
            double evalSeconds = (System.nanoTime() - t1) / 1e9;
            return new Result(accuracy, 1.0 / o.values, first, last, seconds, evalSeconds);
        }
    }

    /** Mean cross-entropy of logits (B, C) against labels (B): −mean_b log softmax(z_b)[y_b]. */
    static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
        float[] y = labels.toFloatArray();
        float[] oneHot = new float[y.length * classes];
        for (int b = 0; b < y.length; b++) {
            oneHot[b * classes + (int) y[b]] = 1f;
        }
        NDArray target = logits.getManager().create(oneHot, new Shape(y.length, classes));
        return logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
    }

    private static double accuracy(Model model, KvRetrievalDataset test, int batch) {
        int correct = 0;
        for (int from = 0; from < test.size(); from += batch) {
            int count = Math.min(batch, test.size() - from);
            try (NDManager sub = model.getNDManager().newSubManager()) {
                NDList b = test.batch(sub, from, count);
                NDArray logits =
                        model.getBlock()
                                .forward(
                                        new ParameterStore(sub, false), new NDList(b.get(0)), false)
                                .head();
                float[] pred =
                        logits.argMax(1)
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                .toFloatArray();
                float[] y = b.get(1).toFloatArray();
                for (int i = 0; i < count; i++) {
                    if (pred[i] == y[i]) {
                        correct++;
                    }
                }
            }
        }
        return correct / (double) test.size();
    }

    /**
     * {@code [--attention qama|classical] [--length N] [--keys K] [--values V] [--train n] [--test
     * n] [--dim D] [--heads H] [--batch B] [--steps S] [--lr x] [--seed s] [--backend name]};
     * prints one result line.
     */
    public static void main(String[] args) {
        Options o = new Options();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--attention" -> o.attention = v;
                case "--length" -> o.length = Integer.parseInt(v);
                case "--keys" -> o.keys = Integer.parseInt(v);
                case "--values" -> o.values = Integer.parseInt(v);
                case "--train" -> o.trainSize = Integer.parseInt(v);
                case "--test" -> o.testSize = Integer.parseInt(v);
                case "--dim" -> o.dim = Integer.parseInt(v);
                case "--heads" -> o.heads = Integer.parseInt(v);
                case "--batch" -> o.batch = Integer.parseInt(v);
                case "--steps" -> o.steps = Integer.parseInt(v);
                case "--lr" -> o.learningRate = Float.parseFloat(v);
                case "--seed" -> o.seed = Long.parseLong(v);
                case "--backend" -> o.backend = v;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "option " + args[args.length - 1] + " needs a value");
        }
        Result r = run(o, System.err);
        System.out.printf(
                Locale.ROOT,
                "kv-retrieval attention=%s N=%d K=%d V=%d steps=%d batch=%d: accuracy %.3f"
                        + " (chance %.3f), loss %.3f -> %.3f, train %.0f s, eval %.0f s%n",
                o.attention,
                o.length,
                o.keys,
                o.values,
                o.steps,
                o.batch,
                r.accuracy(),
                r.chance(),
                r.firstLoss(),
                r.lastLoss(),
                r.seconds(),
                r.evalSeconds());
        System.exit(0);
    }
}
