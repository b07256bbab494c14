package dev.qama.bench.infer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import dev.qama.bench.SolverSpec;
import dev.qama.bench.train.RunReport;
import dev.qama.bench.train.TrainSpec;
import dev.qama.bench.train.Training;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image model trained by {@code qama train}, rebuilt from its run directory: {@code result.json}
 * gives the architecture (image size, channels, patch, classes) and the attention with all its
 * settings (formulation, output mode, coupling form, QUBO coefficients, reads, seed, solver and its
 * options), the file it names under {@code "model"} (e.g. {@code model-0000.params}, written by
 * DJL's {@code Model.save}) the trained parameters.
 *
 * <p>{@link Scorer}s compute logits in batches of a fixed size, the last one padded with zero
 * images: the engine's matrix products can differ in the last bit between batch sizes, so with
 * every batch of the same shape an example's logits depend only on the example (QAMA seeds each
 * batch element from the block seed and the element's own mask, never from its neighbours). The
 * same input therefore gives the same logits, bit for bit, in any batch, file, partition or JVM
 * with the same batch size and one PyTorch thread.
 */
public final class TrainedModel implements AutoCloseable {
    private static final Pattern PARAMS = Pattern.compile("(.+)-(\\d{4})\\.params");

    private final Model model;
    private final AnnealerBackend backend;
    private final int size;
    private final int channels;
    private final int classes;
    private final String description;

    private TrainedModel(
            Model model,
            AnnealerBackend backend,
            int size,
            int channels,
            int classes,
            String description) {
        this.model = model;
        this.backend = backend;
        this.size = size;
        this.channels = channels;
        this.classes = classes;
        this.description = description;
    }

    /**
     * Rebuilds the model of a {@code qama train} run directory.
     *
     * @param runDir the run directory (with {@code result.json} and the saved parameters)
     * @param solver the QAMA backend to solve on instead of the one it was trained with (e.g. a
     *     solver pool, {@code remote:endpoints=...}), or null for the trained one; ignored for
     *     classical attention
     * @throws IllegalArgumentException naming the directory and what is missing or wrong
     * @throws IOException if a file cannot be read
     */
    public static TrainedModel load(Path runDir, SolverSpec solver) throws IOException {
        Path resultFile = runDir.resolve("result.json");
        if (!Files.isRegularFile(resultFile)) {
            throw new IllegalArgumentException(
                    runDir + ": no result.json (not a qama train run directory)");
        }
        Map<String, Object> r = RunReport.readResult(resultFile);
        Object task = r.get("task");
        if (!"image".equals(task)) {
            throw new IllegalArgumentException(
                    resultFile
                            + ": the task is "
                            + task
                            + "; inference reads image models (qama train --task image)");
        }
        Object file = r.get("model");
        if (!(file instanceof String name)) {
            throw new IllegalArgumentException(
                    resultFile
                            + ": no saved model (\"model\" is "
                            + file
                            + "); an interrupted run saves none: train again");
        }
        Matcher m = PARAMS.matcher(name);
        if (!m.matches() || !Files.isRegularFile(runDir.resolve(name))) {
            throw new IllegalArgumentException(
                    resultFile + ": the model file '" + name + "' is not in " + runDir);
        }
        int size = integer(r, "image_size", resultFile);
        int channels = integer(r, "channels", resultFile);
        int patch = integer(r, "patch", resultFile);
        int classes = integer(r, "classes", resultFile);
        TrainSpec spec = spec(r, solver, resultFile);
        AnnealerBackend backend = null;
        Model model = null;
        try {
            if (spec.quantum()) {
                backend =
                        spec.solver() == null ? Annealers.createDefault() : spec.solver().create();
            }
            Block block =
                    Training.imageModel(size, patch, channels, classes)
                            .apply(Training.attentionFactory(spec, backend));
            model = Model.newInstance("qama-infer", "PyTorch");
            model.setBlock(block);
            model.load(runDir, m.group(1), Map.of("epoch", m.group(2)));
            String what =
                    spec.attentionName()
                            + (spec.quantum()
                                    ? " ("
                                            + r.get("formulation")
                                            + ", "
                                            + r.get("output_mode")
                                            + ")"
                                    : "");
            TrainedModel t =
                    new TrainedModel(
                            model, backend, size, channels, classes, what + " model of " + runDir);
            model = null;
            backend = null;
            return t;
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException(
                    runDir.resolve(name) + ": not a model of this run: " + e.getMessage(), e);
        } finally {
            if (model != null) {
                model.close();
            }
            if (backend != null) {
                backend.close();
            }
        }
    }

    /** The run's training settings that shape the model (epochs, batch size, lr: placeholders). */
    private static TrainSpec spec(Map<String, Object> r, SolverSpec override, Path where) {
        TrainSpec.Attention attention = TrainSpec.attention(text(r, "attention", where));
        long seed = ((Number) field(r, "seed", where)).longValue();
        if (attention != TrainSpec.Attention.QAMA) {
            return new TrainSpec(attention, null, null, null, null, null, 1, seed, 1, 1e-3f, 0);
        }
        SolverSpec solver = override;
        if (solver == null && r.get("solver") instanceof String name) {
            Object options = r.get("solver_options");
            solver =
                    new SolverSpec(
                            name,
                            options instanceof String o && !o.isEmpty()
                                    ? BackendOptions.parse(o)
                                    : BackendOptions.empty());
        }
        TrainSpec.Qubo qubo =
                new TrainSpec.Qubo(
                        optInteger(r, "bits"),
                        optDouble(r, "coupling_scale"),
                        optDouble(r, "linear_scale"),
                        optDouble(r, "penalty_scale"),
                        (Boolean) r.get("selection_gradient"),
                        optInteger(r, "reads"),
                        (Boolean) r.get("average_reads"),
                        dev.qama.bench.train.RunReport.unselectedPenalty(r),
                        optDouble(r, "energy_scale"),
                        r.get("selection_warmup") instanceof Number n ? n.longValue() : null,
                        (Boolean) r.get("warm_starts"));
        return new TrainSpec(
                attention,
                TrainSpec.formulation(text(r, "formulation", where)),
                OutputMode.parse(text(r, "output_mode", where)),
                CouplingForm.parse(text(r, "coupling", where)),
                qubo,
                solver,
                1,
                seed,
                1,
                1e-3f,
                0);
    }

    private static Object field(Map<String, Object> r, String key, Path where) {
        Object v = r.get(key);
        if (v == null) {
            throw new IllegalArgumentException(
                    where
                            + ": no \""
                            + key
                            + "\" (written by a qama train older than qama infer?)");
        }
        return v;
    }

    private static String text(Map<String, Object> r, String key, Path where) {
        return field(r, key, where).toString();
    }

    private static int integer(Map<String, Object> r, String key, Path where) {
        if (!(field(r, key, where) instanceof Long v) || v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    where + ": \"" + key + "\" must be a positive integer, got " + r.get(key));
        }
        return (int) (long) v;
    }

    private static Integer optInteger(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.intValue() : null;
    }

    private static Double optDouble(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    /** Pixel values per example (C·S·S). */
    public int inputSize() {
        return channels * size * size;
    }

    /** Number of classes K (logits per example). */
    public int classes() {
        return classes;
    }

    /** E.g. "qama (paper-v2, selected-keys) model of runs/a". */
    public String description() {
        return description;
    }

    /**
     * A scorer with its own DJL {@link Predictor} (use one per thread or Spark partition).
     *
     * @param batchSize examples per forward pass; the same batch size gives the same logits
     * @throws IllegalArgumentException if it is below 1
     */
    public Scorer newScorer(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        return new Scorer(batchSize);
    }

    /** Closes the model and the QAMA backend. */
    @Override
    public void close() {
        try {
            model.close();
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    /** Computes logits in batches of a fixed size (not thread-safe: one per thread). */
    public final class Scorer implements AutoCloseable {
        private final int batch;
        private final Predictor<float[], float[]> predictor;

        private Scorer(int batch) {
            this.batch = batch;
            Shape shape = new Shape(batch, channels, size, size);
            this.predictor =
                    model.newPredictor(
                            new Translator<float[], float[]>() {
                                @Override
                                public NDList processInput(TranslatorContext ctx, float[] x) {
                                    return new NDList(ctx.getNDManager().create(x, shape));
                                }

                                @Override
                                public float[] processOutput(TranslatorContext ctx, NDList out) {
                                    return out.singletonOrThrow().toFloatArray();
                                }

                                @Override
                                public Batchifier getBatchifier() {
                                    return null; // the input is a whole batch already
                                }
                            });
        }

        /** The fixed batch size. */
        public int batchSize() {
            return batch;
        }

        /**
         * The logits of {@code count} examples stored one after another in {@code pixels}.
         *
         * @return count·K logits, example by example
         * @throws IllegalArgumentException if {@code pixels} does not hold count examples
         */
        public float[] logits(float[] pixels, int count) {
            int per = inputSize();
            if (count < 0 || pixels.length != (long) count * per) {
                throw new IllegalArgumentException(
                        pixels.length + " values do not make " + count + " examples of " + per);
            }
            float[] out = new float[count * classes];
            float[] x = new float[batch * per];
            for (int from = 0; from < count; from += batch) {
                int n = Math.min(batch, count - from);
                System.arraycopy(pixels, from * per, x, 0, n * per);
                if (n < batch) {
                    java.util.Arrays.fill(x, n * per, x.length, 0f); // pad: same shape always
                }
                float[] y;
                try {
                    y = predictor.predict(x);
                } catch (TranslateException e) {
                    throw new IllegalStateException("inference failed: " + e.getMessage(), e);
                }
                System.arraycopy(y, 0, out, from * classes, n * classes);
            }
            return out;
        }

        /** Closes the predictor. */
        @Override
        public void close() {
            predictor.close();
        }
    }
}
