package dev.qama.core.formulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PaperV1FormulationTest {

    /** softmax of a float row, for the test's own reference computations. */
    private static double[] softmax(float[] z, int s, int d) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < d; a++) {
            max = Math.max(max, z[s + a]);
        }
        double[] p = new double[d];
        double sum = 0;
        for (int a = 0; a < d; a++) {
            p[a] = Math.exp(z[s + a] - max);
            sum += p[a];
        }
        for (int a = 0; a < d; a++) {
            p[a] /= sum;
        }
        return p;
    }

    private static double klBits(double[] p, double[] m) {
        double s = 0;
        for (int a = 0; a < p.length; a++) {
            if (p[a] > 0) {
                s += p[a] * Math.log(p[a] / m[a]) / Math.log(2);
            }
        }
        return s;
    }

    private static double jsd(double[] p, double[] r) {
        double[] m = new double[p.length];
        for (int a = 0; a < p.length; a++) {
            m[a] = (p[a] + r[a]) / 2;
        }
        return 0.5 * klBits(p, m) + 0.5 * klBits(r, m);
    }

    @Test
    void defaultsAreThePapers() {
        PaperV1Formulation f = PaperV1Formulation.builder().build();
        assertEquals("paper-v1", f.name());
        assertEquals(4, f.bits());
        assertEquals(1.0, f.couplingScale());
        assertEquals(1.0, f.linearScale());
        assertEquals(2.0, f.multiHeadPenalty());
        assertEquals(0.0, f.longRangeWeight());
        assertEquals(V1CouplingMode.SIMILARITY, f.couplingMode());
        AttentionProblem p = f.build(Fixtures.inputs(1, 1, 8, 6, 3, 0), 0);
        assertEquals(4, p.bits());
        assertEquals(8 * 6 * 4, p.numVariables());
        assertEquals(1.0, p.couplingWeight());
        assertEquals(1.0, p.linearWeight());
        assertEquals(2.0 / 28, p.penaltyWeight(), 1e-15); // P = 8·7/2
    }

    @Test
    void singleHeadHasNoPenaltyAndNoNaN() {
        PaperV1Formulation f = PaperV1Formulation.builder().longRangeWeight(0.5).build();
        AttentionInputs in = Fixtures.inputs(2, 1, 1, 5, 4, 0);
        AttentionProblem p = f.build(in, 0);
        assertEquals(0.0, p.penaltyWeight());
        byte[] ones = new byte[5 * 4];
        Arrays.fill(ones, (byte) 1);
        assertTrue(Double.isFinite(p.energy(ones)));
        AttentionGradient g = f.gradient(in, 0, ones);
        for (double[] a : new double[][] {g.dQ(), g.dK(), g.dV(), g.dCoupling(), g.dLinear()}) {
            for (double v : a) {
                assertTrue(Double.isFinite(v));
            }
        }
        assertNull(g.dValueImportance());
        // one token: the long-range distance |i−j|/(N−1) must not divide by zero
        AttentionInputs single = Fixtures.inputs(3, 1, 1, 1, 4, 0);
        byte[] x = {1, 1, 1, 1};
        assertTrue(Double.isFinite(f.build(single, 0).energy(x)));
        assertTrue(Double.isFinite(f.gradient(single, 0, x).energy()));
    }

    @Test
    void couplingsAreJensenShannonInBits() {
        int heads = 2;
        int n = 4;
        int d = 3;
        AttentionInputs in = Fixtures.inputs(4, 1, heads, n, d, 0);
        AttentionProblem sim = PaperV1Formulation.builder().build().build(in, 0);
        AttentionProblem div =
                PaperV1Formulation.builder()
                        .couplingMode(V1CouplingMode.DIVERGENCE)
                        .build()
                        .build(in, 0);
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(0, t);
            for (int i = 0; i < n; i++) {
                double[] pi = softmax(in.q(), off + i * d, d);
                for (int j = 0; j < n; j++) {
                    double jij = jsd(pi, softmax(in.k(), off + j * d, d));
                    double jji =
                            jsd(softmax(in.q(), off + j * d, d), softmax(in.k(), off + i * d, d));
                    assertTrue(jij >= 0 && jij <= 1);
                    if (i == j) {
                        assertEquals(1 - jij, sim.diagonal(t)[i], 1e-6);
                        assertEquals(jij, div.diagonal(t)[i], 1e-6);
                        assertEquals(0.0, sim.coupling(t).get(i, i));
                    } else {
                        assertEquals(1 - (jij + jji) / 2, sim.coupling(t).get(i, j), 1e-6);
                        assertEquals((jij + jji) / 2, div.coupling(t).get(i, j), 1e-6);
                    }
                }
            }
        }
    }

    @Test
    void similarityRewardsSimilarQueryKeyPairs() {
        // one head, d = 2: token 0's query and key point the same way, token 1's are opposite
        float[] q = {20, 0, 20, 0};
        float[] k = {20, 0, 0, 20};
        float[] v = {0, 0, 0, 0};
        AttentionInputs in = new AttentionInputs(1, 1, 2, 2, q, k, v, null);
        AttentionProblem sim = PaperV1Formulation.builder().bits(1).build().build(in, 0);
        AttentionProblem div =
                PaperV1Formulation.builder()
                        .bits(1)
                        .couplingMode(V1CouplingMode.DIVERGENCE)
                        .build()
                        .build(in, 0);
        // J_00 = 1 − JSD(p, p) = 1, J_11 ≈ 1 − 1 = 0 (near-disjoint distributions)
        assertEquals(1.0, sim.diagonal(0)[0], 1e-6);
        assertEquals(0.0, sim.diagonal(0)[1], 1e-3);
        assertEquals(1.0, div.diagonal(0)[1], 1e-3);
        // selecting the similar token lowers the energy under SIMILARITY, not under DIVERGENCE
        byte[] first = {1, 0};
        byte[] second = {0, 1};
        assertTrue(sim.energy(first) < sim.energy(second));
        assertTrue(div.energy(first) > div.energy(second));
    }

    @Test
    void linearTermIsEntropyOfSoftmaxOfValues() {
        int d = 4;
        float[] q = new float[2 * d];
        float[] k = new float[2 * d];
        float[] v = {1, 1, 1, 1, 30, 0, 0, 0}; // uniform → 2 bits; peaked → ≈ 0
        AttentionInputs in = new AttentionInputs(1, 1, 2, d, q, k, v, null);
        AttentionProblem p = PaperV1Formulation.builder().build().build(in, 0);
        assertEquals(2.0, p.linear(0)[0], 1e-6);
        assertEquals(0.0, p.linear(0)[1], 1e-10);
        AttentionInputs rnd = Fixtures.inputs(5, 1, 1, 3, d, 0);
        AttentionProblem pr = PaperV1Formulation.builder().build().build(rnd, 0);
        for (int i = 0; i < 3; i++) {
            double[] s = softmax(rnd.v(), i * d, d);
            double h = 0;
            for (double a : s) {
                h -= a * Math.log(a) / Math.log(2);
            }
            assertEquals(h, pr.linear(0)[i], 1e-6);
        }
    }

    @Test
    void energyMatchesThePaperFormulaWithLongRangeTerm() {
        int heads = 3;
        int n = 5;
        int d = 3;
        int q = 3;
        double cj = 0.9;
        double ch = 1.4;
        double lambda = 2.5;
        double gamma = 0.6;
        AttentionInputs in = Fixtures.inputs(7, 2, heads, n, d, 1);
        int b = 1;
        PaperV1Formulation f =
                PaperV1Formulation.builder()
                        .bits(q)
                        .couplingScale(cj)
                        .linearScale(ch)
                        .multiHeadPenalty(lambda)
                        .longRangeWeight(gamma)
                        .build();
        PaperV1Formulation noLr =
                PaperV1Formulation.builder()
                        .bits(q)
                        .couplingScale(cj)
                        .linearScale(ch)
                        .multiHeadPenalty(lambda)
                        .build();
        AttentionProblem p = f.build(in, b);
        AttentionProblem p0 = noLr.build(in, b);
        int maskedCount = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(in.isMasked(b, i), p.isMasked(i), "mask of token " + i);
            for (int t = 0; t < heads; t++) {
                for (int kk = 0; kk < q; kk++) {
                    assertEquals(in.isMasked(b, i), !p.isFree(p.index(t, i, kk)));
                }
            }
            maskedCount += in.isMasked(b, i) ? 1 : 0;
        }
        assertTrue(maskedCount > 0 && maskedCount < n, "the fixture masks some tokens");
        Random rnd = new Random(8);
        double[] u = AttentionProblem.bitWeights(q);
        for (int rep = 0; rep < 10; rep++) {
            byte[] x = Fixtures.state(rnd, in, b, q, rnd.nextDouble());
            double coupling = 0;
            double linear = 0;
            double far = 0;
            double pairs = 0;
            for (int t = 0; t < heads; t++) {
                int off = in.headOffset(b, t);
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    for (int kk = 0; kk < q; kk++) {
                        w[i] += u[kk] * x[(t * n + i) * q + kk];
                    }
                }
                for (int i = 0; i < n; i++) {
                    double[] s = softmax(in.v(), off + i * d, d);
                    double h = 0;
                    for (double a : s) {
                        h -= a * Math.log(a) / Math.log(2);
                    }
                    linear += h * w[i];
                    for (int j = 0; j < n; j++) {
                        double jij =
                                1
                                        - jsd(
                                                softmax(in.q(), off + i * d, d),
                                                softmax(in.k(), off + j * d, d));
                        coupling += jij * w[i] * w[j];
                        if (i != j) {
                            far += Math.abs(i - j) / (n - 1.0) * w[i] * w[j];
                        }
                    }
                    for (int t2 = t + 1; t2 < heads; t2++) {
                        for (int kk = 0; kk < q; kk++) {
                            pairs += x[(t * n + i) * q + kk] * x[(t2 * n + i) * q + kk];
                        }
                    }
                }
            }
            double rho = lambda / (heads * (heads - 1) / 2.0);
            double expected = -cj * coupling - ch * linear - gamma * far + rho * pairs;
            double tol = 1e-5 * (1 + Math.abs(expected));
            assertEquals(expected, p.energy(x), tol, "state " + rep);
            assertEquals(expected, f.gradient(in, b, x).energy(), tol);
            assertEquals(-gamma * far, p.energy(x) - p0.energy(x), tol, "long-range term");
            double sum = Arrays.stream(p.tokenEnergies(x)).sum();
            assertEquals(p.energy(x) - rho * p.penaltyPairs(x), sum, tol);
        }
    }

    @Test
    void longRangeTermRewardsDistantSelections() {
        // all couplings equal (V, Q, K zero): only the long-range term tells the states apart
        int n = 6;
        int d = 2;
        AttentionInputs in =
                new AttentionInputs(
                        1, 1, n, d, new float[n * d], new float[n * d], new float[n * d], null);
        AttentionProblem p =
                PaperV1Formulation.builder().bits(1).longRangeWeight(1.0).build().build(in, 0);
        byte[] near = {1, 1, 0, 0, 0, 0};
        byte[] far = {1, 0, 0, 0, 0, 1};
        assertTrue(p.energy(far) < p.energy(near));
        assertEquals(p.energy(near) - p.energy(far), 2 * (1.0 - 0.2), 1e-6);
    }

    @Test
    void saturatedSoftmaxGivesFiniteGradients() {
        // exp(−2000) underflows: some probabilities are exactly 0 (0·log 0 must be taken as 0)
        float[] q = {2000, 0, 0, 0, 2000, 0};
        float[] k = {0, 2000, 0, 1, 1, 1};
        float[] v = {3000, 0, 0, 1, 2, 3};
        AttentionInputs in = new AttentionInputs(1, 1, 2, 3, q, k, v, null);
        PaperV1Formulation f = PaperV1Formulation.builder().bits(2).build();
        byte[] x = {1, 1, 1, 0};
        AttentionProblem p = f.build(in, 0);
        assertTrue(Double.isFinite(p.energy(x)));
        AttentionGradient g = f.gradient(in, 0, x);
        assertEquals(p.energy(x), g.energy(), 1e-5);
        for (double[] a : new double[][] {g.dQ(), g.dK(), g.dV()}) {
            for (double val : a) {
                assertTrue(Double.isFinite(val), Arrays.toString(a));
            }
        }
    }
}
