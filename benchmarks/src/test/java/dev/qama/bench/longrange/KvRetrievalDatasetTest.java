package dev.qama.bench.longrange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvRetrievalDatasetTest {

    @Test
    void examplesAreSeededAndIndependentOfTheDatasetSize() {
        KvRetrievalDataset a = new KvRetrievalDataset(1024, 4, 5, 10, 42);
        KvRetrievalDataset b = new KvRetrievalDataset(1024, 4, 5, 3, 42);
        KvRetrievalDataset c = new KvRetrievalDataset(1024, 4, 5, 10, 43);
        boolean anyDifferent = false;
        for (int e = 0; e < 3; e++) {
            assertArrayEquals(a.tokens(e), b.tokens(e));
            assertEquals(a.label(e), b.label(e));
            anyDifferent |= !Arrays.equals(a.tokens(e), c.tokens(e));
        }
        assertTrue(anyDifferent, "another seed gives other examples");
    }

    @Test
    void everyExampleHoldsOneQueryAndOnePairPerKeyAndItsLabelIsTheQueriedValue() {
        int keys = 3;
        int values = 4;
        KvRetrievalDataset d = new KvRetrievalDataset(512, keys, values, 50, 7);
        assertEquals(1 + keys + keys * values, d.vocabulary());
        assertEquals(values, d.classes());
        int[] labelCounts = new int[values];
        int farApart = 0;
        for (int e = 0; e < d.size(); e++) {
            int[] t = d.tokens(e);
            assertEquals(512, t.length);
            int query = t[0] - 1;
            assertTrue(query >= 0 && query < keys, "position 0 is a query token");
            int[] seen = new int[keys];
            int answer = -1;
            int answerPos = -1;
            for (int i = 1; i < t.length; i++) {
                assertTrue(t[i] == 0 || t[i] > keys, "no query token after position 0");
                if (t[i] > keys) {
                    int k = (t[i] - 1 - keys) / values;
                    int v = (t[i] - 1 - keys) % values;
                    seen[k]++;
                    if (k == query) {
                        answer = v;
                        answerPos = i;
                    }
                }
            }
            for (int k = 0; k < keys; k++) {
                assertEquals(1, seen[k], "key " + k + " appears once in example " + e);
            }
            assertEquals(answer, d.label(e));
            labelCounts[d.label(e)]++;
            if (answerPos > 128) {
                farApart++;
            }
        }
        for (int v = 0; v < values; v++) {
            assertTrue(labelCounts[v] > 0, "label " + v + " occurs");
        }
        assertTrue(farApart > 25, "the answer is usually far from the query: " + farApart);
    }

    @Test
    void batchesAreDjlArraysOfTheRightShape() {
        KvRetrievalDataset d = new KvRetrievalDataset(64, 2, 3, 8, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList b = d.batch(m, 2, 4);
            assertEquals(new Shape(4, 64), b.get(0).getShape());
            assertEquals(new Shape(4), b.get(1).getShape());
            float[] t = b.get(0).toFloatArray();
            int[] expected = d.tokens(3);
            for (int i = 0; i < 64; i++) {
                assertEquals(expected[i], (int) t[64 + i]);
            }
            assertEquals(d.label(5), (int) b.get(1).toFloatArray()[3]);
        }
        assertThrows(IllegalArgumentException.class, () -> d.batch(null, 6, 4));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new KvRetrievalDataset(3, 4, 2, 1, 0));
        assertTrue(e.getMessage().contains("length (3)"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new KvRetrievalDataset(10, 2, 1, 1, 0));
        assertTrue(e.getMessage().contains("values"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void crossEntropyIsMinusTheMeanLogProbabilityOfTheLabel() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {1f, 2f, 0f, 0f, 0f, 3f};
            float[] y = {1f, 2f};
            float loss =
                    LongRangeTraining.crossEntropy(
                                    m.create(z, new Shape(2, 3)), m.create(y, new Shape(2)), 3)
                            .getFloat();
            double l0 = -(2 - Math.log(Math.exp(1) + Math.exp(2) + 1));
            double l1 = -(3 - Math.log(2 + Math.exp(3)));
            assertEquals((l0 + l1) / 2, loss, 1e-5);
        }
    }
}
