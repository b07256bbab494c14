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
import dev.qama.core.testkit.AnnealerBackendContract;
import dev.qama.core.testkit.RandomProblems;
import java.util.List;
import org.junit.jupiter.api.Test;

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
