package dev.qama.cim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour every backend of this module must show. */
class BackendsTest {

    private static AnnealerBackend backend(String name, Map<String, String> opts) {
        return Annealers.create(name, BackendOptions.of(opts));
    }

    private static List<Problem> smallProblems() {
        Random rnd = new Random(2024);
        List<Problem> out = new ArrayList<>();
        out.add(TestProblems.model(Vartype.SPIN, TestProblems.dense(12, rnd), 0.5, rnd));
        out.add(TestProblems.model(Vartype.BINARY, TestProblems.dense(11, rnd), 1.0, rnd));
        out.add(TestProblems.model(Vartype.SPIN, TestProblems.sparse(13, 4, rnd), 0.3, rnd));
        out.add(TestProblems.model(Vartype.SPIN, TestProblems.lowRank(10, 3, rnd), 0.5, rnd));
        out.add(TestProblems.attention(3, 4, 1, true, null, rnd));
        out.add(TestProblems.attention(2, 3, 2, false, null, rnd));
        out.add(
                TestProblems.attention(
                        3, 5, 1, true, new boolean[] {false, true, false, false, true}, rnd));
        return out;
    }

    /**
     * Heuristics, so: the exact optimum on at least 6 of the 7 problems and within 5 % everywhere.
     * (bSB misses problem 5, a q = 2 soft-selection instance where all its replicas fall into the
     * same local minimum, 4.5 % above the optimum; "sb" is ballistic there too; dSB and SimCIM
     * solve it.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void reachesTheBruteForceOptimumOnSmallProblems(String name) {
        List<Problem> problems = smallProblems();
        String steps = name.equals("simcim") ? "1000" : "400";
        try (AnnealerBackend b = backend(name, Map.of("steps", steps, "threads", "2"))) {
            BatchResult r = b.solve(SolveRequest.builder(problems).seed(9).reads(32).build());
            assertEquals(problems.size(), r.size());
            int exact = 0;
            for (int k = 0; k < problems.size(); k++) {
                Problem p = problems.get(k);
                SolveResult res = r.get(k);
                assertEquals(32, res.size());
                double opt = TestProblems.bruteForceMinimum(p);
                double best = res.bestEnergy();
                assertTrue(best >= opt - 1e-9 * (1 + Math.abs(opt)), "below the optimum?");
                assertTrue(best <= opt + 0.05 * Math.abs(opt), name + " #" + k + ": " + best);
                if (best <= opt + 1e-6 * (1 + Math.abs(opt))) {
                    exact++;
                }
                for (int i = 0; i < res.size(); i++) {
                    assertEquals(p.energy(res.state(i)), res.energy(i), 0.0);
                }
            }
            assertTrue(exact >= problems.size() - 1, name + " exact on " + exact);
            if (name.equals("dsb") || name.equals("simcim")) {
                assertEquals(problems.size(), exact, name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void sameSeedSameResultsWhateverTheThreadCount(String name) {
        List<Problem> problems = smallProblems();
        SolveRequest req = SolveRequest.builder(problems).seed(77).reads(3).build();
        BatchResult one;
        BatchResult two;
        try (AnnealerBackend b = backend(name, Map.of("steps", "60", "threads", "1"))) {
            one = b.solve(req);
        }
        try (AnnealerBackend b = backend(name, Map.of("steps", "60", "threads", "2"))) {
            two = b.solve(req);
        }
        for (int k = 0; k < problems.size(); k++) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(one.get(k).state(i), two.get(k).state(i), name + " #" + k);
                assertEquals(one.get(k).energy(i), two.get(k).energy(i), 0.0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void timeLimitAndCancellationReturnValidStates(String name) {
        Random rnd = new Random(4);
        BinaryQuadraticModel big =
                TestProblems.model(Vartype.BINARY, TestProblems.dense(200, rnd), 1, rnd);
        AttentionProblem att =
                TestProblems.attention(
                        2, 6, 2, true, new boolean[] {true, false, false, false, false, true}, rnd);
        List<Problem> problems = List.of(big, att);
        try (AnnealerBackend b = backend(name, Map.of("steps", "100000000", "threads", "2"))) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(problems)
                                    .reads(2)
                                    .timeLimit(Duration.ofMillis(80))
                                    .build());
            assertEquals(SolveStatus.TIME_LIMIT, r.status());
            checkValid(problems, r);
            Cancellation cancel = new Cancellation();
            cancel.cancel();
            r = b.solve(SolveRequest.builder(problems).reads(2).cancellation(cancel).build());
            assertEquals(SolveStatus.INTERRUPTED, r.status());
            checkValid(problems, r);
        }
    }

    private static void checkValid(List<Problem> problems, BatchResult r) {
        for (int k = 0; k < problems.size(); k++) {
            for (int i = 0; i < r.get(k).size(); i++) {
                byte[] s = r.get(k).state(i);
                assertEquals(problems.get(k).energy(s), r.get(k).energy(i), 0.0);
                for (int v = 0; v < s.length; v++) {
                    if (!problems.get(k).isFree(v)) {
                        assertEquals(0, s[v], "masked bit " + v);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void maskedBitsStayZeroAndZeroSizeProblemsAreTrivial(String name) {
        Random rnd = new Random(8);
        boolean[] mask = new boolean[7];
        mask[0] = mask[3] = mask[6] = true;
        AttentionProblem att = TestProblems.attention(3, 7, 2, true, mask, rnd);
        BinaryQuadraticModel empty = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(0));
        AttentionProblem emptyAtt =
                AttentionProblem.builder(2, 0, 1)
                        .coupling(0, DenseCoupling.zeros(0))
                        .coupling(1, DenseCoupling.zeros(0))
                        .linear(0, new float[0])
                        .linear(1, new float[0])
                        .build();
        List<Problem> problems = List.of(att, empty, emptyAtt);
        try (AnnealerBackend b = backend(name, Map.of("steps", "200"))) {
            BatchResult r = b.solve(SolveRequest.builder(problems).seed(1).reads(4).build());
            checkValid(problems, r);
            assertEquals(0, r.get(1).state(0).length);
            assertEquals(0.0, r.get(1).bestEnergy(), 0.0);
            assertEquals(0, r.get(2).state(0).length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void badOptionsAreRejectedQuotingTheValue(String name) {
        String[][] bad = {
            {"steps", "-5"},
            {"dt", "0"},
            {"dt", "NaN"},
            {"replicas", "x"},
            {"kernel", "gpu"},
            {"patience", "-1"},
            {"threads", "0"},
            {"stepz", "3"}
        };
        for (String[] kv : bad) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> backend(name, Map.of(kv[0], kv[1])),
                            kv[0] + "=" + kv[1]);
            assertTrue(
                    e.getMessage().contains(kv[1]) || e.getMessage().contains(kv[0]),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sb", "dsb", "bsb", "simcim"})
    void scalarAndVectorKernelsReachTheSameOptimum(String name) {
        List<Problem> problems = smallProblems().subList(0, 5);
        SolveRequest req = SolveRequest.builder(problems).seed(3).reads(16).build();
        try (AnnealerBackend s = backend(name, Map.of("steps", "400", "kernel", "scalar"));
                AnnealerBackend v = backend(name, Map.of("steps", "400", "kernel", "vector"))) {
            BatchResult a = s.solve(req);
            BatchResult c = v.solve(req);
            for (int k = 0; k < problems.size(); k++) {
                assertEquals(a.get(k).bestEnergy(), c.get(k).bestEnergy(), 1e-6, "#" + k);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void providersAreRegisteredAndSbRanksFirst() {
        java.util.List<String> names = Annealers.names();
        for (String n : new String[] {"sb", "dsb", "bsb", "simcim"}) {
            assertTrue(names.contains(n), n + " in " + names);
        }
        int sb = Annealers.provider("sb").rank();
        for (String n : new String[] {"dsb", "bsb", "simcim"}) {
            assertTrue(Annealers.provider(n).rank() < sb, n);
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> backend("sb", Map.of("variant", "quantum")));
        assertTrue(e.getMessage().contains("quantum"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void restartsKeepTheBestOfAllRunsDeterministically() {
        Random rnd = new Random(21);
        BinaryQuadraticModel m =
                TestProblems.model(Vartype.SPIN, TestProblems.dense(60, rnd), 0.2, rnd);
        SolveRequest req = SolveRequest.builder(List.of(m)).seed(5).reads(2).build();
        double one;
        double three;
        byte[] again;
        byte[] first;
        try (AnnealerBackend b = backend("bsb", Map.of("steps", "50"))) {
            one = b.solve(req).get(0).bestEnergy();
        }
        try (AnnealerBackend b = backend("bsb", Map.of("steps", "50", "restarts", "3"))) {
            BatchResult r = b.solve(req);
            three = r.get(0).bestEnergy();
            first = r.get(0).best();
            again = b.solve(req).get(0).best();
        }
        // run 0 of the restarted solve is the single run, so the best can only improve
        assertTrue(three <= one + 1e-9, three + " > " + one);
        assertArrayEquals(first, again);
    }

    /** Same-sign couplings have a large Perron eigenvalue: dt = 1 would be unstable uncapped. */
    @org.junit.jupiter.api.Test
    void stepIsCappedOnStiffSameSignGraphs() {
        Random rnd = new Random(31);
        dev.qama.core.model.SparseCoupling.Builder g =
                dev.qama.core.model.SparseCoupling.builder(300);
        for (int i = 0; i < 300; i++) {
            for (int j = i + 1; j < 300; j++) {
                if (rnd.nextDouble() < 0.2) {
                    g.add(i, j, 1);
                }
            }
        }
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, g.build());
        SolveRequest req = SolveRequest.builder(List.of(m)).seed(2).reads(4).build();
        double capped;
        double small;
        try (AnnealerBackend b = backend("bsb", Map.of("steps", "300"))) {
            capped = b.solve(req).get(0).bestEnergy();
        }
        try (AnnealerBackend b = backend("bsb", Map.of("steps", "600", "dt", "0.5"))) {
            small = b.solve(req).get(0).bestEnergy();
        }
        assertTrue(capped <= small + 0.02 * Math.abs(small), capped + " vs " + small);
    }
}
