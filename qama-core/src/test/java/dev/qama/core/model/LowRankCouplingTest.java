package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.testkit.RandomProblems;
import org.junit.jupiter.api.Test;

class LowRankCouplingTest {

    @Test
    void equalsItsDenseExportUnderEveryOperator() {
        for (int r : new int[] {1, 2, 5}) {
            LowRankCoupling c = RandomProblems.lowRankCoupling(11, r, 17 + r);
            float[] ref = c.toDenseArray(11);
            CouplingChecks.assertSameOperator(c, ref, 1e-5, r);
            assertEquals(c.toDense(11).sumSquaresUpper(), c.sumSquaresUpper(), 1e-4);
        }
    }

    @Test
    void entriesFollowTheFactorFormula() {
        // A = [1, 2]ᵀ (r = 1), B = [3, 4]ᵀ, s = 0.5: J_01 = 0.5·(1·4 + 3·2) = 5
        LowRankCoupling c = LowRankCoupling.of(2, 1, new float[] {1, 2}, new float[] {3, 4}, 0.5);
        assertEquals(5, c.get(0, 1), 1e-12);
        assertEquals(0, c.get(1, 1));
        assertEquals(3, c.removedDiagonal()[0], 1e-12); // 2·0.5·1·3
    }

    @Test
    void removedDiagonalIsEachRowSumInOrderToTheLastBit() {
        // rows are summed four at a time: every n (whole passes and a tail) against the plain loop
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int r : new int[] {1, 3, 8}) {
            for (int n = 0; n <= 9; n++) {
                float[] a = new float[n * r];
                float[] b = new float[n * r];
                for (int p = 0; p < n * r; p++) {
                    a[p] = (float) (rnd.nextGaussian() * Math.exp(4 * rnd.nextGaussian()));
                    b[p] = (float) (rnd.nextGaussian() * Math.exp(4 * rnd.nextGaussian()));
                }
                double s = 0.17677669529663687; // 1/(2√8)
                double[] want = new double[n];
                for (int i = 0; i < n; i++) {
                    double acc = 0;
                    for (int c = 0; c < r; c++) {
                        acc += (double) a[i * r + c] * b[i * r + c];
                    }
                    want[i] = 2 * s * acc;
                }
                assertArrayEquals(want, LowRankCoupling.of(n, r, a, b, s).removedDiagonal());
            }
        }
    }

    @Test
    void wrapTakesTheArraysOverAndEqualsOf() {
        float[] a = {1, 2, -0.5f, 0.25f};
        float[] b = {3, 4, 1.5f, -2};
        LowRankCoupling copied = LowRankCoupling.of(2, 2, a, b, 0.5);
        LowRankCoupling wrapped = LowRankCoupling.wrap(2, 2, a, b, 0.5);
        assertSame(a, wrapped.factorA()); // no copy
        assertSame(b, wrapped.factorB());
        assertNotSame(a, copied.factorA());
        assertEquals(copied.get(0, 1), wrapped.get(0, 1));
        assertArrayEquals(copied.removedDiagonal(), wrapped.removedDiagonal());
        String msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankCoupling.wrap(2, 2, new float[4], new float[3], 1))
                        .getMessage();
        assertTrue(msg.contains("factor B") && msg.contains("3"), msg);
        assertThrows(
                IllegalArgumentException.class,
                () -> LowRankCoupling.wrap(1, 1, new float[1], new float[1], Double.NaN));
    }

    @Test
    void rejectsBadFactors() {
        String msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LowRankCoupling.of(2, 2, new float[3], new float[4], 1))
                        .getMessage();
        assertTrue(msg.contains("factor A") && msg.contains("3"), msg);
        assertThrows(
                IllegalArgumentException.class,
                () -> LowRankCoupling.of(1, 1, new float[] {Float.NaN}, new float[1], 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> LowRankCoupling.of(1, 1, new float[1], new float[1], Double.NaN));
    }
}
