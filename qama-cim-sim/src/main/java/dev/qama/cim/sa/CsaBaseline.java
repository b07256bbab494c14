package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A port of the QAMA authors' {@code c_sa} solver (Du, Shi et al., "QAMA", arXiv 2504.11083; their
 * batched libtorch simulated annealing), kept as the baseline the other solvers are compared
 * against. It solves the QUBO form: SPIN models are converted to BINARY (exactly, offset included)
 * and the states converted back.
 *
 * <h2>Algorithm (per problem and read)</h2>
 *
 * <ol>
 *   <li>x ~ Bernoulli(0.5) on every free bit (masked attention bits stay 0); read 0 starts from the
 *       request's warm start if one is given (the original's {@code csa_init_x}).
 *   <li>Temperature levels T = T0, T0·α, T0·α², … while T &gt; cutoff (≈ 1375 levels with the
 *       defaults). At each level {@code proposals} single-flip proposals at uniformly random free
 *       bits, each accepted if ΔE &lt; 0 or exp(−ΔE/T) &gt; u, u ~ U(0, 1). In the authors'
 *       convention ΔE = (1 − 2x_i)(Q_ii + 2 Σ_{j≠i} Q_ij x_j); in ours the same number is (1 −
 *       2x_i)·f_i with f the local field of the {@link BinaryQuadraticModel} (the structured
 *       token-field formula for attention problems).
 *   <li>After each level the current energy is compared with the best one (as in the original, only
 *       at level ends): lower → it becomes the best state and the no-improvement counter is reset;
 *       otherwise the counter grows, and the anneal ends when it reaches {@code patience}.
 *   <li>A greedy local search from the best state: repeatedly flip the bit with the most negative
 *       ΔE (the first one on ties) until no flip improves by more than 10⁻¹² of the problem's
 *       largest flip energy.
 * </ol>
 *
 * <h2>Deliberate differences from the original</h2>
 *
 * <ul>
 *   <li>(a) The original local search evaluates ΔE as (1 − 2x_i)·x_i·(…), which is 0 for every bit
 *       at 0, so it only ever flips 1 → 0 and can stop at a state that one 0 → 1 flip would
 *       improve. Ours tries both directions and ends at a true 1-flip local minimum. {@code
 *       faithful=true} restores the one-direction search for comparisons.
 *   <li>(b) The original shares one no-improvement counter across the whole batch (any improving
 *       problem resets it for all). Ours counts per problem and per read, in both modes, so a
 *       result does not depend on the other problems of the batch. Note that with the defaults (T0
 *       = 1000 against energies of order 1–100) a single problem's best energy often stalls for 50
 *       levels while the chain is still hot, so the per-problem counter stops much earlier than the
 *       batch-shared one did; {@code patience=0} disables early stopping and is the closer match to
 *       the original's behaviour on large batches (measured on the paper's attention problems, B =
 *       128, N = 49, q = 1: mean best energy −484.2 with patience 50, −491.7 with 0; BiqMac be100:
 *       optimum in 25 % vs 38 % of runs; docs/benchmarks-sa.md).
 *   <li>Energies in double precision (the original used float32); proposals over free bits only.
 * </ul>
 *
 * <h2>Knobs (builder method / {@link BackendOptions} key)</h2>
 *
 * <ul>
 *   <li>{@code t0} (default 1000, positive): initial temperature, in energy units; the authors'
 *       value, independent of the problem's scale (hot for attention problems).
 *   <li>{@code alpha} (default 0.99, in (0, 1)): geometric cooling factor per level; closer to 1
 *       means more levels (slower, better).
 *   <li>{@code cutoff} (default 1e-3, positive): the anneal runs while T &gt; cutoff; a cutoff ≥ t0
 *       means no annealing (local search only).
 *   <li>{@code proposals} (default 5, ≥ 1): single-flip proposals per level (the authors' {@code
 *       iterations_per_t}); total work is levels × proposals, independent of n — the original's
 *       main weakness on larger problems.
 *   <li>{@code patience} (default 50, ≥ 0; 0 = off): levels without improvement before the anneal
 *       ends, counted per problem (see (b)).
 *   <li>{@code localsearch} (default true): run the final greedy local search.
 *   <li>{@code faithful} (default false): restrict the local search to 1 → 0 flips as the original
 *       did (see (a)).
 *   <li>{@code threads} (default: available processors, ≥ 1): problems in parallel; results do not
 *       depend on it (read r of problem k uses {@code Seeds.forStream(request.problemSeed(k), r)}).
 * </ul>
 *
 * The stop condition is polled every 64 levels; on stop, the best state so far is returned without
 * local search, with status TIME_LIMIT or INTERRUPTED. A read that ended by patience reports
 * CONVERGED.
 */
public final class CsaBaseline extends KernelBackend {
    /** The name this backend is registered under. */
    public static final String NAME = "csa";

    private static final OptionSpec T0 =
            OptionSpec.ofPositive("t0", 1000, Double.MAX_VALUE, "initial temperature");
    private static final OptionSpec ALPHA =
            OptionSpec.ofOpen("alpha", 0.99, 0, 1, "geometric cooling factor");
    private static final OptionSpec CUTOFF =
            OptionSpec.ofPositive("cutoff", 1e-3, Double.MAX_VALUE, "final temperature");
    private static final OptionSpec PROPOSALS =
            OptionSpec.ofInt("proposals", 5, 1, Integer.MAX_VALUE, "proposals per temperature");
    private static final OptionSpec PATIENCE =
            OptionSpec.ofInt(
                    "patience", 50, 0, Integer.MAX_VALUE, "temperatures without improvement");
    private static final OptionSpec LOCALSEARCH =
            OptionSpec.ofBoolean(
                    "localsearch", true, "the fixed local search (false: the authors')");
    private static final OptionSpec FAITHFUL =
            OptionSpec.ofBoolean("faithful", false, "reproduce the original code's quirks");
    private static final OptionSpec THREADS =
            OptionSpec.ofInt("threads", "available processors", 1, 4096, "worker threads");

    /** The declared options {@link #fromOptions} accepts. */
    public static final List<OptionSpec> OPTIONS =
            List.of(T0, ALPHA, CUTOFF, PROPOSALS, PATIENCE, LOCALSEARCH, FAITHFUL, THREADS);

    /** The option keys {@link #fromOptions} accepts. */
    public static final Set<String> OPTION_KEYS = OptionSpec.keys(OPTIONS);

    private static final int POLL_LEVELS = 64;

    private final double t0;
    private final double alpha;
    private final double cutoff;
    private final int proposals;
    private final int patience;
    private final boolean localSearch;
    private final boolean faithful;

    private CsaBaseline(Builder b) {
        super(b.threads);
        this.t0 = b.t0;
        this.alpha = b.alpha;
        this.cutoff = b.cutoff;
        this.proposals = b.proposals;
        this.patience = b.patience;
        this.localSearch = b.localSearch;
        this.faithful = b.faithful;
    }

    /** A builder with the authors' defaults and the two fixes on. */
    public static Builder builder() {
        return new Builder();
    }

    /** A backend with every knob at its default. */
    public static CsaBaseline create() {
        return builder().build();
    }

    /**
     * A backend from string options (keys in {@link #OPTION_KEYS}).
     *
     * @throws IllegalArgumentException on an unknown key or a bad value, quoting it
     */
    public static CsaBaseline fromOptions(BackendOptions options) {
        options.requireOnly(OPTION_KEYS);
        Builder b = builder();
        b.optThreads(THREADS.intValue(options, defaultThreads()));
        b.optT0(T0.doubleValue(options));
        b.optAlpha(ALPHA.doubleValue(options));
        b.optCutoff(CUTOFF.doubleValue(options));
        b.optProposals(PROPOSALS.intValue(options));
        b.optPatience(PATIENCE.intValue(options));
        b.optLocalSearch(LOCALSEARCH.booleanValue(options));
        b.optFaithful(FAITHFUL.booleanValue(options));
        return b.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The number of temperature levels of a full anneal: #{k ≥ 0 : t0·α^k &gt; cutoff}. */
    public int levels() {
        int count = 0;
        for (double t = t0; t > cutoff; t *= alpha) {
            count++;
        }
        return count;
    }

    /** Whether the local search is the original one-direction (1 → 0) one. */
    public boolean faithful() {
        return faithful;
    }

    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        if (initial != null) {
            problem.energy(initial); // validates the warm start
        }
        Problem work = problem;
        boolean spin = false;
        if (problem instanceof BinaryQuadraticModel m && m.vartype() == Vartype.SPIN) {
            work = m.toVartype(Vartype.BINARY);
            spin = true;
        }
        Kernel k = Kernels.create(work, LowRankMode.AUTO);
        byte[] warm =
                spin && initial != null
                        ? BinaryQuadraticModel.convertState(initial, Vartype.SPIN, Vartype.BINARY)
                        : initial;
        int m = k.free.length;
        double tol = 1e-12 * BetaRange.deltaBounds(work)[0];
        byte[][] out = new byte[reads][];
        byte[] init = new byte[k.n];
        byte[] best = new byte[k.n];
        SolveStatus status = SolveStatus.COMPLETED;
        SolveStatus stopped = null;
        for (int r = 0; r < reads; r++) {
            SplittableRandom rng = new SplittableRandom(Seeds.forStream(seed, r));
            k.readStart(r, warm, rng, init);
            if (stopped == null) {
                stopped = stop.reason();
            }
            if (stopped != null) {
                out[r] = init.clone();
                continue;
            }
            k.start(init);
            System.arraycopy(k.x, 0, best, 0, k.n);
            double bestEnergy = k.energy;
            int noImprovement = 0;
            int level = 0;
            double t = t0;
            boolean annealed = true;
            while (t > cutoff && m > 0) {
                if (patience > 0 && noImprovement >= patience) {
                    annealed = false;
                    break;
                }
                if (++level % POLL_LEVELS == 0 && (stopped = stop.reason()) != null) {
                    break;
                }
                for (int p = 0; p < proposals; p++) {
                    int v = k.free[rng.nextInt(m)];
                    double de = k.delta(v);
                    if (de < 0 || Math.exp(-de / t) > rng.nextDouble()) {
                        k.flip(v);
                    }
                }
                t *= alpha;
                if (k.energy < bestEnergy) {
                    bestEnergy = k.energy;
                    System.arraycopy(k.x, 0, best, 0, k.n);
                    noImprovement = 0;
                } else {
                    noImprovement++;
                }
            }
            if (!annealed) {
                status = status.worst(SolveStatus.CONVERGED);
            }
            if (stopped == null && localSearch) {
                k.start(best);
                descend(k, faithful, tol);
                System.arraycopy(k.x, 0, best, 0, k.n);
            }
            out[r] = best.clone();
        }
        if (stopped != null) {
            status = status.worst(stopped);
        }
        if (spin) {
            for (int r = 0; r < reads; r++) {
                out[r] = BinaryQuadraticModel.convertState(out[r], Vartype.BINARY, Vartype.SPIN);
            }
        }
        return SolveResult.of(problem, out, status, seed);
    }

    /**
     * Steepest descent: flips the free bit with the most negative ΔE (first on ties) until none is
     * below −tol. With {@code onlyOnes}, only bits at 1 are candidates (the original's defect).
     */
    static void descend(Kernel k, boolean onlyOnes, double tol) {
        int[] free = k.free;
        while (true) {
            int arg = -1;
            double min = -tol;
            for (int v : free) {
                if (onlyOnes && k.x[v] == k.low) {
                    continue;
                }
                double de = k.delta(v);
                if (de < min) {
                    min = de;
                    arg = v;
                }
            }
            if (arg < 0) {
                return;
            }
            k.flip(arg);
        }
    }

    @Override
    public String toString() {
        return "CsaBaseline[t0="
                + t0
                + ", alpha="
                + alpha
                + ", cutoff="
                + cutoff
                + ", proposals="
                + proposals
                + ", patience="
                + patience
                + ", localsearch="
                + localSearch
                + ", faithful="
                + faithful
                + ", threads="
                + threads()
                + "]";
    }

    /** Builder: {@code optX} methods validate their argument and quote a bad value. */
    public static final class Builder {
        private double t0 = 1000;
        private double alpha = 0.99;
        private double cutoff = 1e-3;
        private int proposals = 5;
        private int patience = 50;
        private boolean localSearch = true;
        private boolean faithful;
        private int threads = defaultThreads();

        private Builder() {}

        /** Initial temperature, positive and finite (default 1000). */
        public Builder optT0(double t0) {
            if (!Double.isFinite(t0) || t0 <= 0) {
                throw new IllegalArgumentException("t0 must be positive and finite, got " + t0);
            }
            this.t0 = t0;
            return this;
        }

        /** Cooling factor per level, in (0, 1) (default 0.99). */
        public Builder optAlpha(double alpha) {
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** Cutoff temperature, positive and finite (default 1e-3). */
        public Builder optCutoff(double cutoff) {
            if (!Double.isFinite(cutoff) || cutoff <= 0) {
                throw new IllegalArgumentException(
                        "cutoff must be positive and finite, got " + cutoff);
            }
            this.cutoff = cutoff;
            return this;
        }

        /** Proposals per level, ≥ 1 (default 5). */
        public Builder optProposals(int proposals) {
            if (proposals < 1) {
                throw new IllegalArgumentException("proposals must be >= 1, got " + proposals);
            }
            this.proposals = proposals;
            return this;
        }

        /** Levels without improvement before stopping, ≥ 0 (default 50; 0 = off). */
        public Builder optPatience(int patience) {
            if (patience < 0) {
                throw new IllegalArgumentException(
                        "patience must be >= 0 (0 = off), got " + patience);
            }
            this.patience = patience;
            return this;
        }

        /** Whether to run the final greedy local search (default true). */
        public Builder optLocalSearch(boolean on) {
            this.localSearch = on;
            return this;
        }

        /** Whether the local search only flips 1 → 0, as the original (default false). */
        public Builder optFaithful(boolean faithful) {
            this.faithful = faithful;
            return this;
        }

        /** Worker threads, ≥ 1 (default: available processors). */
        public Builder optThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The backend. */
        public CsaBaseline build() {
            return new CsaBaseline(this);
        }
    }
}
