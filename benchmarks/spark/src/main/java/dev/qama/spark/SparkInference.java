package dev.qama.spark;

import dev.qama.bench.SolverSpec;
import dev.qama.bench.infer.ExampleCsv;
import dev.qama.bench.infer.Predictions;
import dev.qama.bench.infer.TrainedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The Spark job of batch inference: reads an examples file ({@link ExampleCsv}) with Spark as text
 * in {@code --partitions} or more splits, scores every partition with one {@link
 * TrainedModel.Scorer} (a DJL predictor) of the model a {@code qama train} run saved, and writes
 * the predictions with {@code saveAsTextFile}: the part files, concatenated in order, equal the
 * file {@code qama infer} writes in one JVM with the same batch size, byte for byte.
 *
 * <p>The driver reads the run directory and broadcasts its two files ({@code result.json}, the
 * parameters), so executors need no shared file system; each partition rebuilds the model from
 * them. QAMA blocks solve on the trained backend or on {@code --solver} (e.g. a solver pool behind
 * a balancer, {@code remote:endpoints=http://pool:8080}). With a {@code local} master the job stays
 * on loopback without the web UI.
 */
@Command(
        name = "qama-spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Batch inference on Apache Spark with an image model saved by qama train: reads"
                    + " examples (id,x0,x1,... per line) and writes id,prediction,logit0,... as"
                    + " part files whose concatenation equals qama infer's output."
        })
public final class SparkInference implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run directory of qama train.")
    Path run;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "Examples file or directory (any Hadoop path: file:, hdfs:, s3a:, ...).")
    String input;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output directory of the part files (must not exist).")
    String out;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: spark-submit's, else local[2]).")
    String master;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            defaultValue = "2",
            description = "At least this many input splits (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            defaultValue = "64",
            description =
                    "Examples per forward pass; equal to qama infer's for equal logits (default:"
                            + " ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = {"-s", "--solver"},
            paramLabel = "NAME[:k=v,...]",
            description = "QAMA: solve on this backend instead of the trained one.")
    String solver;

    /** What a job did. */
    public record Result(long examples, int partitions, double seconds) {}

    /** Runs the job from the command line and exits with 0, 1 (failure) or 2 (user error). */
    public static void main(String[] args) {
        System.exit(
                run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line in this JVM, reporting to the given writers; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SparkInference());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(
                (ex, line, parse) -> {
                    String user = userMessage(ex);
                    if (user != null) {
                        err.println("qama-spark: " + user);
                        return 2;
                    }
                    ex.printStackTrace(err);
                    return 1;
                });
        return cl.execute(args);
    }

    /** The message of a user error anywhere in the cause chain (Spark wraps task failures). */
    public static String userMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException) {
                return c.getMessage();
            }
            // Hadoop's: --out exists, --input does not
            String type = c.getClass().getName();
            if (type.equals("org.apache.hadoop.mapred.FileAlreadyExistsException")) {
                return "--out: " + c.getMessage() + " (choose a new directory)";
            }
            if (type.equals("org.apache.hadoop.mapred.InvalidInputException")) {
                return "--input: " + c.getMessage();
            }
        }
        // a task's exception may reach the driver only as text in Spark's message
        Matcher m = TASK_IAE.matcher(String.valueOf(t.getMessage()));
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern TASK_IAE =
            Pattern.compile("java\\.lang\\.IllegalArgumentException: ([^\\n]*)");

    @Override
    public Integer call() {
        Job job = prepare(run, solver, partitions, batchSize);
        SparkConf conf = new SparkConf().setAppName("qama-infer");
        conf.setMaster(master != null ? master : conf.get("spark.master", "local[2]"));
        local(conf);
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            double startup = (System.nanoTime() - t0) * 1e-9;
            Result r = job.run(sc, input, out);
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "qama-spark: %d examples in %d partitions in %.2f s (%.1f examples/s;"
                                    + " Spark started in %.2f s) -> %s%n",
                            r.examples(),
                            r.partitions(),
                            r.seconds(),
                            r.examples() / Math.max(1e-9, r.seconds()),
                            startup,
                            out);
        }
        return 0;
    }

    /** With a {@code local} master: loopback only, no web UI. Other masters keep their settings. */
    public static SparkConf local(SparkConf conf) {
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /**
     * Checks a run directory and the settings on the driver (before Spark starts, so that a mistake
     * is one clear message) and reads the model's files.
     *
     * @param solverText the QAMA backend instead of the trained one, or null
     * @throws IllegalArgumentException for a bad run directory or option
     * @throws UncheckedIOException if the run directory cannot be read
     */
    public static Job prepare(Path runDir, String solverText, int partitions, int batchSize) {
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "--partitions must be at least 1, got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        SolverSpec solver = solverText == null ? null : SolverSpec.parse(solverText);
        try (TrainedModel check = TrainedModel.load(runDir, solver)) {
            return new Job(
                    ModelFiles.read(runDir), check.classes(), solverText, partitions, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A prepared job: the model's files and the settings.
     *
     * @param files the run directory's files that rebuild the model
     * @param classes its classes
     * @param solverText the QAMA backend instead of the trained one, or null
     * @param partitions at least this many input splits
     * @param batchSize examples per forward pass
     */
    public record Job(
            ModelFiles files, int classes, String solverText, int partitions, int batchSize) {
        /**
         * Scores the examples at {@code input} and writes the predictions to {@code outDir}. A
         * failed task (e.g. a malformed line) ends the job with Spark's exception; {@link
         * #userMessage} finds the message in it.
         */
        public Result run(JavaSparkContext sc, String input, String outDir) {
            long t0 = System.nanoTime();
            Broadcast<ModelFiles> model = sc.broadcast(files);
            LongAccumulator examples = sc.sc().longAccumulator("qama examples");
            JavaRDD<String> lines = sc.textFile(input, partitions);
            String header = ExampleCsv.predictionHeader(classes);
            String solver = solverText;
            int batch = batchSize;
            JavaRDD<String> predictions =
                    lines.mapPartitionsWithIndex(
                            (index, it) ->
                                    new PartitionScorer(
                                            model.value(),
                                            solver,
                                            batch,
                                            input,
                                            index,
                                            index == 0 ? header : null,
                                            it,
                                            examples),
                            true);
            try {
                predictions.saveAsTextFile(outDir);
            } finally {
                model.destroy();
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            return new Result(examples.value(), lines.getNumPartitions(), seconds);
        }
    }

    /**
     * The files of a run directory that rebuild its model.
     *
     * @param paramsName the parameters' file name, e.g. {@code model-0000.params}
     * @param result the bytes of {@code result.json}
     * @param params the bytes of the parameters
     */
    public record ModelFiles(String paramsName, byte[] result, byte[] params)
            implements Serializable {
        static ModelFiles read(Path runDir) throws IOException {
            String name =
                    String.valueOf(
                            dev.qama.bench.train.RunReport.readResult(runDir.resolve("result.json"))
                                    .get("model"));
            return new ModelFiles(
                    name,
                    Files.readAllBytes(runDir.resolve("result.json")),
                    Files.readAllBytes(runDir.resolve(name)));
        }

        /** Writes the files to a new temporary run directory. */
        Path materialize() throws IOException {
            Path dir = Files.createTempDirectory("qama-model");
            Files.write(dir.resolve("result.json"), result);
            Files.write(dir.resolve(paramsName), params);
            return dir;
        }
    }

    /**
     * Scores one partition lazily ({@link Predictions}) with its own model and predictor, closed
     * when the partition ends or its task completes; partition 0 starts with the header.
     */
    static final class PartitionScorer implements Iterator<String> {
        private final TrainedModel model;
        private final TrainedModel.Scorer scorer;
        private final Predictions predictions;
        private final LongAccumulator examples;
        private String header;
        private boolean closed;

        PartitionScorer(
                ModelFiles files,
                String solverText,
                int batchSize,
                String input,
                int partition,
                String header,
                Iterator<String> in,
                LongAccumulator examples) {
            this.header = header;
            this.examples = examples;
            Path dir = null;
            try {
                dir = files.materialize();
                this.model =
                        TrainedModel.load(
                                dir, solverText == null ? null : SolverSpec.parse(solverText));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (dir != null) {
                    deleteQuietly(dir);
                }
            }
            this.scorer = model.newScorer(batchSize);
            this.predictions =
                    new Predictions(
                            model,
                            scorer,
                            in,
                            i -> input + " (partition " + partition + ", its line " + i + ")");
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener(
                        (org.apache.spark.util.TaskCompletionListener) ctx -> close());
            }
        }

        @Override
        public boolean hasNext() {
            if (header != null || predictions.hasNext()) {
                return true;
            }
            close();
            return false;
        }

        @Override
        public String next() {
            if (header != null) {
                String h = header;
                header = null;
                return h;
            }
            return predictions.next();
        }

        private void close() {
            if (!closed) {
                closed = true;
                examples.add(predictions.examples());
                try {
                    scorer.close();
                } finally {
                    model.close();
                }
            }
        }

        private static void deleteQuietly(Path dir) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temporary directory: left for the system to clean
            }
        }
    }
}
