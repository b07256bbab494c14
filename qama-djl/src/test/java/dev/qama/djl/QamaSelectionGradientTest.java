package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The selection gradient: the output keeps the annealer's selection, and keys the annealer left out
 * receive a gradient (without it they receive none).
 */
class QamaSelectionGradientTest extends PyTorchTest {
    static final int B = 2;
    static final int N = 6;
    static final int E = 8;
    static final int H = 2;

    /** Every head selects tokens 0, 1 and 2 only. */
    static byte[] firstThree(dev.qama.core.attention.AttentionProblem p) {
        byte[] x = new byte[p.numVariables()];
        for (int t = 0; t < p.heads(); t++) {
            for (int i = 0; i < 3; i++) {
                x[p.index(t, i, 0)] = 1;
            }
        }
        return x;
    }

    static QamaAttentionBlock block(OutputMode mode, boolean selectionGradient) {
        return QamaAttentionBlock.builder()
                .optSelectionWarmup(0) // the selection in full from the first pass
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optOutputMode(mode)
                .optAttentionProbsDropoutProb(0f)
                .optSelectionGradient(selectionGradient)
                .optUnselectedPenalty(Double.POSITIVE_INFINITY) // unselected keys dropped
                .optBackend(new ExactTestBackend(QamaSelectionGradientTest::firstThree))
                .build();
    }

    /** Output and the gradient of its sum with respect to the values input, in training. */
    static float[][] trainStep(QamaAttentionBlock block, NDArray k, NDArray q, NDArray v) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray vv = v.duplicate();
            vv.attach(sub);
            vv.setRequiresGradient(true);
            float[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y =
                        block.forward(new ParameterStore(sub, false), new NDList(k, q, vv), true)
                                .head();
                out = y.toFloatArray();
                gc.backward(y.sum());
            }
            return new float[][] {out, vv.getGradient().toFloatArray()};
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = OutputMode.class,
            names = {"VALUES", "SELECTED_KEYS"})
    void theOutputIsTheSelectionsAndUnselectedKeysGetAGradient(OutputMode mode) {
        QamaAttentionBlock plain = block(mode, false);
        QamaAttentionBlock relaxed = block(mode, true);
        Shape in = new Shape(B, N, E);
        manager.getEngine().setRandomSeed(3);
        plain.initialize(manager, DataType.FLOAT32, in);
        relaxed.initialize(manager, DataType.FLOAT32, in);
        try {
            relaxed.loadParameters(
                    manager,
                    new java.io.DataInputStream(
                            new java.io.ByteArrayInputStream(QamaSerializationTest.save(plain))));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        NDArray k = manager.randomNormal(in);
        NDArray q = manager.randomNormal(in);
        NDArray v = manager.randomNormal(in);
        float[][] a = trainStep(plain, k, q, v);
        float[][] b = trainStep(relaxed, k, q, v);
        assertArrayEquals(a[0], b[0], 1e-5f, "the forward value is the annealer's selection");
        double unselectedPlain = 0;
        double unselectedRelaxed = 0;
        double selectedRelaxed = 0;
        for (int bb = 0; bb < B; bb++) {
            for (int j = 0; j < N; j++) {
                for (int c = 0; c < E; c++) {
                    int idx = (bb * N + j) * E + c;
                    if (j >= 3) {
                        unselectedPlain += Math.abs(a[1][idx]);
                        unselectedRelaxed += Math.abs(b[1][idx]);
                    } else {
                        selectedRelaxed += Math.abs(b[1][idx]);
                    }
                }
            }
        }
        assertEquals(0.0, unselectedPlain, 0.0, "without it, unselected values get no gradient");
        assertTrue(
                unselectedRelaxed > 1e-3, "unselected values get a gradient: " + unselectedRelaxed);
        assertTrue(selectedRelaxed > 1e-3, "selected ones still do: " + selectedRelaxed);
    }

    /** Reads that select tokens {0, 1, 2} and {0, 1}: with averaging, token 2 gets weight 1/2. */
    @org.junit.jupiter.api.Test
    void averagedReadsGiveTheShareOfReadsThatSelectAToken() {
        dev.qama.core.spi.AnnealerBackend twoReads =
                new dev.qama.core.spi.AbstractBatchBackend(1) {
                    @Override
                    public String name() {
                        return "two-reads";
                    }

                    @Override
                    public dev.qama.core.spi.BackendCapabilities capabilities() {
                        return new dev.qama.core.spi.BackendCapabilities(
                                1 << 20, 0, false, true, false);
                    }

                    @Override
                    protected dev.qama.core.spi.SolveResult solveProblem(
                            dev.qama.core.model.Problem problem,
                            long seed,
                            int reads,
                            byte[] initial,
                            dev.qama.core.spi.StopCondition stop) {
                        var p = (dev.qama.core.attention.AttentionProblem) problem;
                        byte[] a = firstThree(p);
                        byte[] b = a.clone();
                        for (int t = 0; t < p.heads(); t++) {
                            b[p.index(t, 2, 0)] = 0;
                        }
                        return dev.qama.core.spi.SolveResult.of(
                                p,
                                new byte[][] {a, b},
                                dev.qama.core.spi.SolveStatus.COMPLETED,
                                seed);
                    }
                };
        java.util.List<float[]> outs = new java.util.ArrayList<>();
        for (boolean average : new boolean[] {false, true}) {
            QamaAttentionBlock block =
                    QamaAttentionBlock.builder()
                            .optSelectionWarmup(0) // the selection in full from the first pass
                            .setEmbeddingSize(E)
                            .setHeadCount(H)
                            .optOutputMode(OutputMode.VALUES)
                            .optAttentionProbsDropoutProb(0f)
                            .optReads(2)
                            .optAverageReads(average)
                            .optBackend(twoReads)
                            .build();
            manager.getEngine().setRandomSeed(9);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, N, E));
            NDArray x = manager.randomNormal(new Shape(1, N, E));
            try (NDManager sub = manager.newSubManager()) {
                outs.add(
                        block.forward(new ParameterStore(sub, false), new NDList(x), false)
                                .head()
                                .toFloatArray());
            }
        }
        // the reads differ, so the weights and the output differ
        assertTrue(
                !java.util.Arrays.equals(outs.get(0), outs.get(1)),
                "averaging the reads changed nothing");
    }

    @ParameterizedTest
    @EnumSource(
            value = Formulation.class,
            names = {"PAPER_V1"})
    void needsPaperV2AndAMixingOutput(Formulation f) {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        QamaAttentionBlock.builder()
                                .optSelectionWarmup(0) // the selection in full from the first pass
                                .setEmbeddingSize(E)
                                .setHeadCount(H)
                                .optFormulation(f)
                                .optSelectionGradient(true)
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        QamaAttentionBlock.builder()
                                .optSelectionWarmup(0) // the selection in full from the first pass
                                .setEmbeddingSize(E)
                                .setHeadCount(H)
                                .optOutputMode(OutputMode.PAPER)
                                .optSelectionGradient(true)
                                .build());
    }
}
