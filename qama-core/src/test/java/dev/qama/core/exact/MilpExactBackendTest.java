package dev.qama.core.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.testkit.AnnealerBackendContract;
import dev.qama.core.testkit.RandomProblems;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ojalgo.optimisation.Optimisation;

class MilpExactBackendTest extends AnnealerBackendContract {

    @Override
    protected AnnealerBackend backend() {
        return new MilpExactBackend();
    }

    @Test
    void agreesWithBruteForceOnRandomProblems() {
        try (BruteForceBackend bf = new BruteForceBackend(1);
                MilpExactBackend milp = new MilpExactBackend()) {
            for (int s = 0; s < 12; s++) {
                Vartype vt = s % 2 == 0 ? Vartype.SPIN : Vartype.BINARY;
                BinaryQuadraticModel m =
                        s % 3 == 0
                                ? RandomProblems.sparse(vt, 14, 0.4, 300 + s)
                                : RandomProblems.dense(vt, 10 + s % 4, 300 + s);
                double exact = bf.solve(m, 1).bestEnergy();
                SolveResult r = milp.solve(SolveRequest.of(List.of(m), 0)).get(0);
                assertEquals(exact, r.bestEnergy(), 1e-6 * (1 + Math.abs(exact)), "seed " + s);
            }
        }
    }

    /**
     * With ojAlgo's default Gomory cuts, this problem's optimum (−22.759) was cut off in about 1
     * branch-and-bound run in 12, and the best state left (−22.533) came back as OPTIMAL. 40 runs
     * all pass with the cuts off; with them on, all 40 pass with probability about 0.04.
     */
    @Test
    void findsTheOptimumThatGomoryCutsLostEveryTime() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 12, 302);
        try (BruteForceBackend bf = new BruteForceBackend(1);
                MilpExactBackend milp = new MilpExactBackend()) {
            double exact = bf.solve(m, 1).bestEnergy();
            assertEquals(-22.759485756978393, exact, 1e-9);
            for (int run = 0; run < 40; run++) {
                SolveResult r = milp.solve(SolveRequest.of(List.of(m), 0)).get(0);
                assertEquals(SolveStatus.COMPLETED, r.status(), "run " + run);
                assertEquals(exact, r.bestEnergy(), 1e-9, "run " + run);
            }
        }
    }

    /**
     * One variable with h = −1000 and a small problem (coefficients about 1e-3) on the other ten:
     * ojAlgo's default gap tolerance (5 significant digits, about 1e-2 here) does not explore a
     * node whose bound is that close to the incumbent, and returned a state 1.15e-3 above the
     * optimum as optimal.
     */
    @Test
    void exactBelowOjAlgosDefaultGapTolerance() {
        int n = 11;
        BinaryQuadraticModel small = RandomProblems.dense(Vartype.BINARY, n - 1, 3);
        float[] h = new float[n];
        float[] j = new float[n * n];
        h[0] = -1000;
        for (int a = 1; a < n; a++) {
            h[a] = 1e-3f * (float) small.linear(a - 1);
            for (int b = 1; b < n; b++) {
                if (a != b) {
                    j[a * n + b] = 1e-3f * (float) small.coupling().get(a - 1, b - 1);
                }
            }
        }
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(Vartype.BINARY, h, DenseCoupling.ofSymmetric(n, j), 0);
        try (BruteForceBackend bf = new BruteForceBackend(1);
                MilpExactBackend milp = new MilpExactBackend()) {
            SolveResult exact = bf.solve(m, 1);
            SolveResult r = milp.solve(SolveRequest.of(List.of(m), 0)).get(0);
            assertEquals(SolveStatus.COMPLETED, r.status());
            assertEquals(exact.bestEnergy(), r.bestEnergy(), 1e-9);
        }
    }

    @Test
    void ojAlgoGetsNoCutsNoLooseGapAndNoTimeLimitOfItsOwn() {
        Optimisation.Options o = MilpExactBackend.options();
        assertEquals(0.5, o.integer().getGMICutConfiguration().fractionality);
        assertEquals(12, o.integer().getGapTolerance().getPrecision());
        assertEquals(Long.MAX_VALUE, o.time_suffice);
        assertEquals(Long.MAX_VALUE, o.time_abort);
    }

    @Test
    void refusesProblemsAboveTheLimit() {
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(41));
        try (MilpExactBackend b = new MilpExactBackend()) {
            assertFalse(b.isCapable(m));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> b.solve(SolveRequest.of(List.of(m), 0)));
            assertTrue(e.getMessage().contains("n = 41"), e.getMessage());
            assertTrue(e.getMessage().contains("limit of 40"), e.getMessage());
        }
        try (MilpExactBackend b = new MilpExactBackend(5)) {
            assertFalse(b.isCapable(RandomProblems.dense(Vartype.SPIN, 6, 1)));
            assertTrue(b.isCapable(RandomProblems.dense(Vartype.SPIN, 5, 1)));
        }
    }

    @Test
    void providerNamesAndOptions() {
        for (String name : List.of("milp", "ojalgo")) {
            try (AnnealerBackend b = Annealers.create(name)) {
                assertInstanceOf(MilpExactBackend.class, b);
                assertEquals("milp", b.name());
            }
        }
        try (AnnealerBackend b =
                Annealers.create("milp", BackendOptions.parse("max_variables=20"))) {
            assertEquals(20, ((MilpExactBackend) b).maxVariables());
            assertEquals(20, b.capabilities().maxVariables());
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Annealers.create("milp", BackendOptions.parse("threads=2")));
        assertTrue(e.getMessage().contains("max_variables"), e.getMessage());
        assertEquals(-90, new MilpProvider().rank());
    }

    @Test
    void allStatesOfATinyProblemThenRepeats() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 2, 8);
        try (MilpExactBackend b = new MilpExactBackend()) {
            SolveResult r = b.solve(SolveRequest.builder(List.of(m)).reads(6).build()).get(0);
            assertEquals(6, r.size());
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (int k = 0; k < 6; k++) {
                distinct.add(java.util.Arrays.toString(r.state(k)));
            }
            assertEquals(4, distinct.size(), "all four states found");
        }
    }
}
