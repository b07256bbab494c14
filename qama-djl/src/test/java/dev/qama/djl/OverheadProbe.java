package dev.qama.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: prints the time of one forward + backward pass of the block with a backend that
 * returns a fixed state (so the figure is the DJL-side overhead of QAMA, without any solver), next
 * to DJL's block. Run with {@code -Dqama.probe=true -Dtest=OverheadProbe}; {@code
 * -Dqama.probe.config=BxNxExH} sets the size (default 16x49x64x8), {@code -Dqama.probe.only=TEXT}
 * keeps the blocks whose name contains TEXT, {@code -Dqama.probe.reps=R} sets the passes (default
 * 40; the medians are those of the second half), {@code -Dqama.probe.warmup=P} the QAMA blocks'
 * selection warm-up in passes (default: the block's; 0 puts the energy terms in every pass, as in
 * training once the warm-up is over), {@code -Dqama.probe.profile=DIR} writes PyTorch profiler
 * traces of one forward and one forward + backward pass of each block to DIR (op counts).
 */
@EnabledIfSystemProperty(named = "qama.probe", matches = "true")
class OverheadProbe {
    static final int[] SIZE =
            java.util.Arrays.stream(
                            System.getProperty("qama.probe.config", "16x49x64x8").split("x"))
                    .mapToInt(Integer::parseInt)
                    .toArray();
    static final int B = SIZE[0];
    static final int N = SIZE[1];
    static final int E = SIZE[2];
    static final int H = SIZE[3];

    /** Only the blocks whose name contains this (all when empty). */
    static final String ONLY = System.getProperty("qama.probe.only", "");

    @Test
    void printOverhead() {
        time(
                "classical",
                ScaledDotProductAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .build());
        for (Formulation f : Formulation.values()) {
            for (OutputMode m : OutputMode.values()) {
                for (CouplingForm c :
                        new CouplingForm[] {CouplingForm.DENSE, CouplingForm.LOW_RANK}) {
                    if (f == Formulation.PAPER_V1 && c == CouplingForm.LOW_RANK) {
                        continue;
                    }
                    time(
                            f + "/" + m + "/" + c,
                            QamaAttentionBlock.builder()
                                    .setEmbeddingSize(E)
                                    .setHeadCount(H)
                                    .optFormulation(f)
                                    .optOutputMode(m)
                                    .optCouplingForm(c)
                                    .optBackend(backend())
                                    .optSelectionWarmup(
                                            Long.getLong(
                                                    "qama.probe.warmup",
                                                    QamaAttentionBlock.DEFAULT_SELECTION_WARMUP))
                                    .build());
                }
            }
        }
    }

    /**
     * The fixed-state test backend, or the backend named by {@code -Dqama.probe.backend} (to time
     * whole passes, solver included).
     */
    static dev.qama.core.spi.AnnealerBackend backend() {
        String name = System.getProperty("qama.probe.backend", "");
        return name.isEmpty() ? new FixedBackend() : dev.qama.core.spi.Annealers.create(name);
    }

    /**
     * Returns {@link QamaGradientTest#pattern} for every problem on the calling thread and keeps
     * nothing (unlike {@link ExactTestBackend}, which records the problems it saw and so would grow
     * the heap the garbage collector walks over a long probe).
     */
    static final class FixedBackend extends dev.qama.core.spi.AbstractBatchBackend {
        FixedBackend() {
            super(1);
        }

        @Override
        public String name() {
            return "probe-fixed";
        }

        @Override
        public dev.qama.core.spi.BackendCapabilities capabilities() {
            return new dev.qama.core.spi.BackendCapabilities(1 << 20, 0, false, true, true);
        }

        @Override
        protected dev.qama.core.spi.SolveResult solveProblem(
                dev.qama.core.model.Problem problem,
                long seed,
                int reads,
                byte[] initial,
                dev.qama.core.spi.StopCondition stop) {
            dev.qama.core.attention.AttentionProblem p =
                    (dev.qama.core.attention.AttentionProblem) problem;
            byte[][] out = new byte[reads][];
            for (int r = 0; r < reads; r++) {
                out[r] = QamaGradientTest.pattern(p);
            }
            return dev.qama.core.spi.SolveResult.of(
                    p, out, dev.qama.core.spi.SolveStatus.COMPLETED, seed);
        }
    }

    static void time(String name, Block block) {
        if (!name.equals("classical") && !name.contains(ONLY)) {
            return;
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Shape in = new Shape(B, N, E);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(m, false);
            int reps = Integer.getInteger("qama.probe.reps", 40);
            long best = Long.MAX_VALUE;
            long bestForward = Long.MAX_VALUE;
            // CPU time of this thread (the engine runs one intra-op thread, this one): the cost
            // outside the solver's threads, little disturbed by other processes
            java.lang.management.ThreadMXBean mx =
                    java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuForward = Long.MAX_VALUE;
            long cpu = Long.MAX_VALUE;
            // the second half's CPU times (the first half warms up) and the collector's time
            long[] halfForward = new long[reps - reps / 2];
            long[] half = new long[reps - reps / 2];
            // the process's CPU time (all threads: the solver's too) of forward + backward
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean)
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long[] halfProcess = new long[reps - reps / 2];
            long gc0 = 0;
            for (int r = 0; r < reps; r++) {
                if (r == reps / 2) {
                    gc0 = gcMillis();
                }
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.randomNormal(in);
                    long c0 = mx.getCurrentThreadCpuTime();
                    long f0 = System.nanoTime();
                    block.forward(ps, new NDList(x), false).head().toFloatArray();
                    bestForward = Math.min(bestForward, System.nanoTime() - f0);
                    long c1 = mx.getCurrentThreadCpuTime();
                    cpuForward = Math.min(cpuForward, c1 - c0);
                    if (r >= reps / 2) {
                        halfForward[r - reps / 2] = c1 - c0;
                    }
                    long t0 = System.nanoTime();
                    long p0 = os.getProcessCpuTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = block.forward(ps, new NDList(x), true).head();
                        gc.backward(out.sum());
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                    long c2 = mx.getCurrentThreadCpuTime();
                    cpu = Math.min(cpu, c2 - c1);
                    if (r >= reps / 2) {
                        half[r - reps / 2] = c2 - c1;
                        halfProcess[r - reps / 2] = os.getProcessCpuTime() - p0;
                    }
                }
            }
            String profile = System.getProperty("qama.probe.profile", "");
            if (!profile.isEmpty()) {
                profile(m, ps, block, in, java.nio.file.Path.of(profile), name);
            }
            System.out.printf(
                    "probe %-28s forward %8.2f ms (cpu %8.2f), forward + backward %8.2f ms (cpu"
                            + " %8.2f) (best of %d, B=%d N=%d E=%d H=%d)%n",
                    name,
                    bestForward / 1e6,
                    cpuForward / 1e6,
                    best / 1e6,
                    cpu / 1e6,
                    reps,
                    B,
                    N,
                    E,
                    H);
            System.out.printf(
                    "probe %-28s median cpu of the last %d: forward %8.2f ms, forward + backward"
                            + " %8.2f ms (process, all threads, mean: %8.2f ms); garbage collection %d"
                            + " ms%n",
                    name,
                    half.length,
                    median(halfForward) / 1e6,
                    median(half) / 1e6,
                    java.util.Arrays.stream(halfProcess).average().orElse(0) / 1e6,
                    gcMillis() - gc0);
        }
    }

    /**
     * Writes the PyTorch profiler's traces (chrome trace JSON, one event per operator, backward
     * operators included) of one forward pass and one forward + backward pass to DIR.
     */
    private static void profile(
            NDManager m,
            ParameterStore ps,
            Block block,
            Shape in,
            java.nio.file.Path dir,
            String name) {
        String file = name.replace('/', '-');
        try (NDManager sub = m.newSubManager()) {
            NDArray x = sub.randomNormal(in);
            java.nio.file.Files.createDirectories(dir);
            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
            block.forward(ps, new NDList(x), false).head().toFloatArray();
            ai.djl.pytorch.jni.JniUtils.stopProfile(dir.resolve(file + "-forward.json").toString());
            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(ps, new NDList(x), true).head();
                gc.backward(out.sum());
            }
            ai.djl.pytorch.jni.JniUtils.stopProfile(dir.resolve(file + "-train.json").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** The collection time of all collectors so far, ms. */
    private static long gcMillis() {
        long t = 0;
        for (var g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, g.getCollectionTime());
        }
        return t;
    }
}
