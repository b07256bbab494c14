package dev.qama.cim.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsaBaselineTest {

    private static BatchResult solve(
            CsaBaseline b, List<? extends Problem> ps, int reads, long seed) {
        return b.solve(SolveRequest.builder(ps).reads(reads).seed(seed).build());
    }

    @Test
    void defaultsMatchTheAuthors() {
        CsaBaseline b = CsaBaseline.create();
        assertEquals(1375, b.levels());
        assertEquals(false, b.faithful());
        assertEquals(
                1,
                CsaBaseline.fromOptions(BackendOptions.parse("t0=1,cutoff=0.5,alpha=0.25"))
                        .levels());
        assertEquals(0, CsaBaseline.fromOptions(BackendOptions.parse("t0=1,cutoff=2")).levels());
    }

    @Test
    void fixedLocalSearchEndsAtOneFlipLocalMinimaWhileFaithfulMayNot() {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            ps.add(TestProblems.denseGaussian(Vartype.BINARY, 40, 10 + k));
            ps.add(TestProblems.randomAttention(3, 8, 2, new int[] {0, 2}, true, k % 8, 20 + k));
        }
        ps.add(TestProblems.denseGaussian(Vartype.SPIN, 40, 30));
        CsaBaseline fixed = CsaBaseline.builder().optThreads(2).build();
        CsaBaseline faithful = CsaBaseline.builder().optThreads(2).optFaithful(true).build();
        try (fixed;
                faithful) {
            BatchResult a = solve(fixed, ps, 2, 5);
            BatchResult b = solve(faithful, ps, 2, 5);
            int faithfulNotLocalMin = 0;
            for (int k = 0; k < ps.size(); k++) {
                Problem p = ps.get(k);
                for (int i = 0; i < 2; i++) {
                    assertTrue(
                            TestProblems.bestFlipGain(p, a.get(k).state(i)) > -1e-9,
                            "fixed result of problem " + k + " is not a 1-flip local minimum");
                    byte[] s = b.get(k).state(i);
                    if (TestProblems.bestFlipGain(p, s) < -1e-9) {
                        faithfulNotLocalMin++;
                    }
                    // the faithful search still leaves no improving 1 -> 0 flip
                    double e0 = p.energy(s);
                    for (int v = 0; v < s.length; v++) {
                        if (s[v] == 1 && p.isFree(v) && p.vartype() == Vartype.BINARY) {
                            byte[] t = s.clone();
                            t[v] = 0;
                            assertTrue(p.energy(t) - e0 > -1e-9, "improving 1->0 flip left");
                        }
                    }
                }
            }
            assertTrue(faithfulNotLocalMin > 0, "faithful mode should miss some 0 -> 1 flips");
        }
    }

    @Test
    void reachesTheOptimumOfSmallProblemsWithoutEarlyStopping() {
        List<Problem> ps =
                List.of(
                        TestProblems.denseGaussian(Vartype.SPIN, 12, 1),
                        TestProblems.biqmacLike(14, 0.6, 2),
                        TestProblems.randomAttention(2, 5, 1, new int[] {0, 2}, false, 1, 3));
        try (CsaBaseline b = CsaBaseline.builder().optThreads(1).optPatience(0).build()) {
            BatchResult r = solve(b, ps, 8, 11);
            for (int k = 0; k < ps.size(); k++) {
                assertEquals(
                        TestProblems.bruteForceMin(ps.get(k)),
                        r.get(k).bestEnergy(),
                        1e-6,
                        "problem " + k);
                assertEquals(SolveStatus.COMPLETED, r.get(k).status());
            }
        }
    }

    @Test
    void spinModelsAreSolvedInBinaryFormAndConvertedBack() {
        BinaryQuadraticModel m = TestProblems.denseGaussian(Vartype.SPIN, 10, 4);
        try (CsaBaseline b = CsaBaseline.builder().optThreads(1).build()) {
            SolveResult r = solve(b, List.of(m), 3, 0).get(0);
            for (int i = 0; i < r.size(); i++) {
                for (byte v : r.state(i)) {
                    assertTrue(v == 1 || v == -1);
                }
                assertEquals(m.energy(r.state(i)), r.energy(i), 0.0);
            }
            byte[] warm = TestProblems.bruteForce(m).state();
            SolveResult w =
                    b.solve(SolveRequest.builder(List.of(m)).initialStates(List.of(warm)).build())
                            .get(0);
            assertEquals(TestProblems.bruteForceMin(m), w.bestEnergy(), 1e-9);
        }
    }

    @Test
    void masksHoldAndResultsDoNotDependOnThreads() {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            ps.add(TestProblems.randomAttention(2, 6, 2, new int[] {2, 0}, false, k, 60 + k));
        }
        CsaBaseline one = CsaBaseline.builder().optThreads(1).build();
        CsaBaseline two = CsaBaseline.builder().optThreads(2).build();
        try (one;
                two) {
            BatchResult a = solve(one, ps, 2, 3);
            BatchResult b = solve(two, ps, 2, 3);
            for (int k = 0; k < ps.size(); k++) {
                AttentionProblem p = (AttentionProblem) ps.get(k);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(a.get(k).state(i), b.get(k).state(i));
                    byte[] s = a.get(k).state(i);
                    for (int t = 0; t < 2; t++) {
                        for (int q = 0; q < 2; q++) {
                            assertEquals(0, s[p.index(t, k, q)]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void stopsOnTimeLimitAndCancellation() {
        BinaryQuadraticModel m = TestProblems.sparseLarge(Vartype.BINARY, 5000, 6, 1);
        try (CsaBaseline b =
                CsaBaseline.builder().optThreads(1).optAlpha(0.9999999).optPatience(0).build()) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(m))
                                    .reads(2)
                                    .timeLimit(Duration.ofMillis(50))
                                    .build());
            assertEquals(SolveStatus.TIME_LIMIT, r.status());
            assertEquals(m.energy(r.get(0).best()), r.get(0).bestEnergy(), 0.0);
            Cancellation c = new Cancellation();
            c.cancel();
            r = b.solve(SolveRequest.builder(List.of(m)).reads(2).cancellation(c).build());
            assertEquals(SolveStatus.INTERRUPTED, r.status());
            assertEquals(2, r.get(0).size());
        }
    }

    @Test
    void patienceIsCountedPerProblem() {
        // a problem alone and the same problem inside a batch give the same answer
        BinaryQuadraticModel m = TestProblems.denseGaussian(Vartype.BINARY, 30, 77);
        List<Problem> batch = new ArrayList<>();
        batch.add(m);
        for (int k = 0; k < 5; k++) {
            batch.add(TestProblems.denseGaussian(Vartype.BINARY, 30, 78 + k));
        }
        try (CsaBaseline b = CsaBaseline.builder().optThreads(2).build()) {
            SolveRequest alone = SolveRequest.builder(List.of(m)).seed(4).build();
            SolveRequest many = SolveRequest.builder(batch).seed(4).build();
            SolveResult x = b.solve(alone).get(0);
            SolveResult y = b.solve(many).get(0);
            assertArrayEquals(x.best(), y.best());
            assertEquals(SolveStatus.CONVERGED, x.status());
        }
    }

    @Test
    void badOptionsAreRejectedQuotingTheValue() {
        assertMessage("alpha=1.5", "1.5");
        assertMessage("alpha=1", "alpha=1");
        assertMessage("alpha=0", "alpha=0");
        assertMessage("alpha=NaN", "NaN");
        assertMessage("t0=-3", "-3");
        assertMessage("t0=Infinity", "Infinity");
        assertMessage("cutoff=0", "cutoff=0");
        assertMessage("proposals=0", "proposals=0");
        assertMessage("patience=-1", "-1");
        assertMessage("faithful=maybe", "maybe");
        assertMessage("temperature=3", "temperature");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> CsaBaseline.builder().optAlpha(1.0));
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
    }

    private static void assertMessage(String options, String expected) {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CsaBaseline.fromOptions(BackendOptions.parse(options)),
                        options);
        assertTrue(e.getMessage().contains(expected), options + " -> " + e.getMessage());
    }
}
