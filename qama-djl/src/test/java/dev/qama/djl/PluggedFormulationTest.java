package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import dev.qama.djl.QamaAttentionBlock.ParameterLayout;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A formulation plugged in by one class ({@link FixedImportanceFormulation}) runs through the
 * block's builder, forward and backward passes and parameter files with no other change: it matches
 * paper-v2 whose e is ones, and its files carry no value importance.
 */
class PluggedFormulationTest extends PyTorchTest {
    static final int B = 2;
    static final int N = 5;
    static final int E = 8;
    static final int H = 2;
    static final Shape IN = new Shape(B, N, E);

    static void load(QamaAttentionBlock block, byte[] file) throws Exception {
        block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(file)));
    }

    static float[] forward(QamaAttentionBlock block, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .head()
                .toFloatArray();
    }

    static QamaAttentionBlock.Builder builder() {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(H)
                .optOutputMode(OutputMode.PAPER) // compared bit for bit
                .optAttentionProbsDropoutProb(0f)
                .optBackend(new ExactTestBackend());
    }

    static QamaAttentionBlock plugged() {
        return builder().formulation(FixedImportanceFormulation.INSTANCE).build();
    }

    /** The output of a training pass and the gradient of its sum for every parameter. */
    static float[][] forwardBackward(QamaAttentionBlock block, NDArray x) {
        List<ai.djl.nn.Parameter> params = block.getParameters().values().stream().toList();
        for (ai.djl.nn.Parameter p : params) {
            p.getArray().setRequiresGradient(true); // loaded arrays come without
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y =
                    block.forward(new ParameterStore(manager, false), new NDList(x), true).head();
            gc.backward(y.sum());
            float[][] out = new float[1 + params.size()][];
            out[0] = y.toFloatArray();
            for (int i = 0; i < params.size(); i++) {
                out[1 + i] = params.get(i).getArray().getGradient().toFloatArray();
            }
            return out;
        }
    }

    @Test
    void theBuilderUsesItsNameBitsAndParameters() {
        QamaAttentionBlock block = plugged();
        assertNull(block.getFormulation());
        assertEquals(1, block.getBits());
        assertTrue(block.toString().contains("test-fixed-e"), block.toString());
        assertEquals(
                QamaSerializationTest.names(builder().optFormulation(Formulation.PAPER_V1).build()),
                QamaSerializationTest.names(block));
        assertEquals(
                3,
                builder()
                        .formulation(FixedImportanceFormulation.INSTANCE)
                        .optBits(3)
                        .build()
                        .getBits());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                builder()
                                        .formulation(FixedImportanceFormulation.INSTANCE)
                                        .optOutputMode(OutputMode.VALUES)
                                        .optSelectionGradient(true)
                                        .build());
        assertTrue(e.getMessage().contains("test-fixed-e"), e.getMessage());
    }

    @Test
    void forwardAndBackwardMatchPaperV2WithUnitImportance() throws Exception {
        QamaAttentionBlock ours = plugged();
        manager.getEngine().setRandomSeed(21);
        ours.initialize(manager, DataType.FLOAT32, IN);
        QamaAttentionBlock v2 = builder().optFormulation(Formulation.PAPER_V2).build();
        manager.getEngine().setRandomSeed(22);
        v2.initialize(manager, DataType.FLOAT32, IN);
        // our file is a DJL-layout file: v2 loads the projections and resets e to ones
        load(v2, QamaSerializationTest.save(ours));
        manager.getEngine().setRandomSeed(23);
        NDArray x = manager.randomNormal(IN);

        float[][] a = forwardBackward(ours, x);
        float[][] b = forwardBackward(v2, x);
        assertEquals(8, a.length - 1); // four projections, weight and bias: nothing else
        assertEquals(9, b.length - 1); // ... and e
        assertArrayEquals(b[0], a[0], 0f, "output");
        double norm = 0;
        for (int i = 1; i < a.length; i++) {
            assertArrayEquals(b[i], a[i], 1e-6f, "gradient of parameter " + i);
            for (float g : a[i]) {
                norm += g * g;
            }
        }
        assertTrue(norm > 1e-6, "the gradient reaches the projections: " + norm);
    }

    @Test
    void itsFilesAreDjlsLayoutAndRoundTrip() throws Exception {
        QamaAttentionBlock ours = plugged();
        manager.getEngine().setRandomSeed(31);
        ours.initialize(manager, DataType.FLOAT32, IN);
        QamaAttentionBlock v2 = builder().optFormulation(Formulation.PAPER_V2).build();
        v2.initialize(manager, DataType.FLOAT32, IN);
        load(v2, QamaSerializationTest.save(ours));
        v2.setParameterLayout(ParameterLayout.CLASSICAL);
        byte[] file = QamaSerializationTest.save(ours);
        // DJL's layout, then the training-pass count (0 here) after its marker
        byte[] djlPart = java.util.Arrays.copyOf(file, file.length - Integer.BYTES - Long.BYTES);
        assertArrayEquals(QamaSerializationTest.save(v2), djlPart);
        java.nio.ByteBuffer tail = java.nio.ByteBuffer.wrap(file, djlPart.length, 12);
        assertEquals(QamaAttentionBlock.STATE_MARKER, tail.getInt());
        assertEquals(0L, tail.getLong());

        QamaAttentionBlock back = plugged();
        manager.getEngine().setRandomSeed(32);
        back.initialize(manager, DataType.FLOAT32, IN);
        load(back, file);
        NDArray x = manager.randomNormal(IN);
        assertArrayEquals(forward(ours, x), forward(back, x), 0f);
    }
}
