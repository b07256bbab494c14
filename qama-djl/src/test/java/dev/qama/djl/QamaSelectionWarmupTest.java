package dev.qama.djl;

import static dev.qama.djl.QamaSerializationTest.E;
import static dev.qama.djl.QamaSerializationTest.H;
import static dev.qama.djl.QamaSerializationTest.IN;
import static dev.qama.djl.QamaSerializationTest.forward;
import static dev.qama.djl.QamaSerializationTest.load;
import static dev.qama.djl.QamaSerializationTest.save;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import dev.qama.djl.QamaAttentionBlock.ParameterLayout;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The selection warm-up ({@link QamaAttentionBlock.Builder#optSelectionWarmup}): β and γ grow from
 * 0 over the first training passes, and the pass count travels with the parameter file.
 */
class QamaSelectionWarmupTest extends PyTorchTest {
    /** SELECTED_KEYS, the first three keys of every head selected, β, γ and warm-up W. */
    static QamaAttentionBlock block(Formulation f, double beta, double gamma, long warmup) {
        QamaAttentionBlock b =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(H)
                        .optFormulation(f)
                        .optOutputMode(OutputMode.SELECTED_KEYS)
                        .optAttentionProbsDropoutProb(0f)
                        .optUnselectedPenalty(beta)
                        .optEnergyScale(gamma)
                        .optSelectionWarmup(warmup)
                        .optBackend(new ExactTestBackend(QamaSelectionGradientTest::firstThree))
                        .build();
        b.initialize(manager, DataType.FLOAT32, IN);
        return b;
    }

    /** One training forward pass (no gradient needed: it advances the block's pass count). */
    static void trainingPass(QamaAttentionBlock b, NDArray x) {
        try (NDManager sub = manager.newSubManager()) {
            b.forward(new ParameterStore(sub, false), new NDList(x), true);
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void aFreshBlockMixesWithoutTheSelectionAndTheSelectionTakesOverOverTheWarmup()
            throws Exception {
        for (Formulation f : Formulation.values()) {
            double beta = QamaAttentionBlock.DEFAULT_UNSELECTED_PENALTY;
            double gamma = 0.3; // larger than the default, so that its share shows
            manager.getEngine().setRandomSeed(41);
            QamaAttentionBlock warming = block(f, beta, gamma, 4);
            byte[] file = save(warming); // pass count 0
            NDArray x = manager.randomNormal(IN);

            QamaAttentionBlock none = block(f, 0, 0, 0);
            load(none, new ByteArrayInputStream(file));
            QamaAttentionBlock half = block(f, beta / 2, gamma / 2, 0);
            load(half, new ByteArrayInputStream(file));
            QamaAttentionBlock full = block(f, beta, gamma, 0);
            load(full, new ByteArrayInputStream(file));
            float[] outNone = forward(none, x);
            float[] outHalf = forward(half, x);
            float[] outFull = forward(full, x);
            assertTrue(maxDiff(outNone, outFull) > 1e-3, f + ": the selection matters at all");

            assertEquals(0, warming.getTrainingPasses());
            float[] atZero = forward(warming, x);
            if (f.defaultBits() == 1) {
                // w is 0 or 1, so r·log w = 0 and the ramp is exactly r·β, r·γ
                assertArrayEquals(outNone, atZero, 1e-6f, f + ": pass 0, r = 0");
            }
            assertTrue(maxDiff(atZero, outFull) > 1e-3, f + ": pass 0 is not the full mix");
            trainingPass(warming, x);
            trainingPass(warming, x);
            assertEquals(2, warming.getTrainingPasses());
            if (f.defaultBits() == 1) {
                assertArrayEquals(
                        outHalf, forward(warming, x), 1e-5f, f + ": pass 2 of 4, r = 1/2");
            }
            trainingPass(warming, x);
            trainingPass(warming, x);
            trainingPass(warming, x);
            assertArrayEquals(outFull, forward(warming, x), 1e-5f, f + ": pass 5, r = 1");
            assertEquals(5, warming.getTrainingPasses(), "inference does not count");
        }
    }

    @Test
    void thePassCountIsSavedAndAFileWithoutItCountsAsWarmedUp() throws Exception {
        manager.getEngine().setRandomSeed(43);
        QamaAttentionBlock trained = block(Formulation.PAPER_V2, 1, 0.1, 100);
        NDArray x = manager.randomNormal(IN);
        for (int i = 0; i < 7; i++) {
            trainingPass(trained, x);
        }
        byte[] file = save(trained);
        QamaAttentionBlock reloaded = block(Formulation.PAPER_V2, 1, 0.1, 100);
        load(reloaded, new ByteArrayInputStream(file));
        assertEquals(7, reloaded.getTrainingPasses());
        assertArrayEquals(forward(trained, x), forward(reloaded, x), 1e-5f, "same ramp");

        // paper-v1 has no value importance: the count follows DJL's children directly
        QamaAttentionBlock v1 = block(Formulation.PAPER_V1, 1, 0.1, 100);
        trainingPass(v1, x);
        QamaAttentionBlock v1Reloaded = block(Formulation.PAPER_V1, 1, 0.1, 100);
        load(v1Reloaded, new ByteArrayInputStream(save(v1)));
        assertEquals(1, v1Reloaded.getTrainingPasses());

        // files without the count: written in DJL's layout, or before the count existed (the
        // QAMA file without its last 12 bytes), through a mark-capable and a plain stream
        trained.setParameterLayout(ParameterLayout.CLASSICAL);
        byte[] classical = save(trained);
        byte[] old = Arrays.copyOf(file, file.length - Integer.BYTES - Long.BYTES);
        for (byte[] f : new byte[][] {classical, old}) {
            for (boolean markable : new boolean[] {true, false}) {
                QamaAttentionBlock b = block(Formulation.PAPER_V2, 1, 0.1, 100);
                InputStream in = new ByteArrayInputStream(f);
                if (!markable) {
                    in =
                            new FilterInputStream(in) {
                                @Override
                                public boolean markSupported() {
                                    return false;
                                }
                            };
                }
                load(b, in);
                assertTrue(b.getTrainingPasses() >= 100, "warmed up: " + b.getTrainingPasses());
                assertEquals(1.0, b.selectionRamp());
            }
        }
    }

    @Test
    void aNegativeWarmupIsRefusedNamingTheValue() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                QamaAttentionBlock.builder()
                                        .setEmbeddingSize(E)
                                        .setHeadCount(H)
                                        .optSelectionWarmup(-3)
                                        .build());
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    }
}
