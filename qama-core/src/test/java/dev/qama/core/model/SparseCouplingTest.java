package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseCouplingTest {

    @Test
    void equalsTheDenseMatrixUnderEveryOperator() {
        for (long seed = 0; seed < 4; seed++) {
            int n = 12;
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] ref = new float[n * n];
            SparseCoupling.Builder b = SparseCoupling.builder(n);
            for (int k = 0; k < 30; k++) {
                int i = rnd.nextInt(n);
                int j = rnd.nextInt(n);
                if (i == j) {
                    continue;
                }
                float v = (float) rnd.nextGaussian();
                // random order of (i, j) and duplicates: both must be summed
                b.add(i, j, v);
                ref[i * n + j] += v;
                ref[j * n + i] += v;
            }
            SparseCoupling c = b.build();
            CouplingChecks.assertSameOperator(c, ref, 1e-5, seed);
            long nnz = 0;
            for (float v : ref) {
                nnz += v != 0 ? 1 : 0;
            }
            assertEquals(nnz, c.nonZeros());
            // rows list sorted columns
            for (int i = 0; i < n; i++) {
                for (int k = c.rowStart()[i] + 1; k < c.rowStart()[i + 1]; k++) {
                    assertTrue(c.columns()[k - 1] < c.columns()[k], "row " + i + " sorted");
                }
            }
        }
    }

    @Test
    void duplicatesAreSummedAndCancellationsDropped() {
        SparseCoupling c =
                SparseCoupling.builder(4)
                        .add(0, 1, 1.5)
                        .add(1, 0, 2)
                        .add(2, 3, 1)
                        .add(3, 2, -1)
                        .build();
        assertEquals(3.5, c.get(0, 1), 1e-7);
        assertEquals(3.5, c.get(1, 0), 1e-7);
        assertEquals(0, c.get(2, 3));
        assertEquals(2, c.nonZeros());
    }

    @Test
    void rejectsOutOfRangeDiagonalAndNonFinite() {
        SparseCoupling.Builder b = SparseCoupling.builder(3);
        String msg =
                assertThrows(IllegalArgumentException.class, () -> b.add(0, 3, 1)).getMessage();
        assertTrue(msg.contains("(0, 3)") && msg.contains("3 variables"), msg);
        assertThrows(IllegalArgumentException.class, () -> b.add(-1, 0, 1));
        msg = assertThrows(IllegalArgumentException.class, () -> b.add(2, 2, 1)).getMessage();
        assertTrue(msg.contains("(2, 2)"), msg);
        msg =
                assertThrows(IllegalArgumentException.class, () -> b.add(0, 1, Double.NaN))
                        .getMessage();
        assertTrue(msg.contains("NaN"), msg);
    }

    @Test
    void emptyAndIsolatedRows() {
        SparseCoupling c = SparseCoupling.builder(5).add(1, 3, 2).build();
        CouplingChecks.assertSameOperator(c, c.toDenseArray(5), 1e-7, 3);
        SparseCoupling none = SparseCoupling.builder(0).build();
        assertEquals(0, none.size());
        assertEquals(0, none.pairSum(new byte[0]));
    }
}
