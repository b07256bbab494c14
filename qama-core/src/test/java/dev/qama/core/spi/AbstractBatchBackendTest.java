package dev.qama.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AbstractBatchBackendTest {

    /**
     * Solves every problem with all spins down after meeting the other threads at a barrier of
     * {@code threads} parties, and records the threads that solved.
     */
    static final class Meeting extends AbstractBatchBackend {
        final Set<Thread> solvers = ConcurrentHashMap.newKeySet();
        final CyclicBarrier barrier;
        final int failAt;

        Meeting(int threads, int failAt) {
            super(threads);
            barrier = new CyclicBarrier(threads);
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return "meeting";
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(1 << 10, 0, false, false, false);
        }

        @Override
        protected SolveResult solveProblem(
                Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
            if (solvers.add(Thread.currentThread())) {
                try { // each thread's first problem waits until every thread has one
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the batch's threads did not all solve", e);
                }
            }
            if (seed == failAt) {
                throw new IllegalArgumentException("problem with seed " + seed + " fails");
            }
            byte[] x = new byte[problem.numVariables()];
            java.util.Arrays.fill(x, (byte) -1);
            return SolveResult.of(problem, new byte[][] {x}, SolveStatus.COMPLETED, seed);
        }
    }

    private static List<BinaryQuadraticModel> problems(int n) {
        List<BinaryQuadraticModel> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(3)));
        }
        return out;
    }

    private static long[] seeds(int n) {
        long[] s = new long[n];
        for (int k = 0; k < n; k++) {
            s[k] = k;
        }
        return s;
    }

    @Test
    void theCallingThreadSolvesWithThePoolAndEveryProblemOnce() {
        try (Meeting b = new Meeting(2, -1)) {
            int n = 40;
            BatchResult r =
                    b.solve(SolveRequest.builder(problems(n)).problemSeeds(seeds(n)).build());
            assertEquals(n, r.size());
            for (int k = 0; k < n; k++) {
                assertEquals(k, r.get(k).seed(), "result " + k + " is its own problem's");
            }
            assertTrue(
                    b.solvers.contains(Thread.currentThread()),
                    "the caller took part: " + b.solvers);
            assertEquals(2, b.solvers.size(), b.solvers::toString);
        }
    }

    @Test
    void aFailureOfTheCallerOrOfAWorkerIsRethrownAfterTheBatchStops() {
        for (int failAt : new int[] {0, 1, 7}) {
            try (Meeting b = new Meeting(2, failAt)) {
                int n = 8;
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        b.solve(
                                                SolveRequest.builder(problems(n))
                                                        .problemSeeds(seeds(n))
                                                        .build()));
                assertEquals("problem with seed " + failAt + " fails", e.getMessage());
            }
        }
    }
}
