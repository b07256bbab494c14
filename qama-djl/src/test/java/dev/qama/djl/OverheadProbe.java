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
 * keeps the blocks whose name contains TEXT.
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
        return name.isEmpty()
                ? new ExactTestBackend(QamaGradientTest::pattern)
                : dev.qama.core.spi.Annealers.create(name);
    }

    static void time(String name, Block block) {
        if (!name.equals("classical") && !name.contains(ONLY)) {
            return;
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Shape in = new Shape(B, N, E);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(m, false);
            int reps = 40;
            long best = Long.MAX_VALUE;
            long bestForward = Long.MAX_VALUE;
            // CPU time of this thread (the engine runs one intra-op thread, this one): the cost
            // outside the solver's threads, little disturbed by other processes
            java.lang.management.ThreadMXBean mx =
                    java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuForward = Long.MAX_VALUE;
            long cpu = Long.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.randomNormal(in);
                    long c0 = mx.getCurrentThreadCpuTime();
                    long f0 = System.nanoTime();
                    block.forward(ps, new NDList(x), false).head().toFloatArray();
                    bestForward = Math.min(bestForward, System.nanoTime() - f0);
                    long c1 = mx.getCurrentThreadCpuTime();
                    cpuForward = Math.min(cpuForward, c1 - c0);
                    long t0 = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = block.forward(ps, new NDList(x), true).head();
                        gc.backward(out.sum());
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                    cpu = Math.min(cpu, mx.getCurrentThreadCpuTime() - c1);
                }
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
        }
    }
}
