package dev.qama.cim.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.attention.AttentionState;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatedAnnealingTest {

    private static SimulatedAnnealing sa(int threads) {
        return SimulatedAnnealing.builder().optThreads(threads).build();
    }

    private static BatchResult solve(
            AnnealerBackend b, List<? extends Problem> ps, int reads, long seed) {
        return b.solve(SolveRequest.builder(ps).reads(reads).seed(seed).build());
    }

    @Test
    void reachesTheOptimumOfSmallRandomModels() {
        List<Problem> ps = new ArrayList<>();
        ps.add(TestProblems.denseGaussian(Vartype.SPIN, 14, 1));
        ps.add(TestProblems.denseGaussian(Vartype.BINARY, 16, 2));
        ps.add(TestProblems.sparseRandom(Vartype.SPIN, 18, 0.3, 3));
        ps.add(TestProblems.sparseRandom(Vartype.BINARY, 18, 0.3, 4));
        ps.add(TestProblems.lowRank(Vartype.SPIN, 16, 2, 5));
        ps.add(TestProblems.biqmacLike(20, 0.5, 6));
        try (SimulatedAnnealing b = sa(2)) {
            BatchResult r = solve(b, ps, 4, 42);
            for (int k = 0; k < ps.size(); k++) {
                double exact = TestProblems.bruteForceMin(ps.get(k));
                assertEquals(
                        exact, r.get(k).bestEnergy(), 1e-6 * (1 + Math.abs(exact)), "problem " + k);
                assertEquals(SolveStatus.COMPLETED, r.get(k).status());
            }
        }
    }

    @Test
    void findsTheFerromagneticChainGroundState() {
        BinaryQuadraticModel chain = TestProblems.ferroChain(60);
        try (SimulatedAnnealing b = sa(1)) {
            SolveResult r = solve(b, List.of(chain), 2, 7).get(0);
            assertEquals(-59.0, r.bestEnergy(), 1e-9);
            byte[] s = r.best();
            for (byte v : s) {
                assertEquals(s[0], v);
            }
        }
    }

    @Test
    void reportedEnergiesAreModelEnergiesAndTrackedEnergyDoesNotDrift() {
        List<Problem> ps =
                List.of(
                        TestProblems.denseGaussian(Vartype.SPIN, 40, 11),
                        TestProblems.sparseRandom(Vartype.BINARY, 60, 0.1, 12),
                        TestProblems.lowRank(Vartype.BINARY, 50, 4, 13),
                        TestProblems.randomAttention(3, 7, 2, new int[] {0, 1, 2}, true, 2, 14));
        for (Problem p : ps) {
            for (LowRankMode mode : LowRankMode.values()) {
                Kernel k = Kernels.create(p, mode);
                SplittableRandom rng = new SplittableRandom(3);
                byte[] s = new byte[k.n];
                k.randomState(rng, s);
                k.start(s);
                for (int sweep = 0; sweep < 50; sweep++) {
                    k.sweep(0.05 * (sweep + 1), rng, sweep % 2 == 0);
                }
                assertEquals(
                        p.energy(k.x), k.energy, 1e-9 * (1 + Math.abs(k.energy)), p + " " + mode);
                byte[] best = k.bestState();
                assertEquals(p.energy(best), k.bestEnergy, 1e-6 * (1 + Math.abs(k.bestEnergy)));
                assertTrue(k.bestEnergy <= k.energy + 1e-12);
            }
        }
        try (SimulatedAnnealing b = sa(2)) {
            BatchResult r = solve(b, ps, 3, 5);
            for (int k = 0; k < ps.size(); k++) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(ps.get(k).energy(r.get(k).state(i)), r.get(k).energy(i), 0.0);
                }
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalResultsWithOneOrTwoThreads() {
        List<Problem> ps = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            ps.add(TestProblems.denseGaussian(Vartype.SPIN, 30, 100 + k));
            ps.add(TestProblems.randomAttention(2, 9, 1, new int[] {2}, false, k % 9, 200 + k));
        }
        SimulatedAnnealing one =
                SimulatedAnnealing.builder()
                        .optThreads(1)
                        .optSweeps(60)
                        .optOrder(SweepOrder.RANDOM)
                        .build();
        SimulatedAnnealing two =
                SimulatedAnnealing.builder()
                        .optThreads(2)
                        .optSweeps(60)
                        .optOrder(SweepOrder.RANDOM)
                        .build();
        try (one;
                two) {
            BatchResult a = solve(one, ps, 3, 99);
            BatchResult b = solve(two, ps, 3, 99);
            BatchResult c = solve(two, ps, 3, 100);
            boolean anyDifferent = false;
            for (int k = 0; k < ps.size(); k++) {
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(a.get(k).state(i), b.get(k).state(i));
                    assertEquals(a.get(k).energy(i), b.get(k).energy(i), 0.0);
                    anyDifferent |= !Arrays.equals(a.get(k).state(i), c.get(k).state(i));
                }
            }
            assertTrue(anyDifferent, "another seed should change some read");
        }
    }

    @Test
    void attentionProblemsKeepMaskedBitsAtZeroAndReachTheOptimum() {
        for (int seed = 0; seed < 3; seed++) {
            AttentionProblem p =
                    TestProblems.randomAttention(
                            2, 5, 2, new int[] {0, 2}, seed == 1, 3, 300 + seed);
            TestProblems.Exact exact = TestProblems.bruteForce(p);
            try (SimulatedAnnealing b = sa(1)) {
                SolveResult r = solve(b, List.of(p), 4, seed).get(0);
                assertEquals(exact.energy(), r.bestEnergy(), 1e-6);
                for (int i = 0; i < r.size(); i++) {
                    byte[] s = r.state(i);
                    for (int t = 0; t < 2; t++) {
                        for (int k = 0; k < 2; k++) {
                            assertEquals(0, s[p.index(t, 3, k)]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void attentionKernelDeltasMatchAttentionState() {
        AttentionProblem p =
                TestProblems.randomAttention(3, 8, 3, new int[] {0, 1, 2}, true, 5, 400);
        for (LowRankMode mode : List.of(LowRankMode.DENSE, LowRankMode.FACTORED)) {
            Kernel k = Kernels.create(p, mode);
            SplittableRandom rng = new SplittableRandom(1);
            byte[] s = new byte[k.n];
            k.randomState(rng, s);
            k.start(s);
            AttentionState ref = p.newState(s);
            for (int step = 0; step < 300; step++) {
                for (int v : k.free) {
                    // DENSE rounds the low-rank head's entries to float32
                    double tol = mode == LowRankMode.DENSE ? 1e-6 : 1e-9;
                    assertEquals(ref.delta(v), k.delta(v), tol, "bit " + v);
                }
                int v = k.free[rng.nextInt(k.free.length)];
                k.flip(v);
                ref.flip(v);
            }
            assertEquals(ref.energy(), k.energy, 1e-5);
            assertEquals(p.energy(k.x), k.energy, 1e-5);
        }
    }

    @Test
    void lowRankFactoredFollowsTheDenseTrajectory() {
        BinaryQuadraticModel lr = TestProblems.lowRank(Vartype.SPIN, 40, 3, 500);
        LowRankCoupling c = (LowRankCoupling) lr.coupling();
        BinaryQuadraticModel dense =
                BinaryQuadraticModel.of(lr.vartype(), lr.linear(), c.toDense(40), lr.offset());
        for (SweepOrder order : SweepOrder.values()) {
            SimulatedAnnealing factored =
                    SimulatedAnnealing.builder()
                            .optThreads(1)
                            .optSweeps(200)
                            .optOrder(order)
                            .optLowRank(LowRankMode.FACTORED)
                            .optBetaRange(0.01, 3)
                            .build();
            SimulatedAnnealing plain =
                    SimulatedAnnealing.builder()
                            .optThreads(1)
                            .optSweeps(200)
                            .optOrder(order)
                            .optBetaRange(0.01, 3)
                            .build();
            SolveResult a = solve(factored, List.of(lr), 5, 8).get(0);
            SolveResult b = solve(plain, List.of(dense), 5, 8).get(0);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(b.state(i), a.state(i), order + " read " + i);
                assertEquals(b.energy(i), a.energy(i), 1e-4);
            }
            // the kernels themselves: same proposals, same decisions, same states sweep by sweep
            Kernel kf = Kernels.create(lr, LowRankMode.FACTORED);
            Kernel kd = Kernels.create(dense, LowRankMode.AUTO);
            assertTrue(kf instanceof LowRankKernel);
            assertTrue(kd instanceof DenseKernel);
            SplittableRandom r1 = new SplittableRandom(4);
            SplittableRandom r2 = new SplittableRandom(4);
            byte[] s = new byte[40];
            kf.randomState(r1, s);
            kd.randomState(r2, s.clone());
            kf.start(s);
            kd.start(s);
            for (int sweep = 0; sweep < 100; sweep++) {
                double beta = 0.02 * (sweep + 1);
                kf.sweep(beta, r1, order == SweepOrder.RANDOM);
                kd.sweep(beta, r2, order == SweepOrder.RANDOM);
                assertArrayEquals(kd.x, kf.x, "sweep " + sweep);
                assertEquals(kd.energy, kf.energy, 1e-4);
            }
        }
    }

    @Test
    void attentionLowRankModesAgree() {
        AttentionProblem p = TestProblems.paperAttention(4, 12, 4, 1, 9);
        SolveResult[] rs = new SolveResult[2];
        int m = 0;
        for (LowRankMode mode : List.of(LowRankMode.DENSE, LowRankMode.FACTORED)) {
            try (SimulatedAnnealing b =
                    SimulatedAnnealing.builder()
                            .optThreads(1)
                            .optSweeps(100)
                            .optLowRank(mode)
                            .build()) {
                rs[m++] = solve(b, List.of(p), 3, 1).get(0);
            }
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(rs[0].state(i), rs[1].state(i));
        }
    }

    @Test
    void timeLimitIsHonouredWithValidStates() {
        BinaryQuadraticModel big = TestProblems.sparseLarge(Vartype.SPIN, 20000, 10, 1);
        try (SimulatedAnnealing b =
                SimulatedAnnealing.builder().optThreads(2).optSweeps(1_000_000).build()) {
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(big, big))
                                    .reads(2)
                                    .timeLimit(Duration.ofMillis(100))
                                    .build());
            assertEquals(SolveStatus.TIME_LIMIT, r.status());
            for (SolveResult s : r.results()) {
                assertEquals(2, s.size());
                assertEquals(big.energy(s.best()), s.bestEnergy(), 0.0);
            }
        }
    }

    @Test
    void cancellationStopsTheSolve() throws Exception {
        BinaryQuadraticModel big = TestProblems.sparseLarge(Vartype.BINARY, 20000, 10, 2);
        Cancellation cancel = new Cancellation();
        try (SimulatedAnnealing b =
                SimulatedAnnealing.builder().optThreads(1).optSweeps(1_000_000).build()) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    Thread.sleep(50);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                cancel.cancel();
                            });
            t.start();
            BatchResult r =
                    b.solve(
                            SolveRequest.builder(List.of(big))
                                    .reads(3)
                                    .cancellation(cancel)
                                    .build());
            t.join();
            assertEquals(SolveStatus.INTERRUPTED, r.status());
            assertEquals(3, r.get(0).size());
            for (int i = 0; i < 3; i++) {
                assertEquals(big.energy(r.get(0).state(i)), r.get(0).energy(i), 0.0);
            }
        }
    }

    @Test
    void polishEndsEveryReadAtAOneFlipLocalMinimum() {
        List<Problem> ps =
                List.of(
                        TestProblems.denseGaussian(Vartype.SPIN, 40, 70),
                        TestProblems.biqmacLike(40, 0.5, 71),
                        TestProblems.randomAttention(3, 8, 2, new int[] {0, 2}, true, 4, 72));
        // a schedule far too hot to settle by itself
        SimulatedAnnealing hot =
                SimulatedAnnealing.fromOptions(BackendOptions.parse("betas=1e-4;1e-4,threads=1"));
        SimulatedAnnealing raw =
                SimulatedAnnealing.fromOptions(
                        BackendOptions.parse("betas=1e-4;1e-4,threads=1,polish=false"));
        int rawNotLocal = 0;
        try (hot;
                raw) {
            BatchResult a = solve(hot, ps, 3, 1);
            BatchResult b = solve(raw, ps, 3, 1);
            for (int k = 0; k < ps.size(); k++) {
                for (int i = 0; i < 3; i++) {
                    assertTrue(TestProblems.bestFlipGain(ps.get(k), a.get(k).state(i)) > -1e-9);
                    if (TestProblems.bestFlipGain(ps.get(k), b.get(k).state(i)) < -1e-9) {
                        rawNotLocal++;
                    }
                }
            }
        }
        assertTrue(rawNotLocal > 0, "without polish a hot chain should end off a local minimum");
    }

    @Test
    void patienceStopsEarlyWithConvergedStatus() {
        BinaryQuadraticModel chain = TestProblems.ferroChain(20);
        try (SimulatedAnnealing b =
                SimulatedAnnealing.builder()
                        .optThreads(1)
                        .optSweeps(100_000)
                        .optPatience(30)
                        .build()) {
            SolveResult r = solve(b, List.of(chain), 1, 3).get(0);
            assertEquals(SolveStatus.CONVERGED, r.status());
            assertEquals(chain.energy(r.best()), r.bestEnergy(), 0.0);
        }
    }

    @Test
    void warmStartIsUsedForReadZeroAndZeroSweepsReturnInitialStates() {
        BinaryQuadraticModel m = TestProblems.denseGaussian(Vartype.SPIN, 12, 3);
        byte[] warm = TestProblems.bruteForce(m).state();
        try (SimulatedAnnealing b =
                SimulatedAnnealing.builder().optThreads(1).optSweeps(0).build()) {
            SolveResult r =
                    b.solve(
                                    SolveRequest.builder(List.of(m))
                                            .reads(3)
                                            .initialStates(List.of(warm))
                                            .build())
                            .get(0);
            assertArrayEquals(warm, r.best());
            assertEquals(SolveStatus.COMPLETED, r.status());
            assertEquals(0, b.schedule(m).length, "zero sweeps: an empty schedule");
        }
    }

    @Test
    void aWarmStartSelectingAMaskedTokenIsRejected() {
        AttentionProblem p = TestProblems.randomAttention(2, 4, 1, new int[] {0}, false, 2, 5);
        byte[] bad = new byte[8];
        bad[p.index(1, 2, 0)] = 1;
        try (SimulatedAnnealing b = sa(1)) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    b.solve(
                                            SolveRequest.builder(List.of(p))
                                                    .initialStates(List.of(bad))
                                                    .build()));
            assertTrue(e.getMessage().contains("masked token 2"), e.getMessage());
        }
    }

    @Test
    void degenerateProblemsAreSolvedTrivially() {
        BinaryQuadraticModel empty = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(0));
        float[] h = {1.5f, -2f, 0f, 3f};
        BinaryQuadraticModel fieldsOnly =
                BinaryQuadraticModel.of(Vartype.SPIN, h, SparseCoupling.builder(4).build(), 0);
        BinaryQuadraticModel zero = BinaryQuadraticModel.of(Vartype.BINARY, DenseCoupling.zeros(5));
        AttentionProblem allMasked =
                AttentionProblem.builder(1, 2, 1)
                        .coupling(0, DenseCoupling.zeros(2))
                        .linear(0, new float[] {1, 1})
                        .mask(new boolean[] {true, true})
                        .build();
        assertEquals(new BetaRange(1, 1), BetaRange.defaultFor(zero));
        try (SimulatedAnnealing b = sa(1)) {
            BatchResult r = solve(b, List.of(empty, fieldsOnly, zero, allMasked), 2, 1);
            assertEquals(0, r.get(0).best().length);
            assertEquals(-6.5, r.get(1).bestEnergy(), 1e-12);
            assertEquals(0.0, r.get(2).bestEnergy(), 0.0);
            assertArrayEquals(new byte[2], r.get(3).best());
        }
    }

    @Test
    void defaultBetaRangeFollowsTheDocumentedRule() {
        BinaryQuadraticModel chain = TestProblems.ferroChain(10);
        BetaRange r = BetaRange.defaultFor(chain);
        // ΔE_max = 2·(0 + 2·1) = 4, ΔE_min = 2·1, ΔE_rms = 2·√2
        assertEquals(Math.log(2) / (2 * Math.sqrt(2)), r.hot(), 1e-15);
        assertEquals(Math.log(100 * 10) / 2, r.cold(), 1e-12);
        // BINARY: span 1; h = 0.5 and J = 2 → ΔE_max = 2.5, ΔE_min = 2 (couplings only),
        // ΔE_rms = √(0.25 + 4)
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(
                        Vartype.BINARY,
                        new float[] {0.5f, 0f},
                        DenseCoupling.ofSymmetric(2, new float[] {0, 2, 2, 0}),
                        0);
        r = BetaRange.defaultFor(m);
        assertEquals(Math.log(2) / Math.sqrt(4.25), r.hot(), 1e-15);
        assertEquals(Math.log(200) / 2, r.cold(), 1e-12);
        // a tiny coupling does not push the cold end out of sight: ΔE_min floored at 1 % of ΔE_max
        BinaryQuadraticModel tiny =
                BinaryQuadraticModel.of(
                        Vartype.SPIN,
                        new float[3],
                        SparseCoupling.builder(3).add(0, 1, 1.0).add(1, 2, 1e-8).build(),
                        0);
        r = BetaRange.defaultFor(tiny);
        double maxDelta = 2 * (1 + (double) 1e-8f);
        assertEquals(Math.log(2) / 2, r.hot(), 1e-12);
        assertEquals(Math.log(300) / (0.01 * maxDelta), r.cold(), 1e-9);
        // attention: the structural bound equals the exported QUBO's
        AttentionProblem p = TestProblems.randomAttention(3, 6, 2, new int[] {0, 1, 2}, true, 1, 9);
        double[] structural = BetaRange.deltaBounds(p);
        double[] exported = BetaRange.deltaBounds(p.freeModel(64).model());
        assertEquals(exported[0], structural[0], 1e-4 * exported[0]);
        assertEquals(exported[2], structural[2]);
        assertEquals(exported[3], structural[3], 1e-4 * exported[3]);
        assertTrue(structural[1] > 0 && structural[1] <= exported[1] * (1 + 1e-4));
    }

    @Test
    void schedulesHaveTheRightShape() {
        BinaryQuadraticModel m = TestProblems.ferroChain(10);
        SimulatedAnnealing g =
                SimulatedAnnealing.builder().optSweeps(5).optBetaRange(0.1, 10).build();
        double[] s = g.schedule(m);
        assertEquals(5, s.length);
        assertEquals(0.1, s[0], 1e-15);
        assertEquals(10, s[4], 0);
        assertEquals(1.0, s[2], 1e-12);
        SimulatedAnnealing l =
                SimulatedAnnealing.builder()
                        .optSweeps(3)
                        .optBetaRange(1, 3)
                        .optScheduleType(ScheduleType.LINEAR)
                        .build();
        assertArrayEquals(new double[] {1, 2, 3}, l.schedule(m), 1e-15);
        SimulatedAnnealing c =
                SimulatedAnnealing.fromOptions(BackendOptions.parse("betas=0.5;0.25;4,threads=1"));
        assertArrayEquals(new double[] {0.5, 0.25, 4}, c.schedule(m));
        assertEquals(3, c.sweeps());
        assertEquals(ScheduleType.CUSTOM, c.scheduleType());
    }

    @Test
    void badOptionsAreRejectedQuotingTheValue() {
        assertMessage("sweeps=-1", "-1");
        assertMessage("betas=", "empty");
        assertMessage("betas=0.1;NaN", "NaN");
        assertMessage("betas=0.1;Infinity", "Infinity");
        assertMessage("betas=0.1;-2", "-2");
        assertMessage("betas=0.1;abc", "abc");
        assertMessage("beta0=2,beta1=1", "beta1=1");
        assertMessage("beta0=0.5", "together");
        assertMessage("beta0=NaN,beta1=1", "NaN");
        assertMessage("beta0=0,beta1=1", "beta0=0");
        assertMessage("schedule=custom", "betas");
        assertMessage("schedule=cubic", "cubic");
        assertMessage("betas=1;2,sweeps=10", "sweeps");
        assertMessage("order=backwards", "backwards");
        assertMessage("lowrank=sometimes", "sometimes");
        assertMessage("patience=-3", "-3");
        assertMessage("threads=0", "threads=0");
        assertMessage("sweep=10", "sweep");
        assertMessage("polish=yes", "yes");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SimulatedAnnealing.builder().optSchedule(new double[0]));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                SimulatedAnnealing.builder()
                                        .optBetaRange(1, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SimulatedAnnealing.builder().optSweeps(-5));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
    }

    private static void assertMessage(String options, String expected) {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SimulatedAnnealing.fromOptions(BackendOptions.parse(options)),
                        options);
        assertTrue(e.getMessage().contains(expected), options + " -> " + e.getMessage());
    }

    @Test
    void providersAreRegistered() {
        assertEquals(50, Annealers.provider("sa").rank());
        assertEquals(10, Annealers.provider("csa").rank());
        try (AnnealerBackend b =
                Annealers.create("sa", BackendOptions.of(Map.of("sweeps", "20", "threads", "1")))) {
            assertEquals("sa", b.name());
            assertTrue(b.capabilities().structuredAttention());
            SolveResult r = solve(b, List.of(TestProblems.ferroChain(5)), 1, 0).get(0);
            assertEquals(-4.0, r.bestEnergy(), 1e-9);
        }
    }

    @Test
    void boundedMetropolisTestDecidesLikeTheExponential() {
        SplittableRandom rng = new SplittableRandom(12);
        int mismatches = 0;
        for (int k = 0; k < 1_000_000; k++) {
            double x = k % 2 == 0 ? 40 * rng.nextDouble() : 0.5 * rng.nextDouble();
            double u = rng.nextDouble();
            if (Kernel.metropolis(u, x) != (u < Math.exp(-x))) {
                mismatches++;
            }
        }
        assertEquals(0, mismatches);
        assertTrue(Kernel.metropolis(0.3, 1e-3));
        assertTrue(!Kernel.metropolis(0.5, 5));
    }

    @Test
    void stopConditionNeverIsNotStopping() {
        assertNotEquals(null, StopCondition.never());
        assertEquals(null, StopCondition.never().reason());
    }
}
