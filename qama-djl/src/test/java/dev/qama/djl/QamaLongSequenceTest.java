package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: one forward + backward pass of the block at N = 16 385 tokens with H = 8 heads, where
 * H·N² no longer fits in one Java array: paper-v2 with factored couplings (AUTO, d ≤ N), the VALUES
 * output mode and a per-token mask, the real {@code sb} backend with few steps (its fused vector
 * engine is covered at this size by qama-cim-sim's LongSequenceSolveTest). Nothing of size N² may
 * be built on the way (problem, solver, energies, gradients).
 */
class QamaLongSequenceTest {
    private static final int N = 16385;
    private static final int E = 16;
    private static final int H = 8;

    @Test
    void forwardAndBackwardBeyondTheDenseLimit() {
        assertTrue((long) H * N * N > Integer.MAX_VALUE, "H·N² must exceed one Java array");
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                AnnealerBackend sb =
                        Annealers.create(
                                "sb",
                                // scalar kernels: a cold Vector API costs seconds at this size
                                BackendOptions.of(
                                        Map.of(
                                                "steps", "20", "kernel", "scalar", "threads",
                                                "1")))) {
            manager.getEngine().setRandomSeed(3);
            QamaAttentionBlock block =
                    QamaAttentionBlock.builder()
                            .setEmbeddingSize(E)
                            .setHeadCount(H)
                            .optAttentionProbsDropoutProb(0f)
                            .optOutputMode(OutputMode.VALUES)
                            .optBackend(sb)
                            .optSeed(5)
                            .build();
            NDArray x = manager.randomNormal(new Shape(1, N, E));
            float[] keep = new float[N];
            java.util.Arrays.fill(keep, 0, N - 3, 1f); // three padding tokens
            NDArray mask = manager.create(keep, new Shape(1, N));
            block.initialize(manager, DataType.FLOAT32, x.getShape(), mask.getShape());
            NDArray out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                out =
                        block.forward(new ParameterStore(manager, false), new NDList(x, mask), true)
                                .head();
                gc.backward(out.sum());
            }
            assertEquals(new Shape(1, N, E), out.getShape());
            float[] o = out.toFloatArray();
            float[] g = x.getGradient().toFloatArray();
            double norm = 0;
            for (int p = 0; p < o.length; p++) {
                assertTrue(Float.isFinite(o[p]) && Float.isFinite(g[p]), "finite at " + p);
                norm += (double) g[p] * g[p];
            }
            assertTrue(norm > 0, "the input gets a gradient");
            for (int a = 0; a < E; a++) {
                assertEquals(0f, g[(N - 1) * E + a], "a masked token gets no gradient");
            }
            // the value importance e: the only parameter of shape (d)
            NDArray e = null;
            for (var p : block.getParameters()) {
                if (p.getValue().getArray().getShape().equals(new Shape(E / H))) {
                    e = p.getValue().getArray();
                }
            }
            assertTrue(e != null, "the block has a value importance e of length d");
            float[] de = e.getGradient().toFloatArray();
            assertTrue(
                    Float.isFinite(de[0]) && Float.isFinite(de[1]) && (de[0] != 0 || de[1] != 0),
                    "e gets a gradient");
        }
    }
}
