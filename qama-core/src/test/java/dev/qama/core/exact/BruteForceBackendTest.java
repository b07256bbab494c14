package dev.qama.core.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.qama.core.testkit.Oracle;
import dev.qama.core.testkit.RandomProblems;
import java.util.List;
import org.junit.jupiter.api.Test;

class BruteForceBackendTest extends AnnealerBackendContract {

    @Override
    protected AnnealerBackend backend() {
        return new BruteForceBackend();
    }

    @Override
    protected AnnealerBackend backend(int threads) {
        return new BruteForceBackend(threads);
    }

    @Override
    protected int expectsOptimumUpTo() {
        return 30;
    }

    @Test
    void refusesMoreThanThirtyVariables() {
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(31));
        try (BruteForceBackend b = new BruteForceBackend(1)) {
            assertFalse(b.isCapable(m));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> b.solve(m, 1));
            assertTrue(e.getMessage().contains("n = 31"), e.getMessage());
            assertTrue(e.getMessage().contains("limit of 30"), e.getMessage());
        }
    }

    @Test
    void allStatesInOrderWithTieBreakOnTheBitPattern() {
        // zero model: every state has energy 0, so the order is the unsigned bit pattern
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(3));
        try (BruteForceBackend b = new BruteForceBackend(2)) {
            SolveResult r = b.solve(m, 8);
            for (int s = 0; s < 8; s++) {
                byte[] expected = new byte[3];
                for (int i = 0; i < 3; i++) {
                    expected[i] = (byte) (((s >>> i) & 1) != 0 ? 1 : -1);
                }
                assertArrayEquals(expected, r.state(s), "state " + s);
            }
        }
    }

    @Test
    void readsBeyondTheStateCountRepeatTheStates() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.BINARY, 2, 3);
        try (BruteForceBackend b = new BruteForceBackend(1)) {
            SolveResult r = b.solve(m, 6);
            assertEquals(6, r.size());
            double[] all = Oracle.sortedEnergies(m);
            for (int k = 0; k < 6; k++) {
                assertEquals(m.energy(r.state(k)), r.energy(k), 0);
            }
            assertEquals(all[0], r.energy(0), 1e-9);
            assertEquals(all[3], r.energies()[5], 1e-9);
        }
    }

    @Test
    void largestDistinctEnergiesMatchOracleOnSplitProblem() {
        // n = 16 is split into 16 chunks: the merge must return the global top-R
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 16, 123);
        double[] all = Oracle.sortedEnergies(m);
        try (BruteForceBackend b = new BruteForceBackend(2)) {
            SolveResult r = b.solve(m, 10);
            for (int k = 0; k < 10; k++) {
                assertEquals(all[k], r.energy(k), 1e-9 * (1 + Math.abs(all[k])), "read " + k);
            }
        }
    }

    @Test
    void providerNamesAliasesAndOptions() {
        for (String name : List.of("exact", "brute-force", "BruteForce")) {
            try (AnnealerBackend b = Annealers.create(name)) {
                assertInstanceOf(BruteForceBackend.class, b);
                assertEquals("exact", b.name());
            }
        }
        try (AnnealerBackend b = Annealers.create("exact", BackendOptions.parse("threads=3"))) {
            assertEquals(3, ((BruteForceBackend) b).threads());
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Annealers.create("exact", BackendOptions.parse("thread=3")));
        assertTrue(e.getMessage().contains("thread"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Annealers.create("exact", BackendOptions.parse("threads=0")));
        assertTrue(new ExactProvider().rank() < 0);
    }

    @Test
    void requestLevelRefusalNamesTheProblem() {
        BinaryQuadraticModel small = RandomProblems.dense(Vartype.SPIN, 3, 1);
        BinaryQuadraticModel big = BinaryQuadraticModel.of(Vartype.BINARY, DenseCoupling.zeros(40));
        try (BruteForceBackend b = new BruteForceBackend(1)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> b.solve(SolveRequest.of(List.of(small, big), 0)));
            assertTrue(e.getMessage().contains("problem 1"), e.getMessage());
            assertTrue(e.getMessage().contains("n = 40"), e.getMessage());
        }
    }

    @Test
    void stopsWithTheRightStatusAndValidStates() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 30, 5);
        try (BruteForceBackend b = new BruteForceBackend(2)) {
            SolveResult r =
                    b.solve(
                                    SolveRequest.builder(List.of(m))
                                            .reads(3)
                                            .timeLimit(java.time.Duration.ofMillis(50))
                                            .build())
                            .get(0);
            assertEquals(dev.qama.core.spi.SolveStatus.TIME_LIMIT, r.status());
            assertEquals(3, r.size());
            assertTrue(r.energy(0) <= r.energy(2));
            dev.qama.core.spi.Cancellation c = new dev.qama.core.spi.Cancellation();
            c.cancel();
            r = b.solve(SolveRequest.builder(List.of(m)).cancellation(c).build()).get(0);
            assertEquals(dev.qama.core.spi.SolveStatus.INTERRUPTED, r.status());
            assertEquals(m.energy(r.best()), r.bestEnergy(), 1e-9);
        }
    }

    @Test
    void identicalResultsForOneTwoAndThreeThreads() {
        BinaryQuadraticModel m = RandomProblems.sparse(Vartype.BINARY, 18, 0.3, 55);
        SolveResult[] rs = new SolveResult[3];
        for (int t = 1; t <= 3; t++) {
            try (BruteForceBackend b = new BruteForceBackend(t)) {
                rs[t - 1] = b.solve(m, 20);
            }
        }
        for (int t = 1; t < 3; t++) {
            for (int k = 0; k < 20; k++) {
                assertArrayEquals(
                        rs[0].state(k), rs[t].state(k), "threads " + (t + 1) + " read " + k);
            }
        }
    }
}
