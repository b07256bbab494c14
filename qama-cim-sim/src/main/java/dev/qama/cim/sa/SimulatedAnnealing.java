package dev.qama.cim.sa;

import dev.qama.cim.AnytimeSchedule;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Simulated annealing with single-flip Metropolis sweeps (Kirkpatrick, Gelatt and Vecchi,
 * "Optimization by simulated annealing", Science 220, 1983; Metropolis et al., J. Chem. Phys. 21,
 * 1953), for {@link dev.qama.core.model.BinaryQuadraticModel}s (dense, sparse or low-rank
 * couplings, SPIN or BINARY) and structured {@link dev.qama.core.attention.AttentionProblem}s.
 *
 * <h2>Algorithm</h2>
 *
 * Each read starts from a uniformly random state (read 0 from the request's warm start, if any) and
 * runs one sweep per entry of the β schedule; a sweep proposes one flip per free variable and
 * accepts it with probability min(1, exp(−β ΔE)). The kernels keep local fields on primitive arrays
 * so a proposal costs O(1) (O(r) for a factored low-rank coupling) and an accepted flip O(n) dense,
 * O(degree) sparse, O(r) factored; attention problems use the token-field kernel (O(N) per flip,
 * never the (H·N·q)² matrix). Bits of masked tokens are never proposed. Each read keeps the best
 * state it visited (checked after every accepted flip), not its last one, and by default polishes
 * it with a zero-temperature quench ({@code polish}).
 *
 * <h2>Knobs (builder method / {@link BackendOptions} key)</h2>
 *
 * <ul>
 *   <li>{@code sweeps} (default 1000, ≥ 0): sweeps per read. 1000 is dwave-samplers' default and
 *       reached the best-known value of BiqMac be100.1–5 in 100 of 100 runs (200 sweeps: 93 of 100;
 *       docs/benchmarks-sa.md); cost is linear in it, quality improves roughly logarithmically
 *       (paper attention problems: within 0.3 % of the best known energy at 1000 sweeps, 0.75 % at
 *       200, 1.7 % at 50). 0 returns the initial states (quenched if {@code polish}).
 *   <li>{@code beta0}, {@code beta1} (default: derived per problem by {@link
 *       BetaRange#defaultFor}): the hot and cold ends of the schedule, given together. The default
 *       adapts to the problem's scale; set them to reuse a tuned range across similar problems.
 *   <li>{@code schedule} (default {@code geometric}; or {@code linear}, {@code custom}): the shape
 *       of β over the sweeps, see {@link ScheduleType}. Geometric spends equal sweeps per decade of
 *       temperature, robust when the critical temperature is unknown; linear spends them cold.
 *   <li>{@code betas} (no default): a custom schedule, β values separated by ';' (e.g. {@code
 *       betas=0.1;0.5;2}), one per sweep; each must be positive and finite, the list non-empty. It
 *       implies {@code schedule=custom} and replaces {@code sweeps} and the β range (giving {@code
 *       sweeps} or {@code beta0}/{@code beta1} as well is an error).
 *   <li>{@code patience} (default 0 = off, ≥ 0): end a read early once its best energy has not
 *       improved (by more than 1e−9 relative) for this many consecutive sweeps; the result then has
 *       status CONVERGED. Saves time on easy problems, but a too small value stops reads during the
 *       hot phase, where the best energy stalls while the chain is still exploring.
 *   <li>{@code order} (default {@code sequential}; or {@code random}): see {@link SweepOrder}.
 *   <li>{@code lowrank} (default {@code auto}; or {@code dense}, {@code factored}): see {@link
 *       LowRankMode}.
 *   <li>{@code polish} (default true): after the schedule, zero-temperature sweeps from the read's
 *       best state until no single flip lowers the energy, so every returned state is a 1-flip
 *       local minimum whatever the cold end of the schedule. Costs a few sweeps; set false to study
 *       the raw Metropolis chain (the returned state is then the best one visited).
 *   <li>{@code restarts} (default 0 = automatic, ≥ 0): rounds of {@code reads} reads. Automatic is
 *       one round without a time limit and, with one, as many rounds as fit (anytime: later rounds
 *       run fresh streams {@code Seeds.forStream(seed, round·reads + r)} and the lowest {@code
 *       reads} states over all rounds are returned, status TIME_LIMIT). Each later round anneals
 *       over the same β range with twice the sweeps of the one before, or as many as fit in the
 *       time left ({@link dev.qama.cim.AnytimeSchedule}; a custom schedule is repeated as given).
 *       {@code restarts=1} makes a time limit a mere cap.
 *   <li>{@code threads} (default: available processors, ≥ 1): problems of a batch run in parallel;
 *       the reads of one problem run one after another on one thread. Results do not depend on it.
 * </ul>
 *
 * <h2>Reproducibility, limits</h2>
 *
 * Problem k uses the seed {@code request.problemSeed(k)} and read r the stream {@code
 * Seeds.forStream(problemSeed, r)} of a {@link SplittableRandom}, so results are bit-identical for
 * any thread count. The stop condition (time limit, cancellation, interrupt) is polled before every
 * sweep; on stop every read returns the best state it has seen (reads not yet started return their
 * initial state) with status TIME_LIMIT or INTERRUPTED.
 *
 * <p>Instances are immutable apart from their worker pool and thread-safe.
 */
public final class SimulatedAnnealing extends KernelBackend {
    /** The name this backend is registered under. */
    public static final String NAME = "sa";

    /** Default sweeps per read. */
    public static final int DEFAULT_SWEEPS = 1000;

    private static final OptionSpec SWEEPS =
            OptionSpec.ofInt("sweeps", DEFAULT_SWEEPS, 0, Integer.MAX_VALUE, "sweeps per read");
    private static final OptionSpec BETA0 =
            OptionSpec.ofPositive(
                    "beta0",
                    1,
                    Double.MAX_VALUE,
                    "hot inverse temperature (with beta1; default auto)");
    private static final OptionSpec BETA1 =
            OptionSpec.ofPositive(
                    "beta1",
                    1,
                    Double.MAX_VALUE,
                    "cold inverse temperature (with beta0; default auto)");
    private static final OptionSpec SCHEDULE =
            OptionSpec.ofChoice(
                    "schedule",
                    "geometric",
                    java.util.Arrays.stream(ScheduleType.values())
                            .map(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                            .toList(),
                    "shape of the beta schedule");
    private static final OptionSpec BETAS =
            OptionSpec.ofString("betas", null, "a custom schedule b1;b2;... (one beta per sweep)");
    private static final OptionSpec PATIENCE =
            OptionSpec.ofInt(
                    "patience",
                    0,
                    0,
                    Integer.MAX_VALUE,
                    "stop after this many sweeps without improvement; 0 disables");
    private static final OptionSpec ORDER =
            OptionSpec.ofChoice(
                    "order",
                    "sequential",
                    java.util.Arrays.stream(SweepOrder.values())
                            .map(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                            .toList(),
                    "spin visiting order");
    private static final OptionSpec LOWRANK =
            OptionSpec.ofChoice(
                    "lowrank",
                    "auto",
                    java.util.Arrays.stream(LowRankMode.values())
                            .map(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                            .toList(),
                    "low-rank coupling kernel");
    private static final OptionSpec POLISH =
            OptionSpec.ofBoolean("polish", true, "greedy descent of each read at the end");
    private static final OptionSpec RESTARTS =
            OptionSpec.ofInt(
                    "restarts",
                    "0 (auto)",
                    0,
                    Integer.MAX_VALUE,
                    "schedule runs; 0 = one, or as many as a time limit allows (each twice as long)");
    private static final OptionSpec THREADS =
            OptionSpec.ofInt("threads", "available processors", 1, 4096, "worker threads");

    /** The declared options {@link #fromOptions} accepts. */
    public static final List<OptionSpec> OPTIONS =
            List.of(
                    SWEEPS, BETA0, BETA1, SCHEDULE, BETAS, PATIENCE, ORDER, LOWRANK, POLISH,
                    RESTARTS, THREADS);

    /** The option keys {@link #fromOptions} accepts. */
    public static final Set<String> OPTION_KEYS = OptionSpec.keys(OPTIONS);

    private static final double IMPROVEMENT_TOLERANCE = 1e-9;

    private final int sweeps;
    private final BetaRange betaRange;
    private final ScheduleType scheduleType;
    private final double[] schedule;
    private final int patience;
    private final SweepOrder order;
    private final LowRankMode lowRank;
    private final boolean polish;
    private final int restarts;

    private SimulatedAnnealing(Builder b) {
        super(b.threads);
        this.sweeps = b.schedule != null ? b.schedule.length : b.sweeps;
        this.betaRange = b.betaRange;
        this.scheduleType = b.scheduleType;
        this.schedule = b.schedule;
        this.patience = b.patience;
        this.order = b.order;
        this.lowRank = b.lowRank;
        this.polish = b.polish;
        this.restarts = b.restarts;
    }

    /** A builder with every knob at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A backend with every knob at its default. */
    public static SimulatedAnnealing create() {
        return builder().build();
    }

    /**
     * A backend configured from string options (keys in {@link #OPTION_KEYS}; see the class
     * javadoc).
     *
     * @throws IllegalArgumentException on an unknown key or a bad value, quoting it
     */
    public static SimulatedAnnealing fromOptions(BackendOptions options) {
        options.requireOnly(OPTION_KEYS);
        Builder b = builder();
        b.optThreads(THREADS.intValue(options, defaultThreads()));
        b.optPatience(PATIENCE.intValue(options));
        b.optOrder(SweepOrder.parse(ORDER.stringValue(options), "order"));
        b.optLowRank(LowRankMode.parse(LOWRANK.stringValue(options), "lowrank"));
        b.optPolish(POLISH.booleanValue(options));
        b.optRestarts(RESTARTS.intValue(options, 0));
        String betas = options.getString("betas", null);
        String type = options.getString("schedule", null);
        boolean hasRange =
                options.asMap().containsKey("beta0") || options.asMap().containsKey("beta1");
        if (betas != null) {
            if (type != null && ScheduleType.parse(type, "schedule") != ScheduleType.CUSTOM) {
                throw new IllegalArgumentException(
                        "backend option betas=" + betas + " conflicts with schedule=" + type);
            }
            if (options.asMap().containsKey("sweeps") || hasRange) {
                throw new IllegalArgumentException(
                        "backend option betas="
                                + betas
                                + " sets the schedule itself; do not also give sweeps, beta0 or"
                                + " beta1");
            }
            b.optSchedule(parseBetas(betas));
            return b.build();
        }
        if (type != null) {
            ScheduleType t = ScheduleType.parse(type, "schedule");
            if (t == ScheduleType.CUSTOM) {
                throw new IllegalArgumentException(
                        "backend option schedule=custom needs betas=b1;b2;...");
            }
            b.optScheduleType(t);
        }
        b.optSweeps(SWEEPS.intValue(options));
        if (hasRange) {
            String h = options.getString("beta0", null);
            String c = options.getString("beta1", null);
            if (h == null || c == null) {
                throw new IllegalArgumentException(
                        "backend options beta0 and beta1 must be given together (got beta0="
                                + h
                                + ", beta1="
                                + c
                                + ")");
            }
            double hot = BETA0.doubleValue(options);
            double cold = BETA1.doubleValue(options);
            if (cold < hot) {
                throw new IllegalArgumentException(
                        "backend option beta1="
                                + c
                                + " is smaller than beta0="
                                + h
                                + " (the schedule must cool)");
            }
            b.optBetaRange(hot, cold);
        }
        return b.build();
    }

    static double[] parseBetas(String text) {
        String[] parts = text.trim().isEmpty() ? new String[0] : text.split(";");
        if (parts.length == 0) {
            throw new IllegalArgumentException(
                    "backend option betas='" + text + "' is empty; give b1;b2;... (positive)");
        }
        double[] out = new double[parts.length];
        for (int s = 0; s < parts.length; s++) {
            String p = parts[s].trim();
            try {
                out[s] = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "backend option betas: entry " + s + " '" + p + "' is not a number");
            }
        }
        return checkSchedule(out, "backend option betas");
    }

    static double[] checkSchedule(double[] betas, String where) {
        if (betas == null || betas.length == 0) {
            throw new IllegalArgumentException(where + ": the beta schedule is empty");
        }
        for (int s = 0; s < betas.length; s++) {
            if (!Double.isFinite(betas[s]) || betas[s] <= 0) {
                throw new IllegalArgumentException(
                        where + ": beta[" + s + "] = " + betas[s] + " must be positive and finite");
            }
        }
        return betas.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Sweeps per read (the custom schedule's length if one is set). */
    public int sweeps() {
        return sweeps;
    }

    /** The fixed β range, or null when it is derived per problem. */
    public BetaRange betaRange() {
        return betaRange;
    }

    /** The schedule shape. */
    public ScheduleType scheduleType() {
        return scheduleType;
    }

    /** The early-stopping patience in sweeps (0 = off). */
    public int patience() {
        return patience;
    }

    /** The sweep order. */
    public SweepOrder order() {
        return order;
    }

    /** The low-rank coupling mode. */
    public LowRankMode lowRank() {
        return lowRank;
    }

    /** Whether each read ends with a zero-temperature quench. */
    public boolean polish() {
        return polish;
    }

    /** Rounds of reads (0 = one without a time limit, as many as fit with one). */
    public int restarts() {
        return restarts;
    }

    /** The β of every sweep this backend runs on {@code problem}. */
    public double[] schedule(Problem problem) {
        if (scheduleType == ScheduleType.CUSTOM) {
            return schedule.clone();
        }
        BetaRange r = rangeFor(problem);
        return r == null ? new double[0] : ladder(r, sweeps);
    }

    /**
     * The β range of the geometric or linear schedule on {@code problem}, or null when there is
     * none to compute: a custom schedule, or no sweeps (the default range costs a pass over the
     * couplings).
     */
    private BetaRange rangeFor(Problem problem) {
        if (scheduleType == ScheduleType.CUSTOM || sweeps == 0) {
            return null;
        }
        return betaRange != null ? betaRange : BetaRange.defaultFor(problem);
    }

    /** {@code count} β values from r's hot end to its cold end, in this backend's shape. */
    private double[] ladder(BetaRange r, int count) {
        double[] out = new double[count];
        if (count == 1) {
            out[0] = r.cold();
            return out;
        }
        double ratio = r.cold() / r.hot();
        for (int s = 0; s < count; s++) {
            double f = (double) s / (count - 1);
            out[s] =
                    scheduleType == ScheduleType.GEOMETRIC
                            ? r.hot() * Math.pow(ratio, f)
                            : r.hot() + (r.cold() - r.hot()) * f;
        }
        out[count - 1] = r.cold();
        return out;
    }

    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        if (initial != null) {
            problem.energy(initial); // validates the warm start (masked bits included)
        }
        Kernel k = Kernels.create(problem, lowRank);
        // the range once: round 0's schedule and, with a time limit, the longer ones after it
        BetaRange range = k.free.length == 0 ? null : rangeFor(problem);
        double[] betas =
                range != null
                        ? ladder(range, sweeps)
                        : k.free.length == 0 ? new double[0] : schedule(problem);
        double quenchTol =
                polish && k.free.length > 0 ? 1e-12 * BetaRange.deltaBounds(problem)[0] : 0;
        boolean random = order == SweepOrder.RANDOM;
        byte[][] out = new byte[reads][];
        double[] kept = new double[reads];
        byte[] init = new byte[k.n];
        SolveStatus status = SolveStatus.COMPLETED;
        SolveStatus stopped = null;
        boolean anytime = restarts == 0 && stop.remaining() != null;
        int planned = restarts == 0 ? 1 : restarts;
        // anytime rounds after the first anneal longer and longer (AnytimeSchedule), on the same
        // β range; a custom schedule is repeated as it is
        boolean lengthen = anytime && range != null;
        long roundStart = System.nanoTime();
        for (int round = 0; round < planned || anytime; round++) {
            if (round > 0) {
                stopped = stop.reason();
                if (stopped != null) {
                    break;
                }
                if (lengthen) {
                    long now = System.nanoTime();
                    Duration left = stop.remaining();
                    int len =
                            AnytimeSchedule.next(
                                    sweeps,
                                    betas.length,
                                    now - roundStart,
                                    left == null ? -1 : left.toNanos());
                    roundStart = now;
                    if (len != betas.length) {
                        betas = ladder(range, len);
                    }
                }
            }
            for (int r = 0; r < reads; r++) {
                // round 0 runs streams 0..reads−1 (a solve without restarts); later rounds run
                // fresh streams, and a read replaces the worst kept one when it is lower
                int stream = round * reads + r;
                SplittableRandom rng = new SplittableRandom(Seeds.forStream(seed, stream));
                k.readStart(stream, initial, rng, init);
                if (stopped != null) {
                    if (round == 0) {
                        out[r] = init.clone();
                    }
                    continue;
                }
                k.start(init);
                double lastBest = k.bestEnergy;
                int since = 0;
                for (double beta : betas) {
                    SolveStatus why = stop.reason();
                    if (why != null) {
                        stopped = why;
                        break;
                    }
                    k.sweep(beta, rng, random);
                    if (patience > 0) {
                        double tol = IMPROVEMENT_TOLERANCE * Math.max(1, Math.abs(lastBest));
                        if (k.bestEnergy < lastBest - tol) {
                            lastBest = k.bestEnergy;
                            since = 0;
                        } else if (++since >= patience) {
                            status = status.worst(SolveStatus.CONVERGED);
                            break;
                        }
                    }
                }
                byte[] state;
                if (polish && stopped == null) {
                    k.start(k.bestState());
                    quench(k, quenchTol);
                    state = k.x.clone();
                } else {
                    state = k.bestState();
                }
                if (round == 0) {
                    out[r] = state;
                    kept[r] = planned > 1 || anytime ? problem.energy(state) : 0;
                } else {
                    int worst = 0;
                    for (int j = 1; j < reads; j++) {
                        worst = kept[j] > kept[worst] ? j : worst;
                    }
                    double en = problem.energy(state);
                    if (en < kept[worst]) {
                        out[worst] = state;
                        kept[worst] = en;
                    }
                }
            }
            if (stopped != null) {
                break;
            }
        }
        if (stopped != null) {
            status = status.worst(stopped);
        }
        return SolveResult.of(problem, out, status, seed);
    }

    /**
     * Zero-temperature sweeps in index order, flipping every free variable whose flip lowers the
     * energy by more than tol, until a sweep changes nothing: the state ends at a 1-flip local
     * minimum. Each flip lowers the energy by more than tol, so it terminates.
     */
    static void quench(Kernel k, double tol) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int v : k.free) {
                if (k.delta(v) < -tol) {
                    k.flip(v);
                    changed = true;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SimulatedAnnealing[sweeps="
                + sweeps
                + ", schedule="
                + scheduleType
                + (betaRange == null ? ", beta=default" : ", beta=" + betaRange)
                + ", patience="
                + patience
                + ", order="
                + order
                + ", lowrank="
                + lowRank
                + ", polish="
                + polish
                + ", restarts="
                + restarts
                + ", threads="
                + threads()
                + "]";
    }

    /** Builder: {@code optX} methods validate their argument and quote a bad value. */
    public static final class Builder {
        private int sweeps = DEFAULT_SWEEPS;
        private BetaRange betaRange;
        private ScheduleType scheduleType = ScheduleType.GEOMETRIC;
        private double[] schedule;
        private int patience;
        private SweepOrder order = SweepOrder.SEQUENTIAL;
        private LowRankMode lowRank = LowRankMode.AUTO;
        private boolean polish = true;
        private int restarts;
        private int threads = defaultThreads();

        private Builder() {}

        /** Sweeps per read, ≥ 0 (default 1000). */
        public Builder optSweeps(int sweeps) {
            if (sweeps < 0) {
                throw new IllegalArgumentException("sweeps must be >= 0, got " + sweeps);
            }
            this.sweeps = sweeps;
            return this;
        }

        /** A fixed β range (hot start, cold end) instead of the per-problem default. */
        public Builder optBetaRange(double hot, double cold) {
            this.betaRange = new BetaRange(hot, cold);
            return this;
        }

        /** Geometric (default) or linear; CUSTOM needs {@link #optSchedule}. */
        public Builder optScheduleType(ScheduleType type) {
            if (type == null) {
                throw new IllegalArgumentException("schedule type is null");
            }
            this.scheduleType = type;
            return this;
        }

        /**
         * A custom schedule: one β per sweep (copied), non-empty, each positive and finite; sets
         * the schedule type to CUSTOM and overrides sweeps and the β range.
         */
        public Builder optSchedule(double[] betas) {
            this.schedule = checkSchedule(betas, "custom schedule");
            this.scheduleType = ScheduleType.CUSTOM;
            return this;
        }

        /** Early-stopping patience in sweeps, ≥ 0 (default 0 = off). */
        public Builder optPatience(int patience) {
            if (patience < 0) {
                throw new IllegalArgumentException(
                        "patience must be >= 0 (0 = off), got " + patience);
            }
            this.patience = patience;
            return this;
        }

        /** Sequential (default) or random proposal order. */
        public Builder optOrder(SweepOrder order) {
            if (order == null) {
                throw new IllegalArgumentException("sweep order is null");
            }
            this.order = order;
            return this;
        }

        /** How low-rank couplings are handled (default AUTO). */
        public Builder optLowRank(LowRankMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("low-rank mode is null");
            }
            this.lowRank = mode;
            return this;
        }

        /** Whether each read ends with a zero-temperature quench (default true). */
        public Builder optPolish(boolean polish) {
            this.polish = polish;
            return this;
        }

        /**
         * Rounds of {@code reads} reads, ≥ 0 (default 0 = automatic: one round without a time
         * limit, as many as fit with one — anytime). Later rounds run fresh random streams and keep
         * the lowest {@code reads} states over all rounds.
         */
        public Builder optRestarts(int restarts) {
            if (restarts < 0) {
                throw new IllegalArgumentException(
                        "restarts must be >= 0 (0 = automatic), got " + restarts);
            }
            this.restarts = restarts;
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
        public SimulatedAnnealing build() {
            if (scheduleType == ScheduleType.CUSTOM && schedule == null) {
                throw new IllegalArgumentException(
                        "schedule type custom needs a schedule (optSchedule)");
            }
            if (scheduleType != ScheduleType.CUSTOM && schedule != null) {
                throw new IllegalArgumentException(
                        "a custom schedule was given but the schedule type is " + scheduleType);
            }
            return new SimulatedAnnealing(this);
        }
    }
}
