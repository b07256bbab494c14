package dev.qama.bench.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.qama.bench.SolverSpec;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock;
import dev.qama.djl.SolverStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The QAMA attention block of qama-djl ({@link QamaAttentionBlock}, paper-v2, q = 1, the {@code sb}
 * backend of qama-cim-sim) against DJL's {@link ScaledDotProductAttentionBlock}, forward
 * (inference) and forward + backward (training: backward of Σ out·r for a fixed random r), self
 * attention on a seeded normal input X of shape (B, N, E) with H heads, PyTorch CPU on one thread.
 *
 * <p>Both blocks have DJL's default attention dropout (0.1, active in {@link #forwardBackward}
 * only). The engine start, the parameter initialisation, the backend creation and one untimed
 * forward + backward pass happen in {@link #setup}. Each invocation runs in its own sub-manager of
 * the trial's manager, to which the parameters, X and r are temporarily attached, so every array of
 * the invocation (including those DJL derives from the parameters) is freed when it ends.
 *
 * <p>The {@link SolverShare} counters give the part of the invocation spent inside the backend's
 * {@code solve} (measured by {@link SolverStatistics}), in percent and in ms per invocation; they
 * are 0 for the classical block.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8, time = 2) // 16 s: the solver's kernels must reach C2 (hundreds of batches)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-Dai.djl.offline=true",
            "-DOPT_OUT_TRACKING=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-Djava.awt.headless=true"
        })
public class AttentionBlockBenchmark {
    /** B x N x E x H: batch, tokens, embedding size, heads. */
    @Param({"128x49x64x8", "32x64x128x8", "8x256x128x8"})
    public String config;

    /** classical (DJL), values, selected-keys or paper (QAMA output modes). */
    @Param({"classical", "values", "selected-keys"})
    public String block;

    /**
     * The QAMA backend as {@code name[:k=v]} (ignored for classical), e.g. {@code sb} (the default
     * backend) or {@code bsb:steps=60}.
     */
    @Param({"sb"})
    public String backend;

    /**
     * How QAMA's paper-v2 couplings reach the solver: {@code auto} (the block's default: low-rank
     * when d ≤ N, else dense), {@code dense} or {@code low-rank}; ignored for classical.
     */
    @Param({"auto"})
    public String coupling = "auto";

    /** The attention dropout of both blocks, active in training passes only (DJL's default). */
    @Param({"0.1"})
    public float dropout = 0.1f;

    /**
     * The seed of the engine (parameter initialisation, dropout masks); the inputs and the QAMA
     * block's solver seeds derive from it (the default 42 gives the inputs' seed 11 and the block's
     * 7).
     */
    public long seed = 42;

    int batch;
    int tokens;
    int embedding;
    int heads;
    NDManager manager;
    Block attention;
    ParameterStore store;
    NDArray x;
    NDArray r;
    NDArray[] attached;
    SolverStatistics solver;

    /** The four sizes of a config string "BxNxExH". */
    public static int[] parseConfig(String config) {
        String[] f = config.split("x");
        if (f.length != 4) {
            throw new IllegalArgumentException(
                    "config '" + config + "' is not of the form BxNxExH, e.g. 128x49x64x8");
        }
        int[] v = new int[4];
        for (int k = 0; k < 4; k++) {
            try {
                v[k] = Integer.parseInt(f[k]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "config '" + config + "': '" + f[k] + "' is not an integer", e);
            }
            if (v[k] < 1) {
                throw new IllegalArgumentException(
                        "config '" + config + "': sizes must be >= 1, got " + v[k]);
            }
        }
        return v;
    }

    /** The block under test; for QAMA, {@link #solver} wraps the backend. */
    Block newBlock() {
        if (block.equals("classical")) {
            return ScaledDotProductAttentionBlock.builder()
                    .setEmbeddingSize(embedding)
                    .setHeadCount(heads)
                    .optAttentionProbsDropoutProb(dropout)
                    .build();
        }
        QamaAttentionBlock.OutputMode mode;
        try {
            mode = QamaAttentionBlock.OutputMode.parse(block);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "block: " + e.getMessage() + " (or classical, DJL's block)", e);
        }
        CouplingForm form = CouplingForm.parse(coupling);
        solver = new SolverStatistics(SolverSpec.parse(backend).create());
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(embedding)
                .setHeadCount(heads)
                .optOutputMode(mode)
                .optBackend(solver)
                .optCouplingForm(form)
                .optAttentionProbsDropoutProb(dropout)
                .optSeed(seed ^ 42 ^ 7)
                .build();
    }

    /** Starts the engine, builds and initialises the block and runs one untimed pass. */
    @Setup(Level.Trial)
    public void setup() {
        int[] c = parseConfig(config);
        batch = c[0];
        tokens = c[1];
        embedding = c[2];
        heads = c[3];
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) seed);
        manager = engine.newBaseManager();
        attention = newBlock();
        Shape shape = new Shape(batch, tokens, embedding);
        attention.initialize(manager, DataType.FLOAT32, shape);
        store = new ParameterStore(manager, false);
        Random rng = new Random(seed ^ 42 ^ 11);
        x = manager.create(gaussian(rng, batch * tokens * embedding), shape);
        r = manager.create(gaussian(rng, batch * tokens * embedding), shape);
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : attention.getParameters()) {
            arrays.add(p.getValue().getArray());
        }
        arrays.add(x);
        arrays.add(r);
        attached = arrays.toArray(new NDArray[0]);
        forwardBackward(null);
    }

    private static float[] gaussian(Random rng, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** Frees the arrays and the backend. */
    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        if (solver != null) {
            solver.close();
        }
    }

    /** One inference forward pass; returns the sum of the output (B, N, E). */
    @Benchmark
    public float forward(SolverShare share) {
        return run(share, false);
    }

    /** One training forward pass and the backward pass of Σ out·r. */
    @Benchmark
    public float forwardBackward(SolverShare share) {
        return run(share, true);
    }

    /**
     * One pass outside JMH (for paired runs in one JVM, after {@link #setup}): its wall-clock
     * nanoseconds and the nanoseconds spent inside the backend's solve (0 for the classical block).
     */
    public long[] timedPass(boolean backward) {
        SolverShare share = new SolverShare();
        run(share, backward);
        return new long[] {share.wallNanos, share.solverNanos};
    }

    private float run(SolverShare share, boolean backward) {
        double solverBefore = solver == null ? 0 : solver.totalSeconds();
        long t0 = System.nanoTime();
        float sum;
        try (NDManager sub = manager.newSubManager()) {
            sub.tempAttachAll(attached);
            NDArray out = pass(backward);
            sum = out.sum().getFloat();
        }
        if (share != null) {
            share.wallNanos += System.nanoTime() - t0;
            share.solverNanos +=
                    solver == null ? 0 : Math.round((solver.totalSeconds() - solverBefore) * 1e9);
            share.invocations++;
        }
        return sum;
    }

    /**
     * The block's output for X (arrays attached to the caller's sub-manager); with {@code
     * backward}, in training mode and followed by the backward pass of Σ out·r.
     */
    NDArray pass(boolean backward) {
        if (!backward) {
            return attention.forward(store, new NDList(x), false).head();
        }
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = attention.forward(store, new NDList(x), true).head();
            gc.backward(out.mul(r).sum());
            return out;
        }
    }

    /**
     * Auxiliary results: {@code solverPercent}, the share of the invocations' wall time spent
     * inside the backend's solve, and {@code solverMs}, the backend's time per invocation (both 0
     * for the classical block), each the mean over the measured iterations.
     *
     * <p>JMH sums {@link AuxCounters.Type#EVENTS} results over iterations, threads and forks; the
     * values are therefore divided by their number here, so that the reported sum is the mean.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SolverShare {
        long wallNanos;
        long solverNanos;
        long invocations;
        int parts = 1;

        /** Clears the sums at the start of each iteration. */
        @Setup(Level.Iteration)
        public void reset(BenchmarkParams benchmark, IterationParams iteration) {
            reset();
            parts =
                    Math.max(1, iteration.getCount())
                            * Math.max(1, benchmark.getThreads())
                            * Math.max(1, benchmark.getForks());
        }

        void reset() {
            wallNanos = 0;
            solverNanos = 0;
            invocations = 0;
        }

        /** Percent of the wall time spent in the backend. */
        public double solverPercent() {
            return wallNanos == 0 ? 0 : 100.0 * solverNanos / wallNanos / parts;
        }

        /** Milliseconds in the backend per invocation. */
        public double solverMs() {
            return invocations == 0 ? 0 : solverNanos * 1e-6 / invocations / parts;
        }
    }
}
