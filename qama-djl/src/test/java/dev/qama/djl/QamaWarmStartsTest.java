package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code optWarmStarts}: a training example's solve starts from its previous selection. */
class QamaWarmStartsTest extends PyTorchTest {
    static final int N = 6;
    static final int E = 16;

    /** A backend that records each problem's warm start and answers by a seeded descent. */
    static ExactTestBackend recorder() {
        return new ExactTestBackend(null, 0);
    }

    static QamaAttentionBlock block(AnnealerBackend backend, boolean warm) {
        QamaAttentionBlock b =
                QamaAttentionBlock.builder()
                        .setEmbeddingSize(E)
                        .setHeadCount(2)
                        .optAttentionProbsDropoutProb(0f)
                        .optSeed(3)
                        .optBackend(backend)
                        .optWarmStarts(warm)
                        .build();
        manager.getEngine().setRandomSeed(9);
        b.initialize(manager, DataType.FLOAT32, new Shape(1, N, E));
        return b;
    }

    static float[] pass(QamaAttentionBlock block, NDArray x, NDArray mask, boolean training) {
        try (NDManager sub = manager.newSubManager()) {
            NDList in = mask == null ? new NDList(x) : new NDList(x, mask);
            return block.forward(new ParameterStore(sub, false), in, training)
                    .head()
                    .toFloatArray();
        }
    }

    static NDArray rows(NDArray x, int... rows) {
        List<NDArray> parts = new ArrayList<>();
        for (int r : rows) {
            parts.add(x.get(new NDIndex("{}:{}", r, r + 1)));
        }
        return NDArrays.concat(new NDList(parts));
    }

    @Test
    void eachKeyStartsFromItsOwnPreviousSelectionWhereverItStands() {
        ExactTestBackend rec = recorder();
        QamaAttentionBlock block = block(rec, true);
        manager.getEngine().setRandomSeed(1);
        NDArray x = manager.randomNormal(new Shape(4, N, E));
        try (SampleKeys keys = SampleKeys.open(10, 20, 30)) {
            pass(block, rows(x, 0, 1, 2), null, true);
        }
        assertEquals(3, rec.initials.size());
        rec.initials.forEach(s -> assertNull(s, "first pass: no warm start"));
        List<byte[]> first = List.copyOf(rec.answers);
        assertEquals(3, block.getWarmStartCount());
        rec.initials.clear();
        // the next pass sees examples 30 and 10 in other rows, and a new one
        try (SampleKeys keys = SampleKeys.open(30, 10, 40)) {
            pass(block, rows(x, 2, 0, 3), null, true);
        }
        assertArrayEquals(first.get(2), rec.initials.get(0), "key 30 starts where it ended");
        assertArrayEquals(first.get(0), rec.initials.get(1), "key 10 starts where it ended");
        assertNull(rec.initials.get(2), "key 40 was not seen before");
        assertEquals(4, block.getWarmStartCount());
        block.clearWarmStarts();
        assertEquals(0, block.getWarmStartCount());
    }

    @Test
    void inferenceAndPassesWithoutKeysSolveFromScratch() {
        ExactTestBackend rec = recorder();
        QamaAttentionBlock block = block(rec, true);
        manager.getEngine().setRandomSeed(2);
        NDArray x = manager.randomNormal(new Shape(2, N, E));
        pass(block, x, null, true); // no scope: nothing stored
        assertEquals(0, block.getWarmStartCount());
        try (SampleKeys keys = SampleKeys.open(1, 2)) {
            pass(block, x, null, true);
            float[] a = pass(block, x, null, false);
            float[] b = pass(block, x, null, false);
            assertArrayEquals(a, b, "inference does not depend on the stored selections");
        }
        rec.initials.forEach(s -> assertNull(s));
        assertEquals(2, block.getWarmStartCount());
        // a block without warm starts ignores the keys
        ExactTestBackend cold = recorder();
        QamaAttentionBlock off = block(cold, false);
        try (SampleKeys keys = SampleKeys.open(1, 2)) {
            pass(off, x, null, true);
            pass(off, x, null, true);
        }
        cold.initials.forEach(s -> assertNull(s));
        assertEquals(0, off.getWarmStartCount());
    }

    @Test
    void aKeyReusedForAnotherMaskStartsCold() {
        ExactTestBackend rec = recorder();
        QamaAttentionBlock block = block(rec, true);
        manager.getEngine().setRandomSeed(4);
        NDArray x = manager.randomNormal(new Shape(1, N, E));
        try (SampleKeys keys = SampleKeys.open(7)) {
            pass(block, x, null, true);
        }
        byte[] chosen = rec.answers.get(0);
        int token = -1;
        for (int v = 0; v < chosen.length && token < 0; v++) {
            if (chosen[v] != 0) {
                token = v % N; // bits are (head, token) row-major with q = 1
            }
        }
        assertTrue(token >= 0, "the first solve selects some token");
        float[] keep = new float[N];
        java.util.Arrays.fill(keep, 1f);
        keep[token] = 0f;
        rec.initials.clear();
        try (SampleKeys keys = SampleKeys.open(7)) {
            pass(block, x, manager.create(keep, new Shape(1, N)), true);
        }
        assertNull(rec.initials.get(0), "the stored state selects a token now masked");
    }

    @Test
    void aKeyCountOtherThanTheBatchIsAnError() {
        QamaAttentionBlock block = block(recorder(), true);
        NDArray x = manager.randomNormal(new Shape(3, N, E));
        try (SampleKeys keys = SampleKeys.open(1, 2)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> pass(block, x, null, true));
            assertEquals(
                    "SampleKeys names 2 examples, but the batch has 3 (one key per batch row)",
                    e.getMessage());
        }
    }

    @Test
    void scopesNestAndCloseInOrder() {
        assertNull(SampleKeys.current());
        try (SampleKeys outer = SampleKeys.open(1, 2)) {
            SampleKeys inner = SampleKeys.open(new int[] {3});
            assertArrayEquals(new long[] {3}, SampleKeys.current());
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            assertEquals(
                    "SampleKeys closed while a scope opened after it is still open",
                    e.getMessage());
            inner.close();
            inner.close(); // twice: nothing
            assertArrayEquals(new long[] {1, 2}, SampleKeys.current());
        }
        assertNull(SampleKeys.current());
        assertThrows(IllegalArgumentException.class, () -> SampleKeys.open((long[]) null));
    }

    /** With sb: the same training run gives the same outputs, with one solver thread or two. */
    @Test
    void warmStartedTrainingIsReproducibleAcrossThreadCounts() throws Exception {
        float[][] outs = new float[2][];
        for (int t = 1; t <= 2; t++) {
            try (AnnealerBackend sb =
                    Annealers.create(
                            "sb", BackendOptions.parse("threads=" + t + ",warm-ramp=0.3"))) {
                QamaAttentionBlock block = block(sb, true);
                manager.getEngine().setRandomSeed(6);
                NDArray x = manager.randomNormal(new Shape(8, N, E));
                for (int epoch = 0; epoch < 3; epoch++) {
                    try (SampleKeys keys = SampleKeys.open(0, 1, 2, 3, 4, 5, 6, 7)) {
                        outs[t - 1] = pass(block, x, null, true);
                    }
                }
                assertEquals(8, block.getWarmStartCount());
                assertNotNull(outs[t - 1]);
            }
        }
        assertArrayEquals(outs[0], outs[1], 0f, "1 and 2 solver threads");
    }
}
