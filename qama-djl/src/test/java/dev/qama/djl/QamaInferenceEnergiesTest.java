package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An inference pass nobody differentiates takes the per-token energies' values from the problems on
 * the host ({@code AttentionProblem.tokenEnergies}) instead of building them on the device: its
 * output equals, up to float rounding, that of the same pass recorded by a gradient collector
 * (which builds the energies on the device so that they can be differentiated).
 */
class QamaInferenceEnergiesTest {
    static final int B = 3;
    static final int N = 9;
    static final int H = 4;
    static final int E = 16;
    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @ParameterizedTest(name = "{0}, {1}, mask {2}")
    @CsvSource({
        "PAPER_V2, SELECTED_KEYS, false",
        "PAPER_V2, SELECTED_KEYS, true",
        "PAPER_V2, VALUES, true",
        "PAPER_V1, SELECTED_KEYS, true"
    })
    void hostEnergiesGiveTheRecordedPassesOutput(Formulation f, OutputMode mode, boolean masked) {
        QamaAttentionBlock block =
                QamaAttentionBlock.builder()
                        .optSelectionWarmup(0) // the energies weigh from the first pass
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .optAttentionProbsDropoutProb(0f)
                        .optFormulation(f)
                        .optOutputMode(mode)
                        .optEnergyScale(0.7) // energies weigh visibly in the logits
                        .optSeed(3)
                        .optBackend(new ExactTestBackend())
                        .build();
        manager.getEngine().setRandomSeed(9);
        block.initialize(manager, DataType.FLOAT32, new Shape(B, N, E));
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.randomNormal(new Shape(B, N, E));
            float[] keep = new float[B * N];
            Arrays.fill(keep, 1f);
            keep[2] = 0f;
            keep[N + 5] = 0f;
            NDList in = masked ? new NDList(x, pass.create(keep, new Shape(B, N))) : new NDList(x);
            ParameterStore ps = new ParameterStore(pass, false);
            NDArray plain = block.forward(ps, in, false).head();
            assertTrue(Autograd.isOff(manager.getEngine()), "nothing records outside a collector");
            float[] host = plain.toFloatArray();
            float[] device;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true); // the caller differentiates this pass
                assertFalse(Autograd.isOff(manager.getEngine()), "a collector records");
                NDArray recorded = block.forward(ps, in, false).head();
                device = recorded.toFloatArray();
            }
            assertEquals(device.length, host.length);
            double scale = 0;
            for (float v : device) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < host.length; i++) {
                assertEquals(device[i], host[i], 1e-5 * scale, "entry " + i);
            }
        }
    }
}
