package dev.qama.cim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpinSystemTest {

    /** Checks g = h + J·x against a dense spin-form model, and energies against the problem. */
    private static void check(Problem p, BinaryQuadraticModel dense, Kernels.Mode mode, long seed) {
        Random rnd = new Random(seed);
        int reps = 3;
        SpinSystem sys = SpinSystem.of(p, reps, mode);
        BinaryQuadraticModel spin = dense.toVartype(Vartype.SPIN);
        int n = p.numVariables();
        assertEquals(n, sys.size());
        float[] x = new float[n * reps];
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < reps; c++) {
                x[v * reps + c] = sys.isFixed(v) ? -1f : (float) (2 * rnd.nextDouble() - 1);
            }
        }
        float[] g = new float[n * reps];
        sys.gradient(x, g);
        double[] col = new double[n];
        double[] jx = new double[n];
        for (int c = 0; c < reps; c++) {
            for (int v = 0; v < n; v++) {
                col[v] = x[v * reps + c];
            }
            spin.coupling().multiply(col, jx);
            for (int v = 0; v < n; v++) {
                if (sys.isFixed(v)) {
                    continue; // the dense export zeroes masked rows; their field is never used
                }
                double expected = spin.linear(v) + jx[v];
                assertEquals(expected, g[v * reps + c], 1e-4 * (1 + Math.abs(expected)), "g" + v);
                if (sys.freeSpins().length == n) {
                    // with a mask the export drops the couplings to masked bits, which moves
                    // their (constant, s = −1) contribution from J into h
                    assertEquals(spin.linear(v), sys.linear(v), 1e-5 * (1 + Math.abs(expected)));
                }
            }
        }
        // energies of sign states through the gradient
        float[] s = new float[n * reps];
        for (int trial = 0; trial < 5; trial++) {
            byte[][] states = new byte[reps][];
            for (int c = 0; c < reps; c++) {
                byte[] sg = new byte[n];
                for (int v = 0; v < n; v++) {
                    sg[v] = (byte) (!sys.isFixed(v) && rnd.nextBoolean() ? 1 : -1);
                    s[v * reps + c] = sg[v];
                }
                states[c] = sys.toState(sg);
            }
            sys.gradient(s, g);
            double[] e = new double[reps];
            sys.energies(s, g, e);
            for (int c = 0; c < reps; c++) {
                double expected = p.energy(states[c]);
                assertEquals(expected, e[c], 1e-4 * (1 + Math.abs(expected)));
            }
        }
    }

    @Test
    void isingSystemsMatchTheirModel() {
        Random rnd = new Random(3);
        for (Vartype vt : Vartype.values()) {
            BinaryQuadraticModel dm = TestProblems.model(vt, TestProblems.dense(9, rnd), 1, rnd);
            BinaryQuadraticModel sm =
                    TestProblems.model(vt, TestProblems.sparse(12, 4, rnd), 1, rnd);
            BinaryQuadraticModel lm =
                    TestProblems.model(vt, TestProblems.lowRank(10, 3, rnd), 1, rnd);
            for (Kernels.Mode mode :
                    new Kernels.Mode[] {Kernels.Mode.SCALAR, Kernels.Mode.VECTOR}) {
                check(dm, dm, mode, 1);
                check(sm, sm, mode, 2);
                check(lm, lm, mode, 3);
            }
            assertEquals(
                    2 * dm.toVartype(Vartype.SPIN).coupling().sumSquaresUpper(),
                    SpinSystem.of(dm, 1, Kernels.Mode.AUTO).couplingSquares(),
                    1e-6);
        }
    }

    @Test
    void structuredAttentionFieldEqualsTheDenseExport() {
        Random rnd = new Random(7);
        int[][] shapes = {{1, 5, 1}, {3, 4, 1}, {2, 5, 3}, {4, 6, 2}};
        for (int[] sh : shapes) {
            for (boolean lowRank : new boolean[] {false, true}) {
                boolean[] mask = new boolean[sh[1]];
                mask[1] = true;
                for (boolean[] m : new boolean[][] {null, mask}) {
                    AttentionProblem p =
                            TestProblems.attention(sh[0], sh[1], sh[2], lowRank, m, rnd);
                    BinaryQuadraticModel dense = p.toBinaryModel(4096);
                    for (Kernels.Mode mode :
                            new Kernels.Mode[] {Kernels.Mode.SCALAR, Kernels.Mode.VECTOR}) {
                        check(p, dense, mode, sh[0] * 31L + sh[2]);
                    }
                    if (m == null) {
                        double expected =
                                2 * dense.toVartype(Vartype.SPIN).coupling().sumSquaresUpper();
                        assertEquals(
                                expected,
                                SpinSystem.of(p, 1, Kernels.Mode.AUTO).couplingSquares(),
                                1e-4 * expected);
                    }
                }
            }
        }
    }

    @Test
    void maskedBitsAreFixedAndExcludedFromTheFreeList() {
        Random rnd = new Random(1);
        boolean[] mask = {false, true, false};
        AttentionProblem p = TestProblems.attention(2, 3, 2, true, mask, rnd);
        SpinSystem sys = SpinSystem.of(p, 2, Kernels.Mode.AUTO);
        assertArrayEquals(new int[] {0, 1, 4, 5, 6, 7, 10, 11}, sys.freeSpins());
        assertTrue(sys.isFixed(p.index(1, 1, 0)));
        byte[] all = new byte[p.numVariables()];
        java.util.Arrays.fill(all, (byte) 1);
        byte[] st = sys.toState(all);
        for (int v = 0; v < st.length; v++) {
            assertEquals(sys.isFixed(v) ? 0 : 1, st[v]);
        }
    }

    /**
     * The free runs and the states of sign vectors of an attention problem with masked tokens and
     * two bits, against their definitions (a run per maximal block of consecutive free spins; a
     * spin is 1 where its sign is +1 and it is not fixed).
     */
    @Test
    void freeRunsAndStatesFollowTheMask() {
        Random rnd = new Random(31);
        boolean[] mask = {true, false, false, true, false, true};
        AttentionProblem p = TestProblems.attention(3, 6, 2, true, mask, rnd);
        for (Kernels.Mode mode : new Kernels.Mode[] {Kernels.Mode.SCALAR, Kernels.Mode.AUTO}) {
            SpinSystem sys = SpinSystem.of(p, 2, mode);
            int n = sys.size();
            int[] want = new int[2 * n];
            int m = 0;
            for (int v = 0; v < n; v++) {
                if (sys.isFixed(v)) {
                    continue;
                }
                if (m > 0 && want[m - 1] == v) {
                    want[m - 1]++;
                } else {
                    want[m++] = v;
                    want[m++] = v + 1;
                }
            }
            assertArrayEquals(java.util.Arrays.copyOf(want, m), sys.freeRuns());
            assertEquals(12, m, "six runs: tokens 1-2, 4 of each head");
            byte[] signs = new byte[n];
            byte[] state = new byte[n];
            for (int v = 0; v < n; v++) {
                signs[v] = (byte) (rnd.nextBoolean() ? 1 : -1);
                state[v] = (byte) (signs[v] > 0 && !sys.isFixed(v) ? 1 : 0);
            }
            assertArrayEquals(state, sys.toState(signs));
        }
    }
}
