package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.testkit.RandomProblems;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryQuadraticModelTest {

    private static byte[] state(int bits, int n, Vartype vt) {
        byte[] z = new byte[n];
        for (int i = 0; i < n; i++) {
            z[i] = ((bits >>> i) & 1) != 0 ? vt.high() : vt.low();
        }
        return z;
    }

    private static List<BinaryQuadraticModel> models(Vartype vt) {
        return List.of(
                RandomProblems.dense(vt, 7, 1),
                RandomProblems.sparse(vt, 8, 0.4, 2),
                RandomProblems.lowRank(vt, 6, 2, 3));
    }

    @Test
    void vartypeConversionIsExactBothWaysForEveryState() {
        for (Vartype vt : Vartype.values()) {
            Vartype other = vt == Vartype.SPIN ? Vartype.BINARY : Vartype.SPIN;
            for (BinaryQuadraticModel m : models(vt)) {
                BinaryQuadraticModel c = m.toVartype(other);
                BinaryQuadraticModel back = c.toVartype(vt);
                assertEquals(other, c.vartype());
                assertSame(m, m.toVartype(vt));
                assertEquals(m.coupling().getClass(), c.coupling().getClass());
                int n = m.numVariables();
                for (int s = 0; s < (1 << n); s++) {
                    byte[] z = state(s, n, vt);
                    byte[] zc = BinaryQuadraticModel.convertState(z, vt, other);
                    assertArrayEquals(state(s, n, other), zc);
                    double e = m.energy(z);
                    assertEquals(e, c.energy(zc), 1e-5 * (1 + Math.abs(e)), m + " state " + s);
                    assertEquals(e, back.energy(z), 1e-5 * (1 + Math.abs(e)), "round trip " + s);
                }
            }
        }
    }

    @Test
    void energyFollowsTheConvention() {
        // E = offset + h·z + Σ_{i<j} J_ij z_i z_j
        float[] j = {0, 2, -1, 2, 0, 0.5f, -1, 0.5f, 0};
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(
                        Vartype.SPIN,
                        new float[] {1, -2, 0.25f},
                        DenseCoupling.ofSymmetric(3, j),
                        3);
        byte[] s = {1, -1, 1};
        double expected = 3 + (1 + 2 + 0.25) + (2 * -1 + -1 * 1 + 0.5 * -1);
        assertEquals(expected, m.energy(s), 1e-12);
        double[] es = m.energies(new byte[][] {s, {-1, -1, -1}});
        assertEquals(expected, es[0], 1e-12);
        assertEquals(3 + (-1 + 2 - 0.25) + (2 - 1 + 0.5), es[1], 1e-12);
    }

    @Test
    void fromQuboMatrixEqualsXtQx() {
        int n = 5;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        float[] q = new float[n * n];
        for (int k = 0; k < q.length; k++) {
            q[k] = (float) rnd.nextGaussian(); // not symmetric
        }
        BinaryQuadraticModel m = BinaryQuadraticModel.fromQuboMatrix(n, q);
        assertEquals(Vartype.BINARY, m.vartype());
        for (int s = 0; s < (1 << n); s++) {
            byte[] x = state(s, n, Vartype.BINARY);
            double e = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    e += q[i * n + k] * x[i] * x[k];
                }
            }
            assertEquals(e, m.energy(x), 1e-5, "state " + s);
        }
        String msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> BinaryQuadraticModel.fromQuboMatrix(2, new float[3]))
                        .getMessage();
        assertTrue(msg.contains("3") && msg.contains("4"), msg);
        float[] bad = new float[4];
        bad[2] = Float.NaN;
        msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> BinaryQuadraticModel.fromQuboMatrix(2, bad))
                        .getMessage();
        assertTrue(msg.contains("[2]") && msg.contains("NaN"), msg);
    }

    @Test
    void localFieldsAndFlipDeltasEqualEnergyDifferences() {
        for (Vartype vt : Vartype.values()) {
            for (BinaryQuadraticModel m : models(vt)) {
                int n = m.numVariables();
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(n);
                for (int trial = 0; trial < 5; trial++) {
                    byte[] z = state(rnd.nextInt(1 << n), n, vt);
                    double[] f = new double[n];
                    m.localFields(z, f);
                    double e = m.energy(z);
                    for (int i = 0; i < n; i++) {
                        assertEquals(f[i], m.localField(z, i), 1e-9);
                        byte[] z2 = z.clone();
                        z2[i] = vt.flip(z[i]);
                        double diff = m.energy(z2) - e;
                        assertEquals(diff, m.flipDelta(z, i), 1e-5, vt + " flip " + i);
                        assertEquals(diff, m.flipDelta(z[i], f[i]), 1e-5);
                        // the field is ∂E/∂z_i: E(high) − E(low) = f_i·(high − low)
                        byte[] hi = z.clone();
                        byte[] lo = z.clone();
                        hi[i] = vt.high();
                        lo[i] = vt.low();
                        assertEquals(
                                m.energy(hi) - m.energy(lo), f[i] * (vt.high() - vt.low()), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void rejectsBadInputNamingIt() {
        DenseCoupling c = DenseCoupling.zeros(2);
        String msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        BinaryQuadraticModel.of(
                                                Vartype.SPIN, new float[] {0, Float.NaN}, c, 0))
                        .getMessage();
        assertTrue(msg.contains("[1]") && msg.contains("NaN"), msg);
        assertThrows(
                IllegalArgumentException.class,
                () -> BinaryQuadraticModel.of(Vartype.SPIN, new float[3], c, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> BinaryQuadraticModel.of(Vartype.SPIN, new float[2], c, Double.NaN));
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, c);
        msg =
                assertThrows(IllegalArgumentException.class, () -> m.energy(new byte[] {1, 0}))
                        .getMessage();
        assertTrue(msg.contains("state[1] = 0"), msg);
        assertThrows(IllegalArgumentException.class, () -> m.energy(new byte[] {1}));
    }
}
