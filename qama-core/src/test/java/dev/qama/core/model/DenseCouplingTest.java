package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.testkit.RandomProblems;
import org.junit.jupiter.api.Test;

class DenseCouplingTest {

    private static String message(float[] m, int n) {
        return assertThrows(IllegalArgumentException.class, () -> DenseCoupling.ofSymmetric(n, m))
                .getMessage();
    }

    @Test
    void rejectsNaNNamingTheEntry() {
        float[] m = {0, 1, 1, Float.NaN, 0, 2, 1, 2, 0};
        String msg = message(m, 3);
        assertTrue(msg.contains("J[1][0]") && msg.contains("NaN"), msg);
        m[3] = Float.POSITIVE_INFINITY;
        assertTrue(message(m, 3).contains("Infinity"));
    }

    @Test
    void rejectsAsymmetricNamingBothEntries() {
        float[] m = {0, 1, 3, 1, 0, 2, 1, 2, 0};
        String msg = message(m, 3);
        assertTrue(msg.contains("J[0][2] = 3.0") && msg.contains("J[2][0] = 1.0"), msg);
    }

    @Test
    void rejectsNonZeroDiagonalNamingTheEntry() {
        float[] m = {0, 1, 1, 0.5f};
        String msg = message(m, 2);
        assertTrue(msg.contains("J[1][1] = 0.5"), msg);
    }

    @Test
    void rejectsWrongLength() {
        String msg = message(new float[5], 2);
        assertTrue(msg.contains("5") && msg.contains("4"), msg);
        assertThrows(
                IllegalArgumentException.class, () -> DenseCoupling.ofSymmetric(-1, new float[0]));
    }

    @Test
    void toleratesRoundingAsymmetryAndAveragesIt() {
        float[] m = {0, 1f, 1f + 1e-8f, 0};
        DenseCoupling c = DenseCoupling.ofSymmetric(2, m);
        assertEquals(c.get(0, 1), c.get(1, 0), 0);
    }

    @Test
    void symmetricPartDropsTheDiagonal() {
        float[] m = {5, 1, 3, 7};
        DenseCoupling c = DenseCoupling.symmetricPartOf(2, m);
        assertEquals(0, c.get(0, 0));
        assertEquals(2, c.get(0, 1), 1e-7);
        assertEquals(2, c.get(1, 0), 1e-7);
    }

    @Test
    void operatorsMatchTheMatrix() {
        DenseCoupling c = RandomProblems.denseCoupling(9, 4);
        CouplingChecks.assertSameOperator(c, c.toDenseArray(9), 1e-6, 1);
        assertEquals(72, c.nonZeros());
        assertThrows(IllegalArgumentException.class, () -> c.toDenseArray(8));
    }
}
