package dev.qama.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
import dev.qama.djl.QamaAttentionBlock.OutputMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model's output for an input does not depend on its batch: the same example predicted alone and
 * inside a batch of 64, at several positions, with another thread count, gives the same output.
 */
class QamaBatchIndependenceTest extends PyTorchTest {
    static final int N = 49;
    static final int E = 32;
    static final int BATCH = 64;

    static QamaAttentionBlock block(AnnealerBackend backend, OutputMode mode) {
        return QamaAttentionBlock.builder()
                .setEmbeddingSize(E)
                .setHeadCount(8)
                .optAttentionProbsDropoutProb(0f)
                .optOutputMode(mode)
                .optSeed(11)
                .optBackend(backend)
                .build();
    }

    /** Output of batch element {@code at} of {@code x} (B, N, E), with an optional (B, N) mask. */
    static float[] output(QamaAttentionBlock block, NDArray x, NDArray mask, int at) {
        try (NDManager sub = manager.newSubManager()) {
            NDList in = mask == null ? new NDList(x) : new NDList(x, mask);
            NDArray out = block.forward(new ParameterStore(sub, false), in, false).head();
            float[] row = out.get(new NDIndex("{}", at)).toFloatArray();
            out.close();
            return row;
        }
    }

    /**
     * The batch: {@code BATCH} random examples with the probe at positions {@code at}; the mask
     * keeps every token of the probe and drops a few of each other element.
     */
    static NDArray[] batchAround(NDArray probe, NDArray probeMask, int[] at, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        NDArray x = manager.randomNormal(new Shape(BATCH, N, E));
        float[] keep = new float[BATCH * N];
        Arrays.fill(keep, 1f);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        for (int b = 0; b < BATCH; b++) {
            keep[b * N + rnd.nextInt(N)] = 0f;
        }
        float[] pm = probeMask.toFloatArray();
        List<NDArray> rows = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            final int bb = b;
            boolean probeHere = Arrays.stream(at).anyMatch(a -> a == bb);
            rows.add(probeHere ? probe : x.get(new NDIndex("{}:{}", b, b + 1)));
            if (probeHere) {
                System.arraycopy(pm, 0, keep, b * N, N);
            }
        }
        return new NDArray[] {
            NDArrays.concat(new NDList(rows)), manager.create(keep, new Shape(BATCH, N))
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "sa"})
    void anInputGivesTheSameOutputAloneAndAnywhereInABatch(String solver) throws Exception {
        try (AnnealerBackend one = Annealers.create(solver, BackendOptions.parse("threads=1"));
                AnnealerBackend two = Annealers.create(solver, BackendOptions.parse("threads=2"))) {
            for (OutputMode mode : new OutputMode[] {OutputMode.SELECTED_KEYS}) { // the default
                QamaAttentionBlock a = block(one, mode);
                QamaAttentionBlock b = block(two, mode);
                manager.getEngine().setRandomSeed(5);
                a.initialize(manager, DataType.FLOAT32, new Shape(1, N, E));
                b.initialize(manager, DataType.FLOAT32, new Shape(1, N, E));
                b.loadParameters(
                        manager,
                        new java.io.DataInputStream(
                                new java.io.ByteArrayInputStream(QamaSerializationTest.save(a))));
                NDArray probe = manager.randomNormal(new Shape(1, N, E));
                float[] pm = new float[N];
                Arrays.fill(pm, 1f);
                pm[3] = 0f; // the probe has a mask of its own
                NDArray probeMask = manager.create(pm, new Shape(1, N));
                float[] alone = output(a, probe, probeMask, 0);
                int[] positions = {0, 17, 63};
                NDArray[] batch = batchAround(probe, probeMask, positions, 7);
                for (int at : positions) {
                    String where = solver + ", " + mode + ", position " + at;
                    assertArrayEquals(alone, output(a, batch[0], batch[1], at), 1e-5f, where);
                    assertArrayEquals(
                            alone, output(b, batch[0], batch[1], at), 1e-5f, where + ", 2 threads");
                }
                // other neighbours
                NDArray[] other = batchAround(probe, probeMask, new int[] {40}, 8);
                assertArrayEquals(
                        alone, output(a, other[0], other[1], 40), 1e-5f, solver + ", " + mode);
            }
        }
    }

    /** The seeds themselves: a function of the element's own mask, and of the training pass. */
    @Test
    void elementSeedsDependOnTheElementAndTheTrainingPassOnly() {
        int n = 6;
        ExactTestBackend recorder = new ExactTestBackend(null, 0);
        QamaAttentionBlock block = block(recorder, OutputMode.VALUES);
        manager.getEngine().setRandomSeed(2);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, n, E));
        NDArray x = manager.randomNormal(new Shape(3, n, E));
        float[] keep = new float[3 * n];
        Arrays.fill(keep, 1f);
        keep[n + 2] = 0f; // element 1 masks token 2
        try (NDManager sub = manager.newSubManager()) {
            block.forward(
                    new ParameterStore(sub, false),
                    new NDList(x, manager.create(keep, new Shape(3, n))),
                    false);
        }
        List<Long> s = List.copyOf(recorder.seeds);
        assertEquals(s.get(0), s.get(2), "two unmasked elements share a seed, wherever they are");
        assertNotEquals(s.get(0), s.get(1), "a masked element has its own");
        assertEquals(QamaAttentionBlock.elementSeed(11, 0, 0), (long) s.get(0));
        // training passes draw fresh seeds, pass after pass
        recorder.seeds.clear();
        for (int pass = 0; pass < 2; pass++) {
            try (NDManager sub = manager.newSubManager()) {
                block.forward(new ParameterStore(sub, false), new NDList(x), true);
            }
        }
        assertNotEquals(recorder.seeds.get(0), recorder.seeds.get(3), "pass 1 and pass 2");
        assertNotEquals(s.get(0), recorder.seeds.get(0), "training and inference");
    }
}
