package dev.qama.cim.sb;

import dev.qama.cim.AnytimeSchedule;
import dev.qama.cim.ReplicaTracker;
import dev.qama.cim.kernel.SbStepper;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.cim.kernel.Updates;
import dev.qama.cim.sa.SimulatedAnnealing;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.SplittableRandom;

/**
 * Simulated bifurcation (SB): Goto, Tatsumura, Dixon, "Combinatorial optimization by simulating
 * adiabatic bifurcations in nonlinear Hamiltonian systems", Sci. Adv. 5, eaav2372 (2019); and Goto
 * et al., "High-performance combinatorial optimization based on classical mechanics", Sci. Adv. 7,
 * eabe7953 (2021), which introduced the ballistic (bSB) and discrete (dSB) variants implemented
 * here.
 *
 * <p>Each spin v has a position x_v and a momentum y_v; with the pump p(t) ramping linearly from 0
 * to a0 and g the gradient of the spin-form energy (g = h + J·x in this library's convention E = c
 * + hᵀs + ½ sᵀJs), one step is
 *
 * <pre>
 *   y ← y + (−(a0 − p)·x − ξ0·g)·dt
 *   x ← x + a0·y·dt
 *   where |x| &gt; 1: x ← sign(x), y ← 0        (perfectly inelastic walls)
 * </pre>
 *
 * with g evaluated at x (ballistic) or at sign(x) (discrete). The linear terms h enter the gradient
 * directly as a field, scaled by the same ξ0. The R replicas (at least the requested reads) run as
 * columns of one n×R matrix so the coupling product is a GEMM. Every {@code evalInterval} steps the
 * sign read-out s = sign(x) is scored with the gradient at s (E = c + ½ Σ s(h + g), no extra pass
 * over J for dSB) and each replica's best state is kept; the returned states are these bests.
 *
 * <p>Binary models are solved in spin form and converted back; attention problems use the
 * structured kernel of {@link dev.qama.cim.kernel.SpinSystem}, with masked bits fixed at 0. The
 * solve is deterministic for a given seed (one {@link SplittableRandom} for the whole replica
 * block).
 *
 * <p>Anytime behaviour: with {@code restarts} = 0 (the default) and a time limit, the pump schedule
 * is run again and again (new random amplitudes, the RNG stream continues) until the limit is
 * reached, each completed run polished, and the best states seen are returned (status TIME_LIMIT);
 * with the variant {@code auto}, these extra runs alternate discrete and ballistic SB, and on
 * binary quadratic models every other extra run is a simulated-annealing run of growing length
 * (1000, 2000, 4000, ... sweeps or what fits, see {@link AnytimeSchedule}): on large sparse graphs
 * SB's runs level off where a long anneal still improves. Without a time limit one run is made, so
 * a seed gives the same result as with {@code restarts=1}; a limit too short for one run returns
 * the best states read out so far.
 *
 * <p>After the run, each replica's best state goes through a greedy single-flip descent (at most
 * {@link SbConfig#polishRounds()} flips, one batched product per round), which removes the spins a
 * finite run leaves against their field.
 */
public final class SimulatedBifurcation {
    /** The SB variant. */
    public enum Variant {
        /** bSB: the coupling force uses the continuous positions x. */
        BALLISTIC,
        /** dSB: the coupling force uses sign(x), which escapes shallow local minima better. */
        DISCRETE,
        /**
         * Ballistic for the first run (the better or equal variant on both attention workloads and
         * on binary quadratic models in this module's measurements, see {@link
         * SbConfig#variant()}); anytime runs beyond the planned ones alternate discrete and
         * ballistic and, on binary quadratic models, with annealing runs of growing length.
         */
        AUTO;

        /** The variant used for {@code problem}. */
        public Variant resolve(Problem problem) {
            if (this != AUTO) {
                return this;
            }
            return BALLISTIC;
        }
    }

    private final SbConfig config;

    /** A solver with the given knobs. */
    public SimulatedBifurcation(SbConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("SB config is null");
        }
        this.config = config;
    }

    /** The knobs. */
    public SbConfig config() {
        return config;
    }

    /**
     * The automatic ξ0 of a spin system: 0.5·√(n−1)/√(Σ_{i≠j} J_ij²) (Goto et al.); if J is zero,
     * the linear terms take its place (2·Σ h²); 1 if both are zero.
     *
     * <p>Counting the linear terms in the norm as well (as couplings to an auxiliary spin) was
     * measured worse on paper-v2 attention problems, whose fields dominate (Σh² ≈ 4.7·ΣJ²): it
     * makes ξ0 3.2× smaller, and 100-step bSB runs ended at mean energy −569.3 against −575.0 with
     * this formula (32 problems; best of 32 replicas × 3000 steps: −576.6).
     */
    public static double autoXi0(SpinSystem system) {
        double norm = system.couplingSquares();
        if (!(norm > 0)) {
            norm = 2 * system.linearSquares();
        }
        if (!(norm > 0)) {
            return 1.0;
        }
        return 0.5 * Math.sqrt(Math.max(1, system.size() - 1)) / Math.sqrt(norm);
    }

    /**
     * The share of the problem's own couplings in ΣJ² (the rest being the cross-head penalty) at
     * and above which attention problems keep Goto's ξ0 and {@link SbConfig#ATTENTION_STEPS}.
     */
    static final double OWN_SHARE_REFERENCE = 0.4;

    /** The largest {@link #attentionScale}. */
    static final double MAX_ATTENTION_SCALE = 2.0;

    /**
     * How much the automatic ξ0 and step count of an attention problem grow when its cross-head
     * penalty dominates its couplings: s = clamp(∛(0.4 / share), 1, 2), share = 1 − (penalty part
     * of ΣJ²) / ΣJ²; 1 for other systems.
     *
     * <p>Why: the pump bifurcates a mode of J with eigenvalue λ &lt; 0 once p &gt; a0 − ξ0·|λ|.
     * When the heads' own couplings are weak against the penalty (the authors' initialisation, d =
     * 32, D = 256: share 0.07; this library's layer, d = 8: 0.40), Goto's ξ0, set by the
     * penalty-dominated ΣJ², makes the heads bifurcate late in the ramp. Measured on 128 generated
     * problems of each (seed 11, 2 replicas, ballistic): authors' workload, 100 steps, ξ0 auto
     * (0.16) 2.04 % mean gap to the reference, 0.2 1.57 %, 0.3 1.25 %, 0.45 3.3 %, 0.6 6.8 %; the
     * project's workload, auto (0.13) 0.66 %, 0.2 0.77 %, 0.3 1.20 %. The cube root puts the
     * authors' problems at s = 1.78 (ξ0 ≈ 0.29) and leaves the project's at 1. The automatic step
     * count grows as s^1.2 (200 steps for the authors' problems: with ξ0 = 0.3, 100 steps gave 1.25
     * %, 150 steps 1.08 %, 200 steps 0.95 %).
     */
    public static double attentionScale(SpinSystem system) {
        double total = system.couplingSquares();
        double penalty = system.penaltySquares();
        if (!(total > 0) || !(penalty > 0)) {
            return 1.0;
        }
        double share = Math.max(1 - penalty / total, 1e-6);
        return Math.min(MAX_ATTENTION_SCALE, Math.max(1.0, Math.cbrt(OWN_SHARE_REFERENCE / share)));
    }

    /**
     * The {@link #attentionScale} at and above which ballistic SB runs one replica per read on an
     * attention problem (when {@code replicas} is automatic) instead of {@link
     * SbConfig#ATTENTION_REPLICAS}: s ≥ 1.5 means the heads' own couplings make at most 12 % of ΣJ²
     * (the authors' workload: 7 %), so the fields and the cross-head penalty drive every replica
     * the same way from amplitudes of ±0.1, and the second replica ends in the first one's state.
     * Measured (64 problems each, mean gap with the group polish, 2 replicas / 1 replica): authors'
     * workload d = 32 seed 1 0.940 / 0.940 %, seed 2 1.037 / 1.037 %, d = 16 1.038 / 1.031 %, at
     * about half the time; this project's workload (share 0.40, s = 1) d = 8 0.677 / 0.894 %, d =
     * 32 1.136 / 1.371 %, so below the threshold two replicas stay. Rechecked on the CLI with the
     * read-out interval 20 ({@code qama bench attention --seed S}, references sb:steps=2000,
     * bsb:steps=2000, sa:sweeps=1000 × 20 reads; docs/benchmarks.md "Issue 15, third pass"): the
     * project's workload with two / one replica 0.627 / 0.855 % (seed 1), 0.683 / 0.896 % (seed 2),
     * 1.038 / 1.274 % (seed 3), one replica saving 25–40 % of the time.
     */
    static final double SINGLE_REPLICA_SCALE = 1.5;

    /**
     * The replicas a solve runs: {@code reps} ({@link SbConfig#replicasFor}), or one per read for
     * ballistic SB with automatic replicas on an attention problem whose {@link #attentionScale} is
     * at least {@link #SINGLE_REPLICA_SCALE}.
     */
    static int replicasUsed(SbConfig config, Problem problem, int reads, int reps, double scale) {
        if (problem instanceof dev.qama.core.attention.AttentionProblem
                && config.replicas() == 0
                && reads < reps
                && scale >= SINGLE_REPLICA_SCALE
                && config.variant().resolve(problem) == Variant.BALLISTIC) {
            // field-dominated attention problems: the extra replica retraces the first one
            return reads;
        }
        return reps;
    }

    /** Power iterations of the step-size cap. */
    private static final int POWER_ITERATIONS = 30;

    /**
     * The step used for a binary quadratic model: the configured dt, capped at 1.8/ω_max with ω_max
     * = √(a0·(a0 + ξ0·ρ(J))), ρ estimated by power iteration. The symplectic update is unstable for
     * ω·dt ≥ 2, and graphs whose couplings share a sign have a large Perron eigenvalue (G1: ρ ≈ 48,
     * so ω·dt = 2.1 at dt = 1): there the amplitudes oscillate into the walls instead of
     * bifurcating (G1 cut 10 249 at dt = 1, 11 623 at dt = 0.8; best known 11 624). Attention
     * problems keep the configured dt: the power iteration would cost a third of a 100-step solve,
     * and dt = 1 measured well on them.
     */
    private double stableDt(Problem problem, SpinSystem sys, double xi, float[] v, float[] g) {
        double dt = config.dt();
        if (problem instanceof dev.qama.core.attention.AttentionProblem) {
            return dt;
        }
        double rho = sys.spectralRadius(v, g, POWER_ITERATIONS);
        double a0 = config.a0();
        double omega = Math.sqrt(a0 * (a0 + xi * rho));
        return omega > 0 ? Math.min(dt, 1.8 / omega) : dt;
    }

    /**
     * Solves one problem.
     *
     * @param problem a BinaryQuadraticModel or an AttentionProblem
     * @param seed the seed of this problem
     * @param reads states to return (≥ 1)
     * @param stop polled every step; when it says stop the best states so far are returned
     */
    public SolveResult solve(Problem problem, long seed, int reads, StopCondition stop) {
        return solve(problem, seed, reads, null, stop);
    }

    /**
     * Solves one problem from a warm start: read 0's first run starts with its amplitudes along
     * {@code initial} (x = ±{@link SbConfig#initAmplitude()}, the sign of each spin's value) and
     * counts {@code initial} as its first read-out, so the returned best state is never worse than
     * the warm start; the other replicas and later runs start as without one.
     *
     * @param problem a BinaryQuadraticModel or an AttentionProblem
     * @param seed the seed of this problem
     * @param reads states to return (≥ 1)
     * @param initial the warm start (a state of the problem, masked bits at their low value), or
     *     null for none
     * @param stop polled every step; when it says stop the best states so far are returned
     * @throws IllegalArgumentException if {@code initial} is not a state of {@code problem}
     */
    public SolveResult solve(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        if (reads < 1) {
            throw new IllegalArgumentException("reads must be >= 1, got " + reads);
        }
        if (initial != null) {
            problem.energy(initial); // validates the warm start (length, values, masked bits)
        }
        int reps = config.replicasFor(problem, reads);
        if (problem.numVariables() == 0) {
            byte[][] empty = new byte[reads][0];
            return SolveResult.of(problem, empty, SolveStatus.COMPLETED, seed);
        }
        dev.qama.cim.kernel.Kernels.Mode mode =
                dev.qama.cim.kernel.Kernels.resolve(config.kernel(), problem);
        SpinSystem sys = SpinSystem.of(problem, reps, mode);
        boolean attention = problem instanceof dev.qama.core.attention.AttentionProblem;
        double scale = attention ? attentionScale(sys) : 1.0;
        int used = replicasUsed(config, problem, reads, reps, scale);
        if (used != reps) {
            reps = used;
            sys = sys.withReplicas(reps); // shares the coupling data built above
        }
        int n = sys.size();
        float[] scratch = new float[n * reps];
        float[] scratch2 = new float[n * reps];
        // coupling scale ξ0
        float xi = (float) (config.xi0() > 0 ? config.xi0() : scale * autoXi0(sys));
        float dt = (float) stableDt(problem, sys, xi, scratch, scratch2);
        int steps =
                config.stepsWith(
                        config.steps() > 0
                                ? config.steps()
                                : (int) Math.round(config.stepsFor(problem) * Math.pow(scale, 1.2)),
                        initial != null);
        Dynamics dyn =
                new Dynamics(
                        sys,
                        reps,
                        scratch,
                        scratch2,
                        (float) config.a0(),
                        xi,
                        dt,
                        steps,
                        config.evalIntervalFor(problem),
                        config.patience(),
                        Updates.useVector(mode));
        ReplicaTracker tracker = dyn.tracker;
        float[] warm =
                initial == null ? null : tracker.warmStart(sys, initial, dyn.s, dyn.g, dyn.e);
        SplittableRandom rng = new SplittableRandom(seed);
        float amp = (float) config.initAmplitude();
        boolean resolved = config.variant().resolve(problem) == Variant.DISCRETE;
        boolean discrete = resolved;
        SolveStatus status = SolveStatus.COMPLETED;
        boolean anytime = config.anytime(stop);
        int planned = config.runsPlanned();
        // auto's anytime portfolio on binary quadratic models: every other extra run is an
        // annealing run of growing length (PortfolioAnneals), the SB runs between them alternate
        // the two variants
        PortfolioAnneals anneals =
                anytime && config.variant() == Variant.AUTO && !attention
                        ? new PortfolioAnneals(problem, seed)
                        : null;
        int extraSb = 0;
        for (int run = 0; run < planned || anytime; run++) {
            if (run > 0 && stop.shouldStop()) {
                break;
            }
            if (anneals != null && run >= planned && (run - planned) % 2 == 0) {
                anneals.run(stop);
                continue;
            }
            if (anytime && run >= planned && config.variant() == Variant.AUTO) {
                // anytime runs beyond the planned ones alternate the two variants: a portfolio
                // (on generated sparse graphs dSB cut more, on dense random ones bSB as much)
                discrete = (extraSb++ % 2 == 0) != resolved;
            }
            dyn.start(rng, amp, run == 0 ? warm : null);
            status = dyn.run(discrete, stop);
            if (status == SolveStatus.TIME_LIMIT || status == SolveStatus.INTERRUPTED) {
                break;
            }
            if (anytime && config.polishRounds() > 0) {
                // polish every completed run while there is time: after the deadline the final
                // polish below would be skipped, and the first run alone then returns what a
                // solve without a limit returns
                dyn.polish(config.polishRounds(), stop);
            }
        }
        SolveStatus reason = stop.reason();
        if (reason != null) {
            status = status.worst(reason);
        }
        if (!anytime && config.polishRounds() > 0) {
            dyn.polish(config.polishRounds(), stop);
        }
        byte[][] states = tracker.states(sys, reads);
        if (anneals != null) {
            anneals.offer(states);
        }
        return SolveResult.of(problem, states, status, seed);
    }

    /**
     * The annealing runs of {@link Variant#AUTO}'s anytime portfolio on a binary quadratic model:
     * simulated annealing ({@link SimulatedAnnealing}, its default β range and geometric schedule,
     * one read, one thread) of 1000 sweeps, then twice as many each time or what fits in the time
     * left ({@link AnytimeSchedule}), each from a fresh random state on its own seed stream. On
     * large sparse graphs SB's runs level off below what a long anneal reaches (docs/benchmarks.md
     * "Anytime solves of large sparse instances"); on the others, SB's runs keep half the turns.
     */
    static final class PortfolioAnneals {

        private final Problem problem;
        private final long seed;
        private int sweeps;
        private long lastNanos;
        private int count;
        private byte[] best;
        private double bestEnergy = Double.POSITIVE_INFINITY;

        PortfolioAnneals(Problem problem, long seed) {
            this.problem = problem;
            this.seed = seed;
        }

        /** One annealing run within the time {@code stop} leaves; keeps its state if lowest. */
        void run(StopCondition stop) {
            java.time.Duration left = stop.remaining();
            if (left != null && (left.isZero() || left.isNegative())) {
                return; // the deadline passed since the loop looked (a zero limit is invalid)
            }
            sweeps =
                    count == 0
                            ? ANNEAL_FIRST_SWEEPS
                            : AnytimeSchedule.next(
                                    ANNEAL_FIRST_SWEEPS,
                                    sweeps,
                                    lastNanos,
                                    left == null ? -1 : left.toNanos());
            long t0 = System.nanoTime();
            SolveResult r;
            try (SimulatedAnnealing sa =
                    SimulatedAnnealing.builder()
                            .optSweeps(sweeps)
                            .optRestarts(1)
                            .optThreads(1)
                            .build()) {
                SolveRequest.Builder q =
                        SolveRequest.builder(java.util.List.of(problem))
                                .seed(Seeds.forStream(seed, ANNEAL_STREAMS + count))
                                .cancellation(stop.cancellation());
                if (left != null) {
                    q.timeLimit(left);
                }
                r = sa.solve(q.build()).get(0);
            }
            lastNanos = System.nanoTime() - t0;
            count++;
            if (r.bestEnergy() < bestEnergy) {
                bestEnergy = r.bestEnergy();
                best = r.best();
            }
        }

        /** Puts the lowest annealed state in place of the worst of {@code states} if lower. */
        void offer(byte[][] states) {
            if (best == null) {
                return;
            }
            int worst = 0;
            double worstEnergy = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < states.length; k++) {
                double e = problem.energy(states[k]);
                if (e > worstEnergy) {
                    worstEnergy = e;
                    worst = k;
                }
            }
            if (bestEnergy < worstEnergy) {
                states[worst] = best;
            }
        }
    }

    /** Sweeps of the portfolio's first annealing run (SA's default schedule length). */
    static final int ANNEAL_FIRST_SWEEPS = 1000;

    /**
     * Annealing run j of the portfolio runs on the seed {@code Seeds.forStream(seed, ANNEAL_STREAMS
     * + j)}, apart from any stream of the SB runs.
     */
    static final long ANNEAL_STREAMS = 1L << 40;

    /**
     * The SB dynamics of one solve: the amplitudes x, momenta y and workspaces (n×R, row-major),
     * the schedule, and the tracker of the best read-outs.
     *
     * <p>Why a class of its own: the step loops are the code the JIT must compile well, and they
     * live here in small methods (one per step engine), apart from the set-up and result code of
     * {@link #solve}. Compiled inside one large solve method (1 228 bytes of bytecode, 6 kB more
     * inlined), every compilation of the loop (on-stack replacement, then the normal one, then a
     * recompilation whenever a profile of the set-up or read-out code changed) also recompiled all
     * of that code: four C2 compilations of 1.6–2.7 s each in one {@code qama train} run.
     */
    private static final class Dynamics {
        final SpinSystem sys;
        final SbStepper stepper; // null: the generic gradient + update path
        final ReplicaTracker tracker;
        final float[] x;
        final float[] y;
        final float[] g;
        final float[] s;
        final double[] e;
        final int[] free;
        final int[] runs;
        final int reps;
        final int len;
        final float a0;
        final float xi;
        final float dt;
        final int steps;
        final int interval;
        final int patience;
        final boolean vector;

        /**
         * @param x n×R workspace that becomes the amplitudes
         * @param g n×R workspace that becomes the gradient
         */
        Dynamics(
                SpinSystem sys,
                int reps,
                float[] x,
                float[] g,
                float a0,
                float xi,
                float dt,
                int steps,
                int interval,
                int patience,
                boolean vector) {
            this.sys = sys;
            this.stepper = sys.sbStepper();
            this.reps = reps;
            this.len = sys.size() * reps;
            this.tracker = new ReplicaTracker(sys.size(), reps);
            this.x = x;
            this.y = new float[len];
            this.g = g;
            this.s = new float[len];
            this.e = new double[reps];
            this.free = sys.freeSpins();
            this.runs = sys.freeRuns();
            this.a0 = a0;
            this.xi = xi;
            this.dt = dt;
            this.steps = steps;
            this.interval = interval;
            this.patience = patience;
            this.vector = vector;
        }

        /**
         * Random initial amplitudes and momenta in [−amp, amp] for the free spins (fixed ones at x
         * = −1, y = 0); with {@code warm}, read 0 starts along it.
         */
        void start(SplittableRandom rng, float amp, float[] warm) {
            int r = reps;
            java.util.Arrays.fill(x, -1f);
            java.util.Arrays.fill(y, 0f);
            for (int v : free) {
                int o = v * r;
                for (int c = 0; c < r; c++) {
                    x[o + c] = (float) ((2 * rng.nextDouble() - 1) * amp);
                    y[o + c] = (float) ((2 * rng.nextDouble() - 1) * amp);
                }
                if (warm != null) {
                    x[o] = warm[v] * amp;
                }
            }
            if (stepper != null) {
                stepper.load(x, y);
            }
        }

        /**
         * One run of the pump schedule from the amplitudes of {@link #start}, then the read-out of
         * the final signs; returns COMPLETED, CONVERGED (early stop) or the stop's reason.
         */
        SolveStatus run(boolean discrete, StopCondition stop) {
            SolveStatus status;
            if (stepper != null) {
                status = fusedSteps(discrete, stop);
                stepper.signsAndGradient(s, g); // x and y stay in the engine
            } else {
                status = genericSteps(discrete, stop);
                Updates.sign(vector, x, s, len);
                sys.gradient(s, g);
            }
            sys.energies(s, g, e);
            tracker.update(s, e);
            return status;
        }

        /** The step loop with the system's fused step engine. */
        private SolveStatus fusedSteps(boolean discrete, StopCondition stop) {
            for (int step = 0; step < steps; step++) {
                SolveStatus reason = stop.reason();
                if (reason != null) {
                    return reason;
                }
                boolean eval = step % interval == 0;
                // fused: read-out (if eval) at the signs before the step, then the step (in the
                // same pass, so an early stop below comes after that step; the final read-out
                // then sees its result)
                float pump = a0 * (step + 1) / steps;
                stepper.step(discrete, eval, a0 - pump, xi, dt, a0, e);
                if (eval && fusedReadOut(step)) {
                    return SolveStatus.CONVERGED;
                }
            }
            return SolveStatus.COMPLETED;
        }

        /** Records the read-out of a fused step; true if the run has converged. */
        private boolean fusedReadOut(int step) {
            // the state is only read where some replica improved (update reads s only for those
            // replicas)
            if (tracker.improves(e)) {
                stepper.readOut(s);
            }
            tracker.update(s, e);
            return converged(tracker, patience, step, steps);
        }

        /** The step loop with {@link SpinSystem#gradient} and {@link Updates#ballistic}. */
        private SolveStatus genericSteps(boolean discrete, StopCondition stop) {
            for (int step = 0; step < steps; step++) {
                SolveStatus reason = stop.reason();
                if (reason != null) {
                    return reason;
                }
                boolean eval = step % interval == 0;
                if (discrete || eval) {
                    Updates.sign(vector, x, s, len);
                    sys.gradient(s, g);
                    if (eval) {
                        sys.energies(s, g, e);
                        tracker.update(s, e);
                        if (converged(tracker, patience, step, steps)) {
                            return SolveStatus.CONVERGED;
                        }
                    }
                }
                if (!discrete) {
                    sys.gradient(x, g);
                }
                float pump = a0 * (step + 1) / steps;
                float damp = a0 - pump;
                for (int k = 0; k < runs.length; k += 2) {
                    Updates.ballistic(
                            vector, x, y, g, runs[k] * reps, runs[k + 1] * reps, damp, xi, dt, a0);
                }
            }
            return SolveStatus.COMPLETED;
        }

        /**
         * The greedy descent of each replica's best state (see {@link
         * ReplicaTracker#descendFromBest}); s and g hold the run's last read-out and its gradient.
         */
        void polish(int rounds, StopCondition stop) {
            tracker.descendFromBest(sys, s, g, e, rounds, stop);
        }
    }

    /**
     * Early stop: no replica improved for {@code patience} read-outs. Amplitudes barely move before
     * the bifurcation, so read-outs repeat then: patience only counts in the second half of the
     * ramp.
     */
    private static boolean converged(ReplicaTracker tracker, int patience, int step, int steps) {
        return patience > 0 && 2 * step >= steps && tracker.staleRounds() >= patience;
    }
}
