package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import dev.qama.djl.QamaTransformerEncoderBlock.AttentionFactory;
import org.junit.jupiter.api.Test;

class QamaEncodersTest {

    static AttentionFactory qama() {
        // PAPER: the output is the per-token energy times e, so the test can check that the energy
        // gradient reaches e directly
        return AttentionFactory.qama(
                b -> b.optBackend(new ExactTestBackend()).optOutputMode(OutputMode.PAPER));
    }

    /** Runs forward + backward; returns the output and checks every parameter got a gradient. */
    static NDArray forwardBackward(Block net, NDManager m, NDArray in) {
        net.initialize(m, DataType.FLOAT32, in.getShape());
        ParameterStore ps = new ParameterStore(m, false);
        NDArray out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            out = net.forward(ps, new NDList(in), true).head();
            gc.backward(out.sum());
        }
        for (Pair<String, Parameter> p : net.getParameters()) {
            float[] g = p.getValue().getArray().getGradient().toFloatArray();
            double norm = 0;
            for (float v : g) {
                norm += Math.abs(v);
            }
            assertTrue(Double.isFinite(norm), p.getKey());
            if (p.getKey().contains("valueImportance")) {
                assertTrue(norm > 0, "the energy gradient reaches e: " + p.getKey());
            }
        }
        return out;
    }

    @Test
    void simpleVitClassifiesImagesWithEitherAttention() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            m.getEngine().setRandomSeed(5);
            NDArray images = m.randomUniform(0, 1, new Shape(3, 1, 8, 8));
            for (AttentionFactory f :
                    new AttentionFactory[] {AttentionFactory.classical(), qama()}) {
                Block vit = QamaEncoders.simpleVit(8, 4, 1, 16, 1, 2, 16, 10, f);
                NDArray out = forwardBackward(vit, m, images);
                assertEquals(new Shape(3, 10), out.getShape());
            }
        }
    }

    @Test
    void textClassifierTakesTokenIds() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray ids = m.create(new float[] {1, 2, 3, 0, 4, 5, 6, 7, 8, 9}, new Shape(2, 5));
            for (AttentionFactory f :
                    new AttentionFactory[] {AttentionFactory.classical(), qama()}) {
                Block net = QamaEncoders.textClassifier(10, 8, 8, 2, 2, 16, 3, f);
                NDArray out = forwardBackward(net, m, ids);
                assertEquals(new Shape(2, 3), out.getShape());
            }
            Block net = QamaEncoders.textClassifier(10, 8, 8, 1, 2, 16, 3, qama());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    net.forward(
                                            new ParameterStore(m, false),
                                            new NDList(
                                                    m.create(new float[] {1, 12}, new Shape(1, 2))),
                                            false));
            assertTrue(e.getMessage().contains("12"), e.getMessage());
        }
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> QamaEncoders.simpleVit(28, 5, 1, 64, 1, 8, 64, 10, qama()));
        assertThrows(
                IllegalArgumentException.class,
                () -> QamaEncoders.simpleVit(28, 4, 1, 60, 1, 8, 64, 10, qama()));
        assertThrows(
                IllegalArgumentException.class,
                () -> QamaEncoders.textClassifier(10, 8, 8, 0, 2, 16, 3, qama()));
    }

    @Test
    void sinCosTablesMatchTheirDefinitions() {
        float[] p1 = QamaEncoders.sinCos1d(3, 4);
        assertEquals(Math.sin(2), p1[2 * 4], 1e-6);
        assertEquals(Math.cos(2 / Math.pow(10000, 0.5)), p1[2 * 4 + 3], 1e-6);
        float[] p2 = QamaEncoders.sinCos2d(2, 3, 8); // quarter 2, omega = 1, 1e-4
        int base = (1 * 3 + 2) * 8; // y = 1, x = 2
        assertEquals(Math.sin(2), p2[base], 1e-6);
        assertEquals(Math.cos(2e-4), p2[base + 3], 1e-6);
        assertEquals(Math.sin(1), p2[base + 4], 1e-6);
    }

    @Test
    void positionBlocksAddTheirTablesAndNameBadShapes() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            ParameterStore ps = new ParameterStore(m, false);
            Block p1 = QamaEncoders.sinCosPositions1d(4, 6);
            float[] y =
                    p1.forward(ps, new NDList(m.ones(new Shape(2, 3, 6))), false)
                            .head()
                            .toFloatArray();
            float[] t1 = QamaEncoders.sinCos1d(4, 6);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 18; i++) {
                    assertEquals(1 + t1[i], y[b * 18 + i], 1e-6f);
                }
            }
            IllegalArgumentException tooLong =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> p1.forward(ps, new NDList(m.zeros(new Shape(1, 5, 6))), false));
            assertTrue(tooLong.getMessage().contains("sequence length 5 exceeds max length 4"));
            IllegalArgumentException width =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> p1.forward(ps, new NDList(m.zeros(new Shape(1, 2, 5))), false));
            assertTrue(width.getMessage().contains("(B, N, 6)"), width.getMessage());

            Block p2 = QamaEncoders.sinCosPositions2d(2, 3, 8);
            float[] z =
                    p2.forward(ps, new NDList(m.zeros(new Shape(1, 6, 8))), false)
                            .head()
                            .toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    QamaEncoders.sinCos2d(2, 3, 8), z, 0f);
            IllegalArgumentException grid =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> p2.forward(ps, new NDList(m.zeros(new Shape(1, 5, 8))), false));
            assertTrue(grid.getMessage().contains("2×3 grid need 6 tokens"), grid.getMessage());
            assertThrows(
                    IllegalArgumentException.class, () -> QamaEncoders.sinCosPositions2d(2, 3, 6));
            assertThrows(IllegalArgumentException.class, () -> new TokenEmbeddingBlock(0, 4));
        }
    }
}
