package dev.qama.core.exact;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The exact solver by exhaustive enumeration: every one of the 2ⁿ states is visited in Gray-code
 * order, so consecutive states differ in one variable and each step costs O(n) (the energy changes
 * by the flip delta of that variable, and the n local fields are updated from one row of J).
 *
 * <p><b>Result.</b> For {@code reads = R} the R lowest-energy distinct states are returned, best
 * first. Equal energies are ordered by the state read as an unsigned bit pattern (bit i set when
 * variable i takes its high value), lower first. If the problem has fewer than R states (2ⁿ &lt;
 * R), the distinct states are repeated in order to fill R reads. The seed is not used (the result
 * is the same for every seed) but is reported.
 *
 * <p><b>Parallelism and determinism.</b> The enumeration is split on the top {@code p} variables
 * into 2^p chunks (p = min(8, max(0, n − 12)), a function of n only); worker threads take chunks
 * from a shared counter, each chunk keeps its own top-R list, and the lists are merged in chunk
 * order. Every chunk starts from an exact recomputation of its fields, so the result is bit-for-bit
 * the same for every thread count.
 *
 * <p><b>Stopping.</b> The {@link StopCondition} (time limit, cancellation, interrupt) is polled
 * every few thousand steps; the best states among those visited so far are returned with the stop
 * reason as status. The all-low state is always visited first, so there is always a valid read.
 *
 * <p><b>Problems.</b> Any {@link BinaryQuadraticModel} (SPIN or BINARY, any coupling) and any
 * {@link AttentionProblem} (enumerated over its unmasked bits through {@link
 * AttentionProblem#freeModel(int)}, so masked bits stay 0). More than {@value #MAX_VARIABLES} free
 * variables is refused with an {@link IllegalArgumentException}.
 *
 * <p>The problems of a batch are solved one after the other (the batch plumbing is {@link
 * AbstractBatchBackend}'s with one batch thread); the worker threads split the enumeration of each
 * problem.
 *
 * <p>Thread-safe: concurrent {@code solve} calls share the worker pool but nothing else.
 */
public final class BruteForceBackend extends AbstractBatchBackend {
    /** The largest number of (free) variables it enumerates: 2^30 states. */
    public static final int MAX_VARIABLES = 30;

    /** The most distinct states one solve returns ({@code reads} beyond it is refused). */
    public static final int MAX_DISTINCT_READS = 1 << 20;

    /** Problems up to this size are enumerated as one chunk. */
    private static final int UNSPLIT_BITS = 12;

    private static final int MAX_SPLIT_BITS = 8;
    private static final int POLL_MASK = (1 << 13) - 1;
    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final int threads;
    private final Object poolLock = new Object();
    private ExecutorService pool;

    /** With one worker thread per available processor. */
    public BruteForceBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param threads worker threads per problem, ≥ 1
     */
    public BruteForceBackend(int threads) {
        super(1);
        if (threads < 1) {
            throw new IllegalArgumentException(
                    "brute-force backend: threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /** The number of worker threads that enumerate one problem. */
    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return ExactProvider.NAME;
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(MAX_VARIABLES, 0, false, false, true);
    }

    /** True for binary quadratic models and attention problems with at most 30 free variables. */
    @Override
    public boolean isCapable(Problem problem) {
        return refusal(problem) == null;
    }

    private static String refusal(Problem p) {
        return Reduced.refusal(
                p,
                MAX_VARIABLES,
                n ->
                        "brute force enumerates 2^n states and n = "
                                + n
                                + " free variables exceeds the limit of "
                                + MAX_VARIABLES);
    }

    @Override
    protected void checkCapable(Problem p, int index) {
        Reduced.requireTaken(name(), index, refusal(p));
    }

    /**
     * Solves one problem without a time limit: the {@code reads} lowest-energy distinct states.
     *
     * @throws IllegalArgumentException if the problem has more than 30 free variables
     */
    public SolveResult solve(Problem problem, int reads) {
        SolveRequest request = SolveRequest.builder(List.of(problem)).reads(reads).build();
        return solve(request).get(0);
    }

    /** Enumerates one problem; the warm start is not used. */
    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        if (reads > MAX_DISTINCT_READS) {
            throw new IllegalArgumentException(
                    "backend '"
                            + name()
                            + "': reads = "
                            + reads
                            + " exceeds the limit of "
                            + MAX_DISTINCT_READS
                            + " distinct states");
        }
        Reduced red = Reduced.of(problem);
        Enumeration en = new Enumeration(red.model(), reads, stop);
        run(en);
        byte[][] states = en.result(red);
        SolveStatus status = en.completed.get() == en.chunks ? SolveStatus.COMPLETED : en.reason;
        if (status == null) {
            status = SolveStatus.INTERRUPTED;
        }
        return SolveResult.of(problem, states, status, seed);
    }

    private void run(Enumeration en) {
        int helpers = Math.min(threads, en.chunks) - 1;
        if (helpers <= 0) {
            en.work();
            return;
        }
        runWithHelpers(pool(), helpers, en::work, en.stop, "brute-force worker failed");
    }

    private ExecutorService pool() {
        synchronized (poolLock) {
            if (pool == null) {
                pool =
                        Executors.newFixedThreadPool(
                                threads - 1,
                                DaemonThreads.named("qama-exact-" + POOL_ID.incrementAndGet()));
            }
            return pool;
        }
    }

    /** Shuts the worker pool down (a later solve starts a new one). */
    @Override
    public void close() {
        super.close();
        synchronized (poolLock) {
            if (pool != null) {
                pool.shutdownNow();
                pool = null;
            }
        }
    }

    @Override
    public String toString() {
        return "BruteForceBackend[threads=" + threads + "]";
    }

    /** The shared state of one problem's enumeration. */
    private static final class Enumeration {
        final int n;
        final boolean spin;
        final byte low;
        final byte high;
        final double[] h;
        final double[] j; // dense n×n, row-major
        final double[] js; // j · (high − low)
        final double dzAbs; // high − low: 2 for spins, 1 for bits
        final double offset;
        final int splitBits;
        final int lowBits;
        final int chunks;
        final int reads;
        final StopCondition stop;
        final TopList[] lists;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        volatile SolveStatus reason;

        Enumeration(BinaryQuadraticModel m, int reads, StopCondition stop) {
            this.n = m.numVariables();
            this.spin = m.vartype() == Vartype.SPIN;
            this.low = m.vartype().low();
            this.high = m.vartype().high();
            this.h = new double[n];
            for (int i = 0; i < n; i++) {
                h[i] = m.linear(i);
            }
            Coupling c = m.coupling();
            float[] dense = c.toDenseArray(MAX_VARIABLES);
            this.j = new double[n * n];
            this.dzAbs = high - low;
            this.js = new double[n * n];
            for (int k = 0; k < dense.length; k++) {
                j[k] = dense[k];
                js[k] = dense[k] * dzAbs;
            }
            this.offset = m.offset();
            this.splitBits = Math.min(MAX_SPLIT_BITS, Math.max(0, n - UNSPLIT_BITS));
            this.lowBits = n - splitBits;
            this.chunks = 1 << splitBits;
            this.reads = reads;
            this.stop = stop;
            this.lists = new TopList[chunks];
        }

        /** A worker: takes chunks until none is left or the solve must stop. */
        void work() {
            byte[] z = new byte[n];
            double[] f = new double[n];
            while (true) {
                int c = next.getAndIncrement();
                if (c >= chunks) {
                    return;
                }
                if (c > 0) {
                    SolveStatus r = stop.reason();
                    if (r != null) {
                        reason = r;
                        return;
                    }
                }
                TopList list = new TopList((int) Math.min(reads, 1L << lowBits));
                lists[c] = list;
                if (enumerate(c, z, f, list)) {
                    completed.incrementAndGet();
                } else {
                    return;
                }
            }
        }

        /** Enumerates chunk c; false if it stopped early. */
        private boolean enumerate(int c, byte[] z, double[] f, TopList list) {
            long index = (long) c << lowBits;
            for (int i = 0; i < n; i++) {
                z[i] = ((index >>> i) & 1L) != 0 ? high : low;
            }
            double e = offset;
            for (int i = 0; i < n; i++) {
                double acc = 0;
                int row = i * n;
                for (int k = 0; k < n; k++) {
                    acc += j[row + k] * z[k];
                }
                f[i] = h[i] + acc;
                e += z[i] * (h[i] + 0.5 * acc);
            }
            list.offer(e, index);
            long steps = 1L << lowBits;
            for (long step = 1; step < steps; step++) {
                if ((step & POLL_MASK) == 0) {
                    SolveStatus r = stop.reason();
                    if (r != null) {
                        reason = r;
                        return false;
                    }
                }
                int k = Long.numberOfTrailingZeros(step);
                int row = k * n;
                // the field rows are pre-scaled by |Δz| (2 for spins, 1 for bits), so the
                // update is a plain add or subtract of one row
                if (z[k] == low) {
                    e += dzAbs * f[k];
                    z[k] = high;
                    for (int i = 0; i < n; i++) {
                        f[i] += js[row + i];
                    }
                } else {
                    e -= dzAbs * f[k];
                    z[k] = low;
                    for (int i = 0; i < n; i++) {
                        f[i] -= js[row + i];
                    }
                }
                index ^= 1L << k;
                if (list.accepts(e, index)) {
                    list.offer(e, index);
                }
            }
            return true;
        }

        /** The merged top-R states (expanded to full states), padded by repetition to R. */
        byte[][] result(Reduced red) {
            int total = 0;
            for (TopList l : lists) {
                if (l != null) {
                    total += l.size;
                }
            }
            double[] es = new double[total];
            long[] idx = new long[total];
            int m = 0;
            for (TopList l : lists) {
                if (l != null) {
                    System.arraycopy(l.energy, 0, es, m, l.size);
                    System.arraycopy(l.index, 0, idx, m, l.size);
                    m += l.size;
                }
            }
            Integer[] order = new Integer[total];
            for (int k = 0; k < total; k++) {
                order[k] = k;
            }
            Arrays.sort(
                    order,
                    (a, b) ->
                            es[a] != es[b]
                                    ? Double.compare(es[a], es[b])
                                    : Long.compare(idx[a], idx[b]));
            int distinct = Math.min(total, reads);
            byte[][] out = new byte[reads][];
            for (int r = 0; r < reads; r++) {
                if (r < distinct) {
                    long s = idx[order[r]];
                    byte[] z = new byte[n];
                    for (int i = 0; i < n; i++) {
                        z[i] = ((s >>> i) & 1L) != 0 ? high : low;
                    }
                    out[r] = red.expand(z);
                } else {
                    out[r] = out[r % distinct];
                }
            }
            return out;
        }
    }

    /**
     * The best {@code capacity} (energy, index) pairs seen, as a binary max-heap whose root is the
     * worst kept pair. Pairs order by energy, then by index.
     */
    private static final class TopList {
        final int capacity;
        double[] energy;
        long[] index;
        int size;

        TopList(int capacity) {
            this.capacity = capacity;
            int initial = Math.min(capacity, 16);
            this.energy = new double[initial];
            this.index = new long[initial];
        }

        private static boolean worse(double e1, long i1, double e2, long i2) {
            return e1 > e2 || (e1 == e2 && i1 > i2);
        }

        boolean accepts(double e, long i) {
            return size < capacity || worse(energy[0], index[0], e, i);
        }

        void offer(double e, long i) {
            if (size < capacity) {
                if (size == energy.length) {
                    int grown = (int) Math.min(capacity, 2L * size);
                    energy = Arrays.copyOf(energy, grown);
                    index = Arrays.copyOf(index, grown);
                }
                int k = size++;
                while (k > 0) {
                    int parent = (k - 1) >>> 1;
                    if (!worse(e, i, energy[parent], index[parent])) {
                        break;
                    }
                    energy[k] = energy[parent];
                    index[k] = index[parent];
                    k = parent;
                }
                energy[k] = e;
                index[k] = i;
                return;
            }
            if (!worse(energy[0], index[0], e, i)) {
                return;
            }
            int k = 0;
            while (true) {
                int child = 2 * k + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size
                        && worse(
                                energy[child + 1], index[child + 1], energy[child], index[child])) {
                    child++;
                }
                if (!worse(energy[child], index[child], e, i)) {
                    break;
                }
                energy[k] = energy[child];
                index[k] = index[child];
                k = child;
            }
            energy[k] = e;
            index[k] = i;
        }
    }
}
