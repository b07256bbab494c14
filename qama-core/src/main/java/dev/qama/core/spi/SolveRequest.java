package dev.qama.core.spi;

import dev.qama.core.model.Problem;
import java.time.Duration;
import java.util.List;

/**
 * One call to a backend: a batch of problems and how to solve them. Immutable; build with {@link
 * #builder(List)} or {@link #of(List, long)}.
 *
 * <ul>
 *   <li>{@code seed}: the root of every random stream; problem k uses {@code Seeds.forStream(seed,
 *       k)} so the result never depends on thread count (default 0).
 *   <li>{@code problemSeeds}: optional explicit seeds, one per problem, used instead of {@code
 *       Seeds.forStream(seed, k)}: a caller whose problem k must be solved the same way wherever it
 *       stands in a batch (the DJL block: an input's output must not depend on its neighbours)
 *       derives each seed from the problem's own identity.
 *   <li>{@code reads}: independent runs per problem (replicas); every read's state is returned,
 *       best first (default 1).
 *   <li>{@code timeLimit}: wall-clock limit for the whole batch, or null for none; the best states
 *       so far are returned with status TIME_LIMIT.
 *   <li>{@code cancellation}: an optional flag to stop the batch from another thread; the calling
 *       thread's interrupt is honoured the same way.
 *   <li>{@code initialStates}: optional warm starts, one per problem (solvers that support them
 *       start read 0 there; others ignore them).
 * </ul>
 */
public final class SolveRequest {
    private final List<Problem> problems;
    private final long seed;
    private final int reads;
    private final Duration timeLimit;
    private final Cancellation cancellation;
    private final List<byte[]> initialStates;
    private final long[] problemSeeds;

    private SolveRequest(Builder b) {
        this.problems = List.copyOf(b.problems);
        this.seed = b.seed;
        this.reads = b.reads;
        this.timeLimit = b.timeLimit;
        this.cancellation = b.cancellation;
        this.initialStates = b.initialStates;
        this.problemSeeds = b.problemSeeds;
    }

    /** A request with default options. */
    public static SolveRequest of(List<? extends Problem> problems, long seed) {
        return builder(problems).seed(seed).build();
    }

    /** A builder for a batch (may be empty; no element may be null). */
    public static Builder builder(List<? extends Problem> problems) {
        return new Builder(problems);
    }

    /** The problems, in order. */
    public List<Problem> problems() {
        return problems;
    }

    /** The root seed. */
    public long seed() {
        return seed;
    }

    /**
     * The seed of problem k of this batch: the explicit one if {@link Builder#problemSeeds} was
     * given, else {@code Seeds.forStream(seed, k)}.
     */
    public long problemSeed(int k) {
        return problemSeeds != null ? problemSeeds[k] : Seeds.forStream(seed, k);
    }

    /** The explicit per-problem seeds (a copy), or null when they derive from {@link #seed()}. */
    public long[] problemSeeds() {
        return problemSeeds == null ? null : problemSeeds.clone();
    }

    /** Reads per problem (≥ 1). */
    public int reads() {
        return reads;
    }

    /** The time limit, or null. */
    public Duration timeLimit() {
        return timeLimit;
    }

    /** The cancellation flag, or null. */
    public Cancellation cancellation() {
        return cancellation;
    }

    /** Warm starts (one per problem, entries may be null), or null. */
    public List<byte[]> initialStates() {
        return initialStates;
    }

    /**
     * Starts the clock: the returned condition reports the deadline, the cancellation and the
     * current thread's interrupt status. Backends call it once at the start of {@code solve}.
     */
    public StopCondition startClock() {
        long now = System.nanoTime();
        long deadline =
                timeLimit == null
                        ? Long.MAX_VALUE
                        : now + Math.min(timeLimit.toNanos(), Long.MAX_VALUE / 4);
        return new StopCondition(now, deadline, cancellation, Thread.currentThread());
    }

    /** Builder; every setter validates its argument. */
    public static final class Builder {
        private final List<? extends Problem> problems;
        private long seed;
        private int reads = 1;
        private Duration timeLimit;
        private Cancellation cancellation;
        private List<byte[]> initialStates;
        private long[] problemSeeds;

        private Builder(List<? extends Problem> problems) {
            if (problems == null) {
                throw new IllegalArgumentException("problem list is null");
            }
            for (int k = 0; k < problems.size(); k++) {
                if (problems.get(k) == null) {
                    throw new IllegalArgumentException("problem " + k + " of the batch is null");
                }
            }
            this.problems = problems;
        }

        /** The root seed (any value). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Reads per problem, ≥ 1. */
        public Builder reads(int reads) {
            if (reads < 1) {
                throw new IllegalArgumentException("reads must be >= 1, got " + reads);
            }
            this.reads = reads;
            return this;
        }

        /** A positive time limit, or null for none. */
        public Builder timeLimit(Duration limit) {
            if (limit != null && (limit.isNegative() || limit.isZero())) {
                throw new IllegalArgumentException("time limit must be positive, got " + limit);
            }
            this.timeLimit = limit;
            return this;
        }

        /** A cancellation flag, or null. */
        public Builder cancellation(Cancellation c) {
            this.cancellation = c;
            return this;
        }

        /** Warm starts, one per problem (entries may be null); each is validated. */
        public Builder initialStates(List<byte[]> states) {
            if (states != null) {
                if (states.size() != problems.size()) {
                    throw new IllegalArgumentException(
                            "got "
                                    + states.size()
                                    + " initial states for "
                                    + problems.size()
                                    + " problems");
                }
                for (int k = 0; k < states.size(); k++) {
                    byte[] s = states.get(k);
                    if (s != null) {
                        Problem p = problems.get(k);
                        p.vartype().checkState(s, p.numVariables());
                    }
                }
                this.initialStates =
                        java.util.Collections.unmodifiableList(new java.util.ArrayList<>(states));
            } else {
                this.initialStates = null;
            }
            return this;
        }

        /**
         * Explicit seeds, one per problem (copied), or null to derive them from the root seed.
         *
         * @throws IllegalArgumentException if the count differs from the number of problems
         */
        public Builder problemSeeds(long[] seeds) {
            if (seeds != null && seeds.length != problems.size()) {
                throw new IllegalArgumentException(
                        "got "
                                + seeds.length
                                + " problem seeds for "
                                + problems.size()
                                + " problems");
            }
            this.problemSeeds = seeds == null ? null : seeds.clone();
            return this;
        }

        /** The request. */
        public SolveRequest build() {
            return new SolveRequest(this);
        }
    }
}
