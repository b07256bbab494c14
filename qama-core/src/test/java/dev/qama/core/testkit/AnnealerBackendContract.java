package dev.qama.core.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AnnealerBackend} must meet (see its javadoc). A backend module
 * subclasses this in its tests and provides {@link #backend()}; hooks adapt the kit to what the
 * backend can promise (optimality on small problems, thread counts, time limits).
 *
 * <p>Every reported energy must equal the problem's energy of the reported state; reads are sorted
 * best first; masked bits of attention problems stay 0; results are reproducible for the same seed;
 * time limits and interrupts end the solve with valid states. Optimality is asserted on problems
 * with at most {@link #expectsOptimumUpTo()} free variables against an independent exhaustive
 * {@link Oracle}.
 */
public abstract class AnnealerBackendContract {
    /** Generous wall-clock bound for stop tests (not a performance assertion). */
    protected static final Duration GENEROUS = Duration.ofSeconds(30);

    private final List<AnnealerBackend> created = new ArrayList<>();
    private AnnealerBackend backend;

    /** A fresh backend with default settings. */
    protected abstract AnnealerBackend backend();

    /**
     * A backend with {@code threads} worker threads, or null (the default) if the backend has no
     * such knob; when non-null, results must not depend on the thread count.
     */
    protected AnnealerBackend backend(int threads) {
        return null;
    }

    /** Problems with at most this many free variables must be solved to optimality (default 12). */
    protected int expectsOptimumUpTo() {
        return 12;
    }

    /**
     * Whether the backend honours {@link SolveRequest#initialStates()} (default false: the
     * warm-start tests are skipped): a warm start counts as read 0's starting point, so the best
     * state returned is never worse than it, even when the solve is cancelled before it starts.
     */
    protected boolean honoursWarmStarts() {
        return false;
    }

    /** Whether to run the time-limit and interrupt tests (default true). */
    protected boolean supportsTimeLimitTest() {
        return true;
    }

    /**
     * The length of the chain problems whose closed-form optima the backend must find (default 16,
     * capped by max variables); below 2 the chain tests are skipped.
     */
    protected int chainLength() {
        return Math.min(16, backend.capabilities().maxVariables());
    }

    /**
     * A problem large enough that the default run takes long (for the stop tests); the default is a
     * dense SPIN model with min(maxVariables, 1024) variables.
     */
    protected Problem largeProblem() {
        int n = Math.min(backend.capabilities().maxVariables(), 1024);
        return RandomProblems.dense(Vartype.SPIN, n, 99);
    }

    /** Absolute tolerance for comparing an energy with an optimum of magnitude {@code e}. */
    protected double tolerance(double e) {
        return 1e-6 * (1 + Math.abs(e));
    }

    @BeforeEach
    final void createBackend() {
        backend = track(backend());
        assertNotNull(backend, "backend() returned null");
    }

    @AfterEach
    final void closeBackends() {
        for (AnnealerBackend b : created) {
            b.close();
        }
        created.clear();
    }

    private AnnealerBackend track(AnnealerBackend b) {
        if (b != null) {
            created.add(b);
        }
        return b;
    }

    /** The backend under test for this test method. */
    protected final AnnealerBackend subject() {
        return backend;
    }

    // ---------------------------------------------------------------- helpers

    /** Solves one problem with the given seed and reads. */
    protected SolveResult solve(AnnealerBackend b, Problem p, long seed, int reads) {
        BatchResult r = b.solve(SolveRequest.builder(List.of(p)).seed(seed).reads(reads).build());
        assertEquals(1, r.size(), "one result per problem");
        return r.get(0);
    }

    /**
     * Asserts the general result contract: {@code reads} states, valid for the problem, energies
     * equal to the problem's, sorted ascending.
     */
    protected static void assertValid(Problem p, SolveResult r, int reads) {
        assertEquals(reads, r.size(), "number of reads");
        double previous = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < r.size(); k++) {
            byte[] s = r.state(k);
            assertEquals(p.numVariables(), s.length, "state length of read " + k);
            for (int v = 0; v < s.length; v++) {
                assertTrue(p.vartype().isValue(s[v]), "read " + k + " value of variable " + v);
                if (!p.isFree(v)) {
                    assertEquals(p.vartype().low(), s[v], "masked variable " + v + " of read " + k);
                }
            }
            double e = p.energy(s);
            assertEquals(e, r.energy(k), 1e-9 * (1 + Math.abs(e)), "energy of read " + k);
            assertTrue(r.energy(k) >= previous, "reads sorted by energy at " + k);
            previous = r.energy(k);
        }
        assertNotNull(r.status(), "status");
    }

    private void assertOptimal(Problem p, SolveResult r) {
        int free = 0;
        for (int v = 0; v < p.numVariables(); v++) {
            free += p.isFree(v) ? 1 : 0;
        }
        if (free <= expectsOptimumUpTo()) {
            double opt = Oracle.minimum(p);
            assertEquals(opt, r.bestEnergy(), tolerance(opt), "optimum of " + p);
        }
    }

    private static boolean statusAfterStop(SolveStatus s) {
        return s == SolveStatus.COMPLETED
                || s == SolveStatus.CONVERGED
                || s == SolveStatus.TIME_LIMIT
                || s == SolveStatus.INTERRUPTED;
    }

    // ---------------------------------------------------------------- tests

    @Test
    public void emptyBatchGivesEmptyResult() {
        BatchResult r = backend.solve(SolveRequest.of(List.of(), 1));
        assertEquals(0, r.size());
        assertEquals(backend.name(), r.backend());
        assertEquals(SolveStatus.COMPLETED, r.status());
        assertTrue(r.timing().containsKey(BatchResult.TOTAL_SECONDS), "total_seconds timing");
    }

    @Test
    public void zeroVariableProblem() {
        for (Vartype vt : Vartype.values()) {
            BinaryQuadraticModel m =
                    BinaryQuadraticModel.of(vt, new float[0], DenseCoupling.zeros(0), 1.5);
            SolveResult r = solve(backend, m, 1, 2);
            assertValid(m, r, 2);
            assertEquals(1.5, r.bestEnergy(), 1e-12);
        }
    }

    @Test
    public void oneVariableProblems() {
        for (Vartype vt : Vartype.values()) {
            for (float field : new float[] {1f, -1f}) {
                BinaryQuadraticModel m =
                        BinaryQuadraticModel.of(vt, new float[] {field}, DenseCoupling.zeros(1), 0);
                SolveResult r = solve(backend, m, 3, 1);
                assertValid(m, r, 1);
                byte expected = field > 0 ? vt.low() : vt.high();
                assertArrayEquals(new byte[] {expected}, r.best(), vt + " field " + field);
            }
        }
    }

    @Test
    public void ferromagneticSpinChain() {
        int n = chainLength();
        assumeTrue(n >= 2, "chain ground states are not expected of this backend");
        BinaryQuadraticModel m = RandomProblems.chain(Vartype.SPIN, n, -1, 0.1);
        SolveResult r = solve(backend, m, 5, 1);
        assertValid(m, r, 1);
        assertEquals(-(n - 1) - 0.1 * n, r.bestEnergy(), 1e-5);
        for (byte s : r.best()) {
            assertEquals(-1, s);
        }
    }

    @Test
    public void antiferromagneticSpinChain() {
        int n = chainLength();
        assumeTrue(n >= 2, "chain ground states are not expected of this backend");
        BinaryQuadraticModel m = RandomProblems.chain(Vartype.SPIN, n, 1, 0);
        SolveResult r = solve(backend, m, 6, 1);
        assertValid(m, r, 1);
        assertEquals(-(n - 1), r.bestEnergy(), 1e-9);
        byte[] s = r.best();
        for (int i = 0; i + 1 < n; i++) {
            assertEquals(-s[i], s[i + 1], "alternating at " + i);
        }
    }

    @Test
    public void binaryChains() {
        int n = chainLength();
        assumeTrue(n >= 2, "chain ground states are not expected of this backend");
        BinaryQuadraticModel ferro = RandomProblems.chain(Vartype.BINARY, n, -1, 0.5);
        SolveResult r = solve(backend, ferro, 7, 1);
        assertValid(ferro, r, 1);
        assertEquals(1 - n / 2.0, r.bestEnergy(), 1e-9);
        BinaryQuadraticModel anti = RandomProblems.chain(Vartype.BINARY, n, 2, -1);
        r = solve(backend, anti, 8, 1);
        assertValid(anti, r, 1);
        assertEquals(-((n + 1) / 2), r.bestEnergy(), 1e-9);
    }

    @Test
    public void randomDenseProblemsBothVartypes() {
        for (Vartype vt : Vartype.values()) {
            for (int n : new int[] {2, 5, 9, 12}) {
                BinaryQuadraticModel m = RandomProblems.dense(vt, n, 1000 + n);
                SolveResult r = solve(backend, m, 11, 2);
                assertValid(m, r, 2);
                assertOptimal(m, r);
            }
        }
    }

    @Test
    public void sparseAndLowRankProblems() {
        for (Vartype vt : Vartype.values()) {
            List<BinaryQuadraticModel> ms =
                    List.of(
                            RandomProblems.sparse(vt, 11, 0.3, 21),
                            RandomProblems.lowRank(vt, 10, 2, 22));
            for (BinaryQuadraticModel m : ms) {
                SolveResult r = solve(backend, m, 12, 1);
                assertValid(m, r, 1);
                assertOptimal(m, r);
            }
        }
    }

    @Test
    public void attentionProblemsWithMask() {
        int[][] cases = {
            // heads, tokens, bits, masked
            {1, 9, 1, 3}, {1, 5, 3, 1}, {3, 5, 1, 1}, {3, 3, 3, 2}
        };
        for (int[] c : cases) {
            boolean[] mask = RandomProblems.mask(c[1], c[3], 31 + c[0] + c[2]);
            for (boolean lowRank : new boolean[] {false, true}) {
                AttentionProblem p =
                        RandomProblems.attention(c[0], c[1], c[2], mask, lowRank, true, 40 + c[1]);
                if (!backend.isCapable(p)) {
                    continue;
                }
                SolveResult r = solve(backend, p, 13, 2);
                assertValid(p, r, 2);
                assertOptimal(p, r);
            }
        }
    }

    /** Problems whose optima are warm starts: dense SPIN and BINARY models, a masked attention. */
    private List<Problem> warmStartProblems() {
        List<Problem> out = new ArrayList<>();
        out.add(RandomProblems.dense(Vartype.SPIN, 12, 71));
        out.add(RandomProblems.dense(Vartype.BINARY, 12, 72));
        out.add(RandomProblems.attention(2, 6, 1, RandomProblems.mask(6, 1, 73), true, false, 74));
        out.removeIf(p -> !backend.isCapable(p));
        return out;
    }

    @Test
    public void warmStartIsReturnedWhenCancelledBeforeStart() {
        assumeTrue(honoursWarmStarts(), "backend ignores warm starts");
        for (Problem p : warmStartProblems()) {
            byte[] opt = Oracle.argmin(p);
            Cancellation c = new Cancellation();
            c.cancel();
            BatchResult r =
                    backend.solve(
                            SolveRequest.builder(List.of(p))
                                    .seed(5)
                                    .initialStates(List.of(opt))
                                    .cancellation(c)
                                    .build());
            assertValid(p, r.get(0), 1);
            double e = p.energy(opt);
            assertEquals(e, r.get(0).bestEnergy(), tolerance(e), "warm start of " + p);
        }
    }

    @Test
    public void warmStartIsNeverWorsened() {
        assumeTrue(honoursWarmStarts(), "backend ignores warm starts");
        for (Problem p : warmStartProblems()) {
            byte[] opt = Oracle.argmin(p);
            for (int reads : new int[] {1, 3}) {
                BatchResult r =
                        backend.solve(
                                SolveRequest.builder(List.of(p))
                                        .seed(6)
                                        .reads(reads)
                                        .initialStates(List.of(opt))
                                        .build());
                assertValid(p, r.get(0), reads);
                double e = p.energy(opt);
                assertTrue(
                        r.get(0).bestEnergy() <= e + tolerance(e),
                        "best " + r.get(0).bestEnergy() + " above the warm start's " + e);
            }
            int masked = -1;
            for (int v = 0; v < p.numVariables() && masked < 0; v++) {
                masked = p.isFree(v) ? -1 : v;
            }
            if (masked >= 0) {
                byte[] bad = opt.clone();
                bad[masked] = p.vartype().high();
                IllegalArgumentException ex =
                        org.junit.jupiter.api.Assertions.assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        backend.solve(
                                                SolveRequest.builder(List.of(p))
                                                        .initialStates(List.of(bad))
                                                        .build()),
                                "a warm start that selects a masked bit");
                assertNotNull(ex.getMessage(), "message for a warm start selecting a masked bit");
            }
        }
    }

    @Test
    public void readsAreSortedAndDistinctForExactBackends() {
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.BINARY, 8, 77);
        SolveResult r = solve(backend, m, 14, 5);
        assertValid(m, r, 5);
        if (backend.capabilities().exact() && 8 <= expectsOptimumUpTo()) {
            double[] all = Oracle.sortedEnergies(m);
            for (int k = 0; k < 5; k++) {
                assertEquals(all[k], r.energy(k), tolerance(all[k]), "energy of read " + k);
            }
        }
    }

    @Test
    public void sameSeedSameResult() {
        List<Problem> batch =
                List.of(
                        RandomProblems.dense(Vartype.SPIN, 12, 5),
                        RandomProblems.sparse(Vartype.BINARY, 10, 0.4, 6));
        SolveRequest req = SolveRequest.builder(batch).seed(42).reads(3).build();
        BatchResult a = backend.solve(req);
        BatchResult b = backend.solve(req);
        for (int k = 0; k < batch.size(); k++) {
            assertValid(batch.get(k), a.get(k), 3);
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(
                        a.get(k).state(r), b.get(k).state(r), "problem " + k + " read " + r);
            }
            assertEquals(a.get(k).seed(), b.get(k).seed());
        }
    }

    /**
     * With explicit per-problem seeds a problem's result depends only on the problem and its seed,
     * never on its neighbours in the batch or its position (what the DJL block relies on for
     * batch-independent outputs).
     */
    @Test
    public void explicitProblemSeedsMakeResultsIndependentOfTheBatch() {
        AttentionProblem target =
                RandomProblems.attention(2, 7, 1, RandomProblems.mask(7, 1, 3), true, true, 91);
        Problem other = RandomProblems.dense(Vartype.BINARY, 11, 92);
        AttentionProblem another =
                RandomProblems.attention(2, 7, 1, RandomProblems.mask(7, 0, 4), true, true, 93);
        assumeTrue(backend.isCapable(target) && backend.isCapable(other), "not capable");
        long seed = 0x5eedL;
        SolveRequest alone =
                SolveRequest.builder(List.of(target))
                        .reads(2)
                        .problemSeeds(new long[] {seed})
                        .build();
        SolveResult ref = backend.solve(alone).get(0);
        assertValid(target, ref, 2);
        assertEquals(seed, ref.seed(), "seed reported for an explicit problem seed");
        List<List<Problem>> batches =
                List.of(
                        List.of(other, target),
                        List.of(another, other, target),
                        List.of(target, another));
        for (List<Problem> batch : batches) {
            int at = batch.indexOf(target);
            long[] seeds = new long[batch.size()];
            for (int k = 0; k < seeds.length; k++) {
                seeds[k] = k == at ? seed : 1000 + k;
            }
            SolveRequest req =
                    SolveRequest.builder(batch).seed(99).reads(2).problemSeeds(seeds).build();
            SolveResult r = backend.solve(req).get(at);
            for (int read = 0; read < 2; read++) {
                assertArrayEquals(
                        ref.state(read),
                        r.state(read),
                        "read "
                                + read
                                + " of the problem at position "
                                + at
                                + " of "
                                + batch.size());
            }
        }
    }

    @Test
    public void resultIndependentOfThreadCount() {
        AnnealerBackend one = track(backend(1));
        AnnealerBackend two = track(backend(2));
        assumeTrue(one != null && two != null, "backend has no thread-count knob");
        List<Problem> batch =
                List.of(
                        RandomProblems.dense(Vartype.SPIN, 14, 8),
                        RandomProblems.dense(Vartype.BINARY, 13, 9),
                        RandomProblems.lowRank(Vartype.SPIN, 12, 3, 10));
        SolveRequest req = SolveRequest.builder(batch).seed(7).reads(4).build();
        BatchResult a = one.solve(req);
        BatchResult b = two.solve(req);
        for (int k = 0; k < batch.size(); k++) {
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(
                        a.get(k).state(r), b.get(k).state(r), "problem " + k + " read " + r);
            }
        }
    }

    @Test
    public void timeLimitIsRespected() {
        assumeTrue(supportsTimeLimitTest(), "time-limit test disabled");
        Problem p = largeProblem();
        long t0 = System.nanoTime();
        BatchResult r =
                backend.solve(
                        SolveRequest.builder(List.of(p))
                                .seed(3)
                                .timeLimit(Duration.ofMillis(200))
                                .build());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        assertTrue(seconds < GENEROUS.toSeconds(), "returned after " + seconds + " s");
        SolveStatus s = r.get(0).status();
        assertTrue(
                s == SolveStatus.TIME_LIMIT
                        || s == SolveStatus.COMPLETED
                        || s == SolveStatus.CONVERGED,
                "status " + s);
        assertValid(p, r.get(0), 1);
    }

    @Test
    public void cancellationBeforeStart() {
        assumeTrue(supportsTimeLimitTest(), "stop tests disabled");
        Problem p = largeProblem();
        Cancellation c = new Cancellation();
        c.cancel();
        BatchResult r =
                backend.solve(SolveRequest.builder(List.of(p)).seed(4).cancellation(c).build());
        SolveStatus s = r.get(0).status();
        assertTrue(s == SolveStatus.INTERRUPTED || s == SolveStatus.COMPLETED, "status " + s);
        assertValid(p, r.get(0), 1);
    }

    @Test
    public void cancellationFromAnotherThread() throws Exception {
        assumeTrue(supportsTimeLimitTest(), "stop tests disabled");
        Problem p = largeProblem();
        Cancellation c = new Cancellation();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<BatchResult> f =
                    ex.submit(
                            () ->
                                    backend.solve(
                                            SolveRequest.builder(List.of(p))
                                                    .seed(5)
                                                    .cancellation(c)
                                                    .build()));
            Thread.sleep(100);
            c.cancel();
            BatchResult r = f.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            SolveStatus s = r.get(0).status();
            assertTrue(statusAfterStop(s) && s != SolveStatus.TIME_LIMIT, "status " + s);
            assertValid(p, r.get(0), 1);
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    public void threadInterruptIsHonoured() throws Exception {
        assumeTrue(supportsTimeLimitTest(), "stop tests disabled");
        Problem p = largeProblem();
        BatchResult[] holder = new BatchResult[1];
        boolean[] stillInterrupted = new boolean[1];
        Thread t =
                new Thread(
                        () -> {
                            holder[0] =
                                    backend.solve(SolveRequest.builder(List.of(p)).seed(6).build());
                            stillInterrupted[0] = Thread.currentThread().isInterrupted();
                        },
                        "contract-interrupt");
        t.start();
        Thread.sleep(100);
        t.interrupt();
        t.join(GENEROUS.toMillis());
        assertTrue(!t.isAlive(), "solve returned after the interrupt");
        BatchResult r = holder[0];
        assertNotNull(r, "solve returned a result");
        SolveStatus s = r.get(0).status();
        assertTrue(
                s == SolveStatus.INTERRUPTED
                        || s == SolveStatus.COMPLETED
                        || s == SolveStatus.CONVERGED,
                "status " + s);
        assertValid(p, r.get(0), 1);
        if (s == SolveStatus.INTERRUPTED) {
            assertTrue(stillInterrupted[0], "the caller's interrupt flag is preserved");
        }
    }
}
