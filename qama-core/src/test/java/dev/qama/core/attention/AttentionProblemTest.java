package dev.qama.core.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.testkit.RandomProblems;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttentionProblemTest {

    /** Problems over q = 1, 2, 4; H = 1, 3; with and without mask and diagonal; dense/low-rank. */
    private static List<AttentionProblem> problems() {
        List<AttentionProblem> out = new ArrayList<>();
        long seed = 1;
        for (int q : new int[] {1, 2, 4}) {
            for (int h : new int[] {1, 3}) {
                for (boolean lowRank : new boolean[] {false, true}) {
                    boolean masked = (q + h) % 2 == 0 || lowRank;
                    boolean diagonal = !lowRank || q == 2;
                    int tokens = 5;
                    boolean[] mask = masked ? RandomProblems.mask(tokens, 2, seed) : null;
                    out.add(
                            RandomProblems.attention(
                                    h, tokens, q, mask, lowRank, diagonal, seed++));
                }
            }
        }
        return out;
    }

    @Test
    void bitWeightsSumToOne() {
        for (int q = 1; q <= 16; q++) {
            double[] u = AttentionProblem.bitWeights(q);
            double s = 0;
            for (int k = 0; k < q; k++) {
                s += u[k];
                if (k > 0) {
                    assertEquals(2 * u[k - 1], u[k], 1e-15);
                }
            }
            assertEquals(1, s, 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> AttentionProblem.bitWeights(0));
        assertThrows(IllegalArgumentException.class, () -> AttentionProblem.bitWeights(17));
    }

    @Test
    void energyEqualsTheExportedModelEnergy() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (AttentionProblem p : problems()) {
            BinaryQuadraticModel m = p.toBinaryModel(1000);
            AttentionProblem.FreeModel free = p.freeModel(1000);
            for (int k = 0; k < 50; k++) {
                byte[] x = RandomProblems.state(p, rnd);
                double e = p.energy(x);
                assertEquals(e, m.energy(x), 1e-5 * (1 + Math.abs(e)), p.toString());
                byte[] reduced = new byte[free.variables().length];
                for (int a = 0; a < reduced.length; a++) {
                    reduced[a] = x[free.variables()[a]];
                }
                assertArrayEquals(x, free.expand(reduced));
                assertEquals(e, free.model().energy(reduced), 1e-5 * (1 + Math.abs(e)));
            }
        }
    }

    @Test
    void energyMatchesTheFormulaByHand() {
        // H = 2, N = 2, q = 1: E = −a Σ_t w_tᵀC_t w_t − b Σ h·w + ρ Σ_i x_{0,i} x_{1,i}
        DenseCoupling c0 = DenseCoupling.ofSymmetric(2, new float[] {0, 1, 1, 0});
        DenseCoupling c1 = DenseCoupling.ofSymmetric(2, new float[] {0, -2, -2, 0});
        AttentionProblem p =
                AttentionProblem.builder(2, 2, 1)
                        .coupling(0, c0)
                        .coupling(1, c1)
                        .linear(0, new float[] {0.5f, 0.25f})
                        .linear(1, new float[] {1, 0})
                        .couplingWeight(2)
                        .linearWeight(3)
                        .penaltyWeight(0.75)
                        .build();
        byte[] x = {1, 1, 1, 0}; // head 0 selects both tokens, head 1 token 0
        double expected = -2 * (2 * 1) - 3 * (0.5 + 0.25 + 1) + 0.75 * 1;
        assertEquals(expected, p.energy(x), 1e-12);
        assertEquals(1, p.penaltyPairs(x));
        double[] te = p.tokenEnergies(x);
        double sum = 0;
        for (double v : te) {
            sum += v;
        }
        assertEquals(expected - 0.75, sum, 1e-12);
    }

    @Test
    void singleHeadHasNoPenalty() {
        AttentionProblem p =
                AttentionProblem.builder(1, 3, 2)
                        .coupling(0, DenseCoupling.zeros(3))
                        .linear(0, new float[3])
                        .penaltyWeight(5)
                        .build();
        assertEquals(0, p.penaltyWeight());
        byte[] x = new byte[6];
        java.util.Arrays.fill(x, (byte) 1);
        assertEquals(0, p.energy(x), 0);
        assertTrue(Double.isFinite(p.newState(x).delta(0)));
        assertEquals(0, p.newState(x).delta(3), 0);
    }

    @Test
    void checkStateNamesEveryBadEntryAndPassesEveryGoodState() {
        // the check reads eight bytes at a time before naming an entry: every position of a
        // 3 × 7 × 2 problem (whole groups of eight and a tail), masked or not
        boolean[] mask = {false, false, true, false, false, false, true};
        AttentionProblem p = RandomProblems.attention(3, 7, 2, mask, false, false, 9);
        int n = p.numVariables();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        for (int rep = 0; rep < 20; rep++) {
            byte[] x = new byte[n];
            for (int v = 0; v < n; v++) {
                x[v] = (byte) (p.isFree(v) ? rnd.nextInt(2) : 0);
            }
            p.checkState(x); // valid
            for (int v = 0; v < n; v++) {
                byte[] y = x.clone();
                int at = v;
                if (p.isFree(v)) {
                    for (byte bad : new byte[] {2, -1, 3, (byte) 0x80}) {
                        y[v] = bad;
                        String msg =
                                assertThrows(IllegalArgumentException.class, () -> p.checkState(y))
                                        .getMessage();
                        assertTrue(msg.contains("state[" + at + "] = " + bad), msg);
                    }
                } else {
                    y[v] = 1;
                    String msg =
                            assertThrows(IllegalArgumentException.class, () -> p.checkState(y))
                                    .getMessage();
                    int t = v / 2 / 7;
                    int i = v / 2 % 7;
                    assertTrue(
                            msg.contains("masked token " + i + " (head " + t + ", bit " + v % 2),
                            msg);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> p.checkState(new byte[n - 1]));
        assertThrows(IllegalArgumentException.class, () -> p.checkState(null));
    }

    @Test
    void oneBitWeightsAreTheStateAsTheGeneralSum() {
        AttentionProblem p = RandomProblems.attention(3, 5, 1, null, true, false, 2);
        byte[] x = new byte[p.numVariables()];
        for (int v = 0; v < x.length; v += 2) {
            x[v] = 1;
        }
        double[] w = p.weights(x);
        double u = p.bitWeights()[0];
        for (int v = 0; v < x.length; v++) {
            double s = 0; // the general q-bit sum with q = 1
            s += u * x[v];
            assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(w[v]));
        }
    }

    @Test
    void maskedTokensCannotBeSelected() {
        boolean[] mask = {false, true, false};
        AttentionProblem p = RandomProblems.attention(2, 3, 2, mask, false, true, 5);
        byte[] x = new byte[p.numVariables()];
        x[p.index(1, 1, 0)] = 1;
        String msg = assertThrows(IllegalArgumentException.class, () -> p.energy(x)).getMessage();
        assertTrue(msg.contains("masked token 1") && msg.contains("head 1"), msg);
        AttentionState st = p.newState(new byte[p.numVariables()]);
        for (int t = 0; t < 2; t++) {
            for (int k = 0; k < 2; k++) {
                int v = p.index(t, 1, k);
                assertEquals(Double.POSITIVE_INFINITY, st.delta(v));
                assertTrue(!p.isFree(v));
                assertThrows(IllegalArgumentException.class, () -> st.flip(v));
            }
        }
        assertTrue(p.isFree(p.index(1, 2, 1)));
        BinaryQuadraticModel m = p.toBinaryModel(100);
        int v = p.index(0, 1, 0);
        assertEquals(0, m.linear(v));
        for (int w = 0; w < p.numVariables(); w++) {
            assertEquals(0, m.coupling().get(v, w));
        }
    }

    @Test
    void deltasEqualEnergyDifferences() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (AttentionProblem p : problems()) {
            byte[] x = RandomProblems.state(p, rnd);
            AttentionState st = p.newState(x);
            double e = p.energy(x);
            assertEquals(e, st.energy(), 1e-9 * (1 + Math.abs(e)));
            for (int v = 0; v < p.numVariables(); v++) {
                if (!p.isFree(v)) {
                    continue;
                }
                byte[] y = x.clone();
                y[v] ^= 1;
                double diff = p.energy(y) - e;
                assertEquals(diff, st.delta(v), 1e-9 * (1 + Math.abs(e)), p + " bit " + v);
                double field = x[v] == 0 ? diff : -diff;
                assertEquals(field, st.field(v), 1e-9 * (1 + Math.abs(e)));
            }
        }
    }

    @Test
    void trackedEnergyStaysExactOverManyFlips() {
        SplittableRandom rnd = new SplittableRandom(12);
        List<AttentionProblem> ps = new ArrayList<>(problems());
        SparseCoupling sc = RandomProblems.sparseCoupling(6, 0.5, 3);
        ps.add(
                AttentionProblem.builder(2, 6, 2)
                        .coupling(0, sc)
                        .coupling(1, sc)
                        .linear(0, RandomProblems.linear(6, rnd))
                        .linear(1, RandomProblems.linear(6, rnd))
                        .penaltyWeight(0.3)
                        .build());
        for (AttentionProblem p : ps) {
            AttentionState st = p.newState(new byte[p.numVariables()]);
            for (int k = 0; k < 1000; k++) {
                int v = rnd.nextInt(p.numVariables());
                if (!p.isFree(v)) {
                    continue;
                }
                double before = st.energy();
                double d = st.flip(v);
                assertEquals(before + d, st.energy(), 1e-12 * (1 + Math.abs(before)));
            }
            double exact = p.energy(st.copyState());
            assertEquals(exact, st.energy(), 1e-8 * (1 + Math.abs(exact)), p.toString());
            double[] w = p.weights(st.state());
            for (int t = 0; t < p.heads(); t++) {
                for (int i = 0; i < p.tokens(); i++) {
                    assertEquals(w[t * p.tokens() + i], st.weight(t, i), 1e-9);
                }
            }
            st.recompute();
            assertEquals(exact, st.energy(), 1e-12 * (1 + Math.abs(exact)));
        }
    }

    @Test
    void builderRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> AttentionProblem.builder(0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> AttentionProblem.builder(1, -1, 1));
        AttentionProblem.Builder b = AttentionProblem.builder(2, 3, 1);
        String msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> b.coupling(0, DenseCoupling.zeros(4)))
                        .getMessage();
        assertTrue(msg.contains("size 4") && msg.contains("N = 3"), msg);
        msg =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> b.coupling(2, DenseCoupling.zeros(3)))
                        .getMessage();
        assertTrue(msg.contains("head 2"), msg);
        assertThrows(
                IllegalArgumentException.class, () -> b.linear(0, new float[] {0, Float.NaN, 0}));
        b.coupling(0, DenseCoupling.zeros(3)).linear(0, new float[3]);
        msg = assertThrows(IllegalArgumentException.class, b::build).getMessage();
        assertTrue(msg.contains("head 1"), msg);
        AttentionProblem big = RandomProblems.attention(2, 30, 4, null, true, false, 1);
        msg =
                assertThrows(IllegalArgumentException.class, () -> big.toBinaryModel(100))
                        .getMessage();
        assertTrue(msg.contains("240") && msg.contains("100"), msg);
    }
}
