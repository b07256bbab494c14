package dev.qama.core.spi;

import dev.qama.core.model.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A base for local backends that solve the problems of a batch independently: it validates the
 * batch, spreads the problems over {@code threads} threads (the calling thread and a pool of {@code
 * threads − 1} workers, which take the problems in index order), gives problem k the seed {@code
 * request.problemSeed(k)} (so results do not depend on the thread count), honours the caller's
 * interrupt and collects timings.
 *
 * <p>Subclasses implement {@link #solveProblem}, which must be thread-safe (no per-call state in
 * fields).
 */
public abstract class AbstractBatchBackend implements AnnealerBackend {
    private static final AtomicInteger POOL_ID = new AtomicInteger();
    private final int threads;
    private final Object poolLock = new Object();
    private ExecutorService pool;

    /**
     * @param threads threads that solve one batch's problems in parallel, ≥ 1: the calling thread
     *     and {@code threads − 1} pool workers
     */
    protected AbstractBatchBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /** The default thread count: the number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads that solve a batch (the calling thread included). */
    public int threads() {
        return threads;
    }

    /**
     * Solves one problem.
     *
     * @param problem the problem (already checked with {@link #isCapable})
     * @param seed its seed
     * @param reads the number of reads to return
     * @param initial a warm start, or null
     * @param stop poll it; when it says stop, return the best states so far with its reason
     * @return the reads (through {@link SolveResult#of})
     */
    protected abstract SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop);

    /** Throws a clear error if the backend cannot take the problem; the default uses isCapable. */
    protected void checkCapable(Problem p, int index) {
        if (!isCapable(p)) {
            throw new IllegalArgumentException(
                    "backend '"
                            + name()
                            + "' cannot take problem "
                            + index
                            + " of the batch ("
                            + p
                            + ", "
                            + p.numVariables()
                            + " variables; limit "
                            + capabilities().maxVariables()
                            + ")");
        }
    }

    @Override
    public final BatchResult solve(SolveRequest request) {
        long t0 = System.nanoTime();
        List<Problem> problems = request.problems();
        checkAllCapable(problems);
        StopCondition stop = request.startClock();
        DoubleAdder solveSeconds = new DoubleAdder();
        SolveResult[] out = new SolveResult[problems.size()];
        if (threads == 1 || problems.size() <= 1) {
            for (int k = 0; k < problems.size(); k++) {
                out[k] = timed(request, k, stop, solveSeconds);
            }
        } else {
            solveInPool(request, stop, solveSeconds, out);
        }
        Map<String, Double> timing = new LinkedHashMap<>();
        timing.put(BatchResult.TOTAL_SECONDS, (System.nanoTime() - t0) * 1e-9);
        timing.put(BatchResult.SOLVE_SECONDS, solveSeconds.sum());
        return new BatchResult(name(), request.seed(), List.of(out), timing);
    }

    /**
     * Checks every problem of a batch (in a method of its own: a loop over a large batch gets an
     * on-stack-replacement compilation, which should not take the whole of {@link #solve} along).
     */
    private void checkAllCapable(List<Problem> problems) {
        for (int k = 0; k < problems.size(); k++) {
            checkCapable(problems.get(k), k);
        }
    }

    /**
     * Solves the problems of {@code request} on the calling thread and the pool into {@code out}.
     */
    private void solveInPool(
            SolveRequest request, StopCondition stop, DoubleAdder solveSeconds, SolveResult[] out) {
        // threads − 1 pool workers and the calling thread take the problems in index order
        // from one counter: one hand-over per worker and batch instead of one per problem,
        // and the caller works instead of waking up for each problem's result
        AtomicInteger next = new AtomicInteger();
        Runnable work =
                () -> {
                    for (int k = next.getAndIncrement();
                            k < out.length;
                            k = next.getAndIncrement()) {
                        out[k] = timed(request, k, stop, solveSeconds);
                    }
                };
        runWithHelpers(
                pool(),
                Math.min(threads, out.length) - 1,
                work,
                stop,
                "backend '" + name() + "' failed");
    }

    /**
     * Runs {@code work} on the calling thread and on {@code helpers} tasks of {@code pool}, and
     * returns once all have ended. A failure, or an interrupt of the caller, forces {@code stop} so
     * that the others end early; the interrupt is restored afterwards. The first failure is
     * rethrown (the caller's before a helper's; an error as it is, a checked exception of a helper
     * as a {@link SolverException} with {@code failureMessage}).
     */
    protected static void runWithHelpers(
            ExecutorService pool,
            int helpers,
            Runnable work,
            StopCondition stop,
            String failureMessage) {
        List<Future<?>> futures = new ArrayList<>(Math.max(helpers, 0));
        for (int h = 0; h < helpers; h++) {
            futures.add(pool.submit(work));
        }
        RuntimeException failure = null;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            stop.forceStop(); // the helpers stop too; rethrown once they have
            failure = e instanceof RuntimeException re ? re : null;
            if (e instanceof Error err) {
                drain(futures, stop, failureMessage);
                throw err;
            }
        }
        RuntimeException helperFailure = drain(futures, stop, failureMessage);
        if (failure != null) {
            throw failure;
        }
        if (helperFailure != null) {
            throw helperFailure;
        }
    }

    /**
     * Waits for the helpers of one batch (an interrupt of the caller stops the solve and is
     * restored afterwards); returns the first helper's failure as a runtime exception, or null.
     *
     * @throws Error a helper's error
     */
    private static RuntimeException drain(
            List<Future<?>> futures, StopCondition stop, String failureMessage) {
        boolean interrupted = false;
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    stop.forceStop();
                } catch (ExecutionException e) {
                    stop.forceStop();
                    Throwable c = e.getCause();
                    if (c instanceof Error err) {
                        throw err;
                    }
                    if (failure == null) {
                        failure =
                                c instanceof RuntimeException re
                                        ? re
                                        : new SolverException(failureMessage, c);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private SolveResult timed(SolveRequest request, int k, StopCondition stop, DoubleAdder acc) {
        long s = System.nanoTime();
        byte[] init = request.initialStates() == null ? null : request.initialStates().get(k);
        SolveResult r =
                solveProblem(
                        request.problems().get(k),
                        request.problemSeed(k),
                        request.reads(),
                        init,
                        stop);
        acc.add((System.nanoTime() - s) * 1e-9);
        return r;
    }

    private ExecutorService pool() {
        synchronized (poolLock) {
            if (pool == null) {
                int id = POOL_ID.incrementAndGet();
                AtomicInteger n = new AtomicInteger();
                ThreadFactory tf =
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "qama-"
                                                    + name()
                                                    + "-"
                                                    + id
                                                    + "-"
                                                    + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        };
                pool = Executors.newFixedThreadPool(threads - 1, tf); // and the caller
            }
            return pool;
        }
    }

    /** Shuts the worker pool down (a later solve starts a new one). */
    @Override
    public void close() {
        synchronized (poolLock) {
            if (pool != null) {
                pool.shutdownNow();
                pool = null;
            }
        }
    }
}
