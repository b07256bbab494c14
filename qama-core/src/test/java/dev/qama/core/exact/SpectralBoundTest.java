package dev.qama.core.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.testkit.Oracle;
import dev.qama.core.testkit.RandomProblems;
import org.junit.jupiter.api.Test;

class SpectralBoundTest {

    @Test
    void boundIsBelowTheExactOptimumOnRandomModels() {
        double sumRel = 0;
        int count = 0;
        for (Vartype vt : Vartype.values()) {
            for (int s = 0; s < 10; s++) {
                int n = 3 + s;
                BinaryQuadraticModel m =
                        s % 3 == 2
                                ? RandomProblems.lowRank(vt, n, 2, 700 + s)
                                : s % 3 == 1
                                        ? RandomProblems.sparse(vt, n, 0.5, 700 + s)
                                        : RandomProblems.dense(vt, n, 700 + s);
                double opt = Oracle.minimum(m);
                SpectralBound.Result r = SpectralBound.compute(m);
                assertTrue(r.bound() <= opt + 1e-9, vt + " n=" + n + ": " + r + " > " + opt);
                assertTrue(r.bound() >= r.plainBound() - 1e-12, "never worse than plain: " + r);
                assertTrue(r.bound() >= r.trivialBound() - 1e-9, "never worse than trivial: " + r);
                assertTrue(r.gap(opt) >= -1e-9);
                sumRel += r.relativeGap(opt);
                count++;
            }
        }
        System.out.println("spectral bound: mean relative gap to the optimum " + sumRel / count);
    }

    @Test
    void subgradientStepsImproveThePlainBound() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 12, 5);
        SpectralBound.Result none = SpectralBound.compute(m, 0);
        SpectralBound.Result some = SpectralBound.compute(m, 40);
        assertTrue(some.bound() > none.bound(), some + " vs " + none);
        assertTrue(some.bound() <= Oracle.minimum(m) + 1e-9);
    }

    @Test
    void nearlyTightOnAFerromagneticCompleteGraph() {
        int n = 12;
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                j[i * n + k] = i == k ? 0f : -1f;
            }
        }
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.ofSymmetric(n, j));
        double opt = -n * (n - 1) / 2.0;
        SpectralBound.Result r = SpectralBound.compute(m);
        assertTrue(r.bound() <= opt + 1e-9, r.toString());
        assertTrue(r.relativeGap(opt) < 0.01, "relative gap " + r.relativeGap(opt));
        // the same model as a QUBO has the same optimum and bound
        SpectralBound.Result rb = SpectralBound.compute(m.toVartype(Vartype.BINARY));
        assertEquals(r.bound(), rb.bound(), 1e-3);
    }

    @Test
    void plainBoundOfAModelWithoutCouplingsIsExactForZeroField() {
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(Vartype.SPIN, new float[3], DenseCoupling.zeros(3), 2.5);
        assertEquals(2.5, SpectralBound.lowerBound(m), 1e-12);
        BinaryQuadraticModel empty =
                BinaryQuadraticModel.of(Vartype.BINARY, new float[0], DenseCoupling.zeros(0), -1);
        assertEquals(-1, SpectralBound.lowerBound(empty), 1e-12);
        assertEquals(0.5, SpectralBound.gap(empty, -0.5), 1e-12);
    }

    @Test
    void attentionProblemsAreBoundedThroughTheirFreeModel() {
        AttentionProblem p =
                RandomProblems.attention(2, 4, 2, RandomProblems.mask(4, 1, 3), false, true, 9);
        double opt = Oracle.minimum(p);
        double b = SpectralBound.lowerBound(p);
        assertTrue(b <= opt + 1e-9, b + " > " + opt);
    }

    @Test
    void rejectsBadArguments() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 3, 1);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SpectralBound.compute(m, -1));
        assertTrue(e.getMessage().contains("-1"));
    }
}
