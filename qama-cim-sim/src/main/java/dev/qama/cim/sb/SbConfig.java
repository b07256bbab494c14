package dev.qama.cim.sb;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The knobs of {@link SimulatedBifurcation}, validated on construction (messages quote the bad
 * value). Backend option keys are given in brackets.
 *
 * @param variant [{@code variant}] ballistic, discrete or auto (the default of {@code "sb"}):
 *     ballistic, with anytime runs beyond the planned ones alternating discrete and ballistic, and
 *     on binary quadratic models with annealing runs (see {@link
 *     SimulatedBifurcation.Variant#AUTO}). Earlier measurements: on 128 paper-v2 problems (H = 8, N
 *     = 49) at 100 steps, mean best energy with 2 replicas dSB −588.85 vs bSB −588.75, with 3
 *     replicas −591.18 vs −589.46 (1 replica: −586.65 vs −587.30); on G22 with one read and 1000
 *     steps bSB cuts 13306, dSB 13255 (both 13326–13334 with 32 replicas). On the CLI's attention
 *     workload ({@code qama bench attention}, B = 128) the two are equal within noise (mean energy
 *     dSB / bSB: seed 1 −632.13 / −632.35, seed 2 −633.44 / −633.96, seed 3 −606.25 / −605.93) and
 *     dSB costs ~6 % less (no extra product per read-out); on the authors' workload dSB at 200
 *     steps is far worse (1.48 % mean gap against 0.94 %, seed 1).
 * @param steps [{@code steps}] time steps of the pump ramp; 0 (default) means automatic: 1000 (Goto
 *     et al.) for binary quadratic models and, for attention problems, which sit inside every
 *     forward pass, {@value #ATTENTION_STEPS} from {@value #ATTENTION_FULL_TOKENS} unmasked tokens
 *     up and half that at {@value #ATTENTION_HALF_TOKENS} and fewer (see {@link #attentionSteps};
 *     the digits model's N = 16 problems lost nothing at 50 steps). More steps give a slower, more
 *     adiabatic bifurcation and lower energies, at linear cost. Measured on 32 paper-v2 problems (H
 *     = 8, N = 49, bSB, mean best energy): 100 steps −573.3, 200 steps −574.1, 1000 steps −575.3; 2
 *     replicas × 100 steps −576.4 (so at equal cost, replicas beat steps).
 * @param dt [{@code dt}] time step, default 1 (the papers use 0.5–1.25). For binary quadratic
 *     models it is capped where the symplectic update would turn unstable (see {@link
 *     SimulatedBifurcation}: 1.8/√(a0·(a0 + ξ0·ρ(J)))). Larger steps reach the walls sooner with
 *     fewer steps but skip over structure; smaller steps need more steps for the same ramp.
 * @param a0 [{@code a0}] the detuning a0 (also the final pump value and the x-update factor),
 *     default 1 as in the papers; the pump ramps linearly from 0 to a0.
 * @param xi0 [{@code xi0}] coupling scale ξ0; 0 (default) means automatic: 0.5·√(n−1)/√(Σ J_ij²)
 *     over ordered pairs (Goto et al.'s 0.5/(σ√n); see {@link SimulatedBifurcation#autoXi0}). Too
 *     large freezes early into poor states, too small bifurcates late.
 * @param initAmplitude [{@code init-amplitude}] initial x and y are uniform in ±this, default 0.1;
 *     it seeds the symmetry breaking of each replica (different replicas, different outcomes).
 * @param evalInterval [{@code eval-interval}] read out sign(x) and record energies every this many
 *     steps (and after the last); 0 (default) means automatic: {@value #DEFAULT_EVAL_INTERVAL}, and
 *     {@value #ATTENTION_EVAL_INTERVAL} for attention problems. Ballistic SB pays one extra
 *     coupling product per read-out; discrete SB gets it free. Smaller intervals catch more
 *     transient good states, but on attention problems the best read-out is almost always the last
 *     one (then polished). Mean gap of {@code qama bench attention} (references sb:steps=2000,
 *     bsb:steps=2000, sa:sweeps=1000, 20 reads) at intervals 5 / 20 / 50: the project's workload (d
 *     = 8) seed 1 0.629 / 0.627 / 0.627 %, seed 2 0.684 / 0.683 / 0.683 %, seed 3 1.039 / 1.038 /
 *     1.039 %; the authors' (d = 32) seed 1 0.919 % at all three, seed 2 0.858 / 0.864 / 0.866 %,
 *     seed 3 0.889 / 0.889 / 0.885 %; at 20 ballistic SB makes 105 instead of 120 passes over the
 *     couplings per 100 steps. Reading out only at the first step and after the last one ({@code
 *     eval-interval} ≥ steps) measured the same quality (mean gap, seeds 1 / 2 / 3: N = 16 0.856 /
 *     0.794 / 0.679 % against 0.856 / 0.796 / 0.679 %, N = 49 0.627 / 0.683 / 1.039 % against 0.627
 *     / 0.683 / 1.038 %, the authors' 0.918 / 0.866 / 0.884 % against 0.919 / 0.864 / 0.889 %) for
 *     about 4 % less CPU per batch, but it changes seeded results, so the default stays
 *     (docs/benchmarks.md "Attention solve cost").
 * @param patience [{@code patience}] stop early once the best energy over all replicas has not
 *     improved for this many read-outs (status CONVERGED), checked only in the second half of the
 *     pump ramp (before the bifurcation the read-outs barely change: with the check from the start,
 *     a patience of 5–20 read-outs stopped every attention run within the first 10 % of the ramp,
 *     at mean energy −561 to −563 instead of −575); 0 disables, default 0. Stopping before the ramp
 *     ends trades quality for time.
 * @param replicas [{@code replicas}] trajectories run side by side (a GEMM over replicas); 0
 *     (default) means automatic: one per requested read, and at least {@value #ATTENTION_REPLICAS}
 *     for attention problems (see steps) and for the discrete variant (a single dSB replica freezes
 *     a domain wall on a 16-spin ferromagnetic chain in about one run of 20), except that ballistic
 *     SB on attention problems whose own couplings are weak against the cross-head penalty runs one
 *     per read (see {@code SimulatedBifurcation.SINGLE_REPLICA_SCALE}: there the second replica
 *     retraced the first). More replicas than reads keeps the best reads. One replica with ξ0 set
 *     from the spectral radius instead (ξ0 = 1.2/ρ̂(J), ρ̂ by 20 power iterations) reached the
 *     quality of two on this library's layer (d = 8, N = 49, mean gap two replicas / one at the
 *     spectral ξ0: 0.627 / 0.795 %, 0.683 / 0.787 %, 1.038 / 0.928 % on seeds 1–3) but the power
 *     iteration cost what the replica saved (one-thread CPU per batch of 128: 54.4 ms with two
 *     replicas, 61.6 ms with one and the estimate): not adopted (docs/benchmarks.md "Issue 15,
 *     fourth pass").
 * @param polishRounds [{@code polish-rounds}] after the run, each replica's best state goes through
 *     a greedy single-flip descent of at most this many flips (one batched product per round),
 *     default 50; 0 disables. It removes the few spins a finite-length run leaves on the wrong side
 *     of their field, for far less than the cost of more steps. On attention problems each round
 *     instead reassigns one token's bits over all heads exactly (the cross-head penalty makes
 *     moving a selection from one head to another a two-flip move that single flips cannot make):
 *     on the authors' workload (seeds 1 and 2, 64 problems each) the mean gap went from 1.04 to
 *     0.94 % and from 1.21 to 1.04 %, on this project's from 0.70 to 0.68 %.
 * @param restarts [{@code restarts}] how many times the whole pump schedule is run, each from new
 *     random amplitudes (the RNG stream continues), keeping each replica's best state over all
 *     runs; 0 (default) means automatic: one run without a time limit, and as many as fit with one
 *     (anytime: every completed run is polished, the run in progress at the deadline is cut short,
 *     the best states seen are returned). A positive value is a fixed count, so {@code restarts=1}
 *     makes a time limit a mere cap. (A time limit with a huge step count is a poor idea: the ramp
 *     never completes.)
 * @param warmRamp [{@code warm-ramp}] the share of the step count, in (0, 1], that each run of a
 *     solve given a warm start ({@code SolveRequest.initialStates}) makes, at least one step;
 *     default 1 (the full ramp). A warm start from a state near the optimum (a training sample's
 *     selection from its previous pass) needs a shorter ramp for the same energy: in {@code qama
 *     train --warm-starts} runs, 0.3–0.4 of the ramp matched the full cold solve's mean energy on
 *     the same problems (docs/benchmarks.md "Warm starts in training"). Solves without a warm start
 *     are not affected.
 * @param kernel [{@code kernel}] auto (default), scalar or vector.
 */
public record SbConfig(
        SimulatedBifurcation.Variant variant,
        int steps,
        double dt,
        double a0,
        double xi0,
        double initAmplitude,
        int evalInterval,
        int patience,
        int replicas,
        int polishRounds,
        int restarts,
        double warmRamp,
        Kernels.Mode kernel) {

    /**
     * Automatic step count for attention problems of at least {@link #ATTENTION_FULL_TOKENS}
     * unmasked tokens (see {@link #attentionSteps}).
     */
    public static final int ATTENTION_STEPS = 100;

    /** Unmasked tokens from which attention problems get the full {@link #ATTENTION_STEPS}. */
    public static final int ATTENTION_FULL_TOKENS = 24;

    /** Unmasked tokens up to which attention problems get half of {@link #ATTENTION_STEPS}. */
    public static final int ATTENTION_HALF_TOKENS = 16;

    /** Automatic minimum replica count for attention problems. */
    public static final int ATTENTION_REPLICAS = 2;

    /** Automatic read-out interval for attention problems. */
    public static final int ATTENTION_EVAL_INTERVAL = 20;

    /** Automatic read-out interval for other problems. */
    public static final int DEFAULT_EVAL_INTERVAL = 5;

    /** Automatic step count for other problems. */
    public static final int DEFAULT_STEPS = 1000;

    /** The declared {@code steps} option. */
    static final OptionSpec STEPS =
            OptionSpec.ofInt(
                    "steps",
                    "0 (auto)",
                    0,
                    100_000_000,
                    "pump-ramp time steps; 0 = 1000, or 50-100 by token count for attention");

    static final OptionSpec DT = OptionSpec.ofPositive("dt", 1.0, 100, "time step");
    static final OptionSpec A0 = OptionSpec.ofPositive("a0", 1.0, 1e6, "detuning a0 (final pump)");
    static final OptionSpec XI0 =
            OptionSpec.ofDouble("xi0", 0.0, 0, 1e12, "coupling scale; 0 = automatic");
    static final OptionSpec INIT_AMPLITUDE =
            OptionSpec.ofPositive(
                    "init-amplitude", 0.1, 1, "initial x and y are uniform in +-this");
    static final OptionSpec EVAL_INTERVAL =
            OptionSpec.ofInt(
                    "eval-interval",
                    "0 (auto)",
                    0,
                    100_000_000,
                    "read out every this many steps; 0 = 5, or 20 for attention");
    static final OptionSpec PATIENCE =
            OptionSpec.ofInt(
                    "patience",
                    0,
                    0,
                    100_000_000,
                    "stop after this many read-outs without improvement; 0 disables");
    static final OptionSpec REPLICAS =
            OptionSpec.ofInt(
                    "replicas", "0 (auto)", 0, 1 << 16, "trajectories side by side; 0 = automatic");
    static final OptionSpec POLISH_ROUNDS =
            OptionSpec.ofInt(
                    "polish-rounds", 50, 0, 100_000_000, "greedy single-flip rounds at the end");
    static final OptionSpec RESTARTS =
            OptionSpec.ofInt(
                    "restarts",
                    "0 (auto)",
                    0,
                    Integer.MAX_VALUE,
                    "runs of the pump schedule; 0 = one, or as many as a time limit allows");
    static final OptionSpec WARM_RAMP =
            OptionSpec.ofPositive(
                    "warm-ramp", 1.0, 1.0, "share of the steps a warm-started solve runs");
    static final OptionSpec KERNEL = Kernels.OPTION;

    /** The variant option, with {@code def} as its default. */
    static OptionSpec variantOption(SimulatedBifurcation.Variant def) {
        List<String> names = new ArrayList<>();
        for (SimulatedBifurcation.Variant v : SimulatedBifurcation.Variant.values()) {
            names.add(v.name().toLowerCase(Locale.ROOT));
        }
        return OptionSpec.ofChoice(
                "variant",
                def.name().toLowerCase(Locale.ROOT),
                names,
                "auto: ballistic; anytime runs alternate with discrete (and anneal on BQMs)");
    }

    /**
     * The declared options of an SB provider whose default variant is {@code variant} (the keys of
     * this record plus {@code threads}).
     */
    public static List<OptionSpec> options(SimulatedBifurcation.Variant variant) {
        return List.of(
                variantOption(variant),
                STEPS,
                DT,
                A0,
                XI0,
                INIT_AMPLITUDE,
                EVAL_INTERVAL,
                PATIENCE,
                REPLICAS,
                POLISH_ROUNDS,
                RESTARTS,
                WARM_RAMP,
                KERNEL,
                AmplitudeBackend.THREADS);
    }

    /** Option keys understood by {@link #fromOptions}, plus {@code threads}. */
    public static final Set<String> KEYS =
            OptionSpec.keys(options(SimulatedBifurcation.Variant.AUTO));

    /** Validates every knob. */
    public SbConfig {
        if (variant == null) {
            throw new IllegalArgumentException("SB variant is null");
        }
        if (kernel == null) {
            throw new IllegalArgumentException("kernel mode is null");
        }
        STEPS.check(steps);
        DT.check(dt);
        A0.check(a0);
        XI0.check(xi0);
        INIT_AMPLITUDE.check(initAmplitude);
        EVAL_INTERVAL.check(evalInterval);
        PATIENCE.check(patience);
        REPLICAS.check(replicas);
        POLISH_ROUNDS.check(polishRounds);
        RESTARTS.check(restarts);
        WARM_RAMP.check(warmRamp);
    }

    /** The defaults for a variant. */
    public static SbConfig defaults(SimulatedBifurcation.Variant variant) {
        return new SbConfig(
                variant,
                0,
                DT.doubleValue(BackendOptions.empty()),
                A0.doubleValue(BackendOptions.empty()),
                XI0.doubleValue(BackendOptions.empty()),
                INIT_AMPLITUDE.doubleValue(BackendOptions.empty()),
                0,
                PATIENCE.intValue(BackendOptions.empty()),
                0,
                POLISH_ROUNDS.intValue(BackendOptions.empty()),
                0,
                WARM_RAMP.doubleValue(BackendOptions.empty()),
                Kernels.Mode.AUTO);
    }

    /** The defaults overridden by backend options (unknown keys are an error). */
    public static SbConfig fromOptions(SimulatedBifurcation.Variant variant, BackendOptions o) {
        o.requireOnly(KEYS);
        SbConfig d = defaults(variant);
        return new SbConfig(
                parseVariant(o.getString("variant", variant.name())),
                STEPS.intValue(o, d.steps),
                DT.doubleValue(o),
                A0.doubleValue(o),
                XI0.doubleValue(o),
                INIT_AMPLITUDE.doubleValue(o),
                EVAL_INTERVAL.intValue(o, d.evalInterval),
                PATIENCE.intValue(o),
                REPLICAS.intValue(o, d.replicas),
                POLISH_ROUNDS.intValue(o),
                RESTARTS.intValue(o, d.restarts),
                WARM_RAMP.doubleValue(o),
                Kernels.parseMode(KERNEL.stringValue(o)));
    }

    /** Parses a variant name (ballistic, discrete, auto), quoting a bad value. */
    public static SimulatedBifurcation.Variant parseVariant(String text) {
        for (SimulatedBifurcation.Variant v : SimulatedBifurcation.Variant.values()) {
            if (v.name().equalsIgnoreCase(text)) {
                return v;
            }
        }
        throw new IllegalArgumentException(
                "SB variant '" + text + "' is not one of ballistic, discrete, auto");
    }

    /** Runs of the pump schedule made in any case: {@code restarts}, or 1 when it is 0 (auto). */
    public int runsPlanned() {
        return restarts == 0 ? 1 : restarts;
    }

    /** Whether a solve under {@code stop} keeps restarting until its time limit (restarts = 0). */
    public boolean anytime(dev.qama.core.spi.StopCondition stop) {
        return restarts == 0 && stop.remaining() != null;
    }

    /**
     * The step count used for {@code problem} (resolves 0 = automatic): {@link #DEFAULT_STEPS} for
     * binary quadratic models, {@link #attentionSteps} for attention problems.
     */
    public int stepsFor(Problem problem) {
        if (steps > 0) {
            return steps;
        }
        return problem instanceof AttentionProblem a ? attentionSteps(a) : DEFAULT_STEPS;
    }

    /**
     * The automatic step count of an attention problem (before {@link
     * SimulatedBifurcation#attentionScale} stretches it): {@value #ATTENTION_STEPS} from {@value
     * #ATTENTION_FULL_TOKENS} unmasked tokens up ({@link #freeTokens}), half as many at {@value
     * #ATTENTION_HALF_TOKENS} and fewer, linear in between (75 steps at N = 20).
     *
     * <p>Measured ({@code qama bench attention --tokens N --seed S -s sb -s sb:steps=K}, d = 8,
     * references sb:steps=2000, bsb:steps=2000, sa:sweeps=1000 × 20 reads; mean gap at 100 / 75 /
     * 50 steps, seeds 1, 2, 3): N = 16 0.847 / 0.856 / 0.856 %, 0.784 / 0.747 / 0.796 %, 0.700 /
     * 0.695 / 0.679 %, so half the steps lose nothing there; N = 24 0.717 / 0.829 / 0.878 %, 0.994
     * / 1.019 / 1.092 %, 1.002 / 1.073 / 1.337 %, and N = 32 0.780 / 0.777 / 0.767 %, 0.840 / 0.949
     * / 1.139 %, 0.605 / 0.581 / 0.609 %: from 24 tokens on the full ramp is kept. N = 20 at 75 /
     * 100 steps: 0.953 / 0.968 %, 0.810 / 0.771 %, 1.068 / 1.088 %. At N = 16 the 50 steps cut the
     * one-thread CPU time of a batch of 128 problems by 26–28 % (23.2 → 16.8 ms median; building
     * the spin systems and the polish make the rest).
     */
    public static int attentionSteps(AttentionProblem problem) {
        int span = ATTENTION_FULL_TOKENS - ATTENTION_HALF_TOKENS;
        int over = Math.min(span, Math.max(0, freeTokens(problem) - ATTENTION_HALF_TOKENS));
        // 100·(1 + over/span)/2, rounded
        return (ATTENTION_STEPS * (span + over) + span) / (2 * span);
    }

    /** The tokens of {@code problem} that are not masked. */
    public static int freeTokens(AttentionProblem problem) {
        int free = 0;
        for (int t = 0; t < problem.tokens(); t++) {
            if (!problem.isMasked(t)) {
                free++;
            }
        }
        return free;
    }

    /** The read-out interval used for {@code problem} (resolves 0 = automatic). */
    public int evalIntervalFor(Problem problem) {
        if (evalInterval > 0) {
            return evalInterval;
        }
        return problem instanceof AttentionProblem
                ? ATTENTION_EVAL_INTERVAL
                : DEFAULT_EVAL_INTERVAL;
    }

    /** The replica count used for {@code problem} and {@code reads} reads. */
    public int replicasFor(Problem problem, int reads) {
        int r = Math.max(reads, replicas);
        if (replicas == 0
                && (problem instanceof AttentionProblem
                        || variant == SimulatedBifurcation.Variant.DISCRETE)) {
            // dSB with a single replica freezes a domain wall on a 16-spin ferromagnetic chain in
            // about 1 run of 20 (measured: 19/20 with one replica, 20/20 with two)
            r = Math.max(r, ATTENTION_REPLICAS);
        }
        return r;
    }

    /**
     * The steps of each run of a solve: {@code steps} (the resolved step count), or {@link
     * #warmRamp} of it, at least one, when the solve was given a warm start.
     */
    public int stepsWith(int steps, boolean warmStarted) {
        return warmStarted ? Math.max(1, (int) Math.round(steps * warmRamp)) : steps;
    }

    /** A copy with another step count. */
    public SbConfig withSteps(int s) {
        return new SbConfig(
                variant,
                s,
                dt,
                a0,
                xi0,
                initAmplitude,
                evalInterval,
                patience,
                replicas,
                polishRounds,
                restarts,
                warmRamp,
                kernel);
    }

    /** A copy with another replica count. */
    public SbConfig withReplicas(int r) {
        return new SbConfig(
                variant,
                steps,
                dt,
                a0,
                xi0,
                initAmplitude,
                evalInterval,
                patience,
                r,
                polishRounds,
                restarts,
                warmRamp,
                kernel);
    }

    /** A copy with another patience. */
    public SbConfig withPatience(int p) {
        return new SbConfig(
                variant,
                steps,
                dt,
                a0,
                xi0,
                initAmplitude,
                evalInterval,
                p,
                replicas,
                polishRounds,
                restarts,
                warmRamp,
                kernel);
    }

    /** A copy with another restart count. */
    public SbConfig withRestarts(int r) {
        return new SbConfig(
                variant,
                steps,
                dt,
                a0,
                xi0,
                initAmplitude,
                evalInterval,
                patience,
                replicas,
                polishRounds,
                r,
                warmRamp,
                kernel);
    }

    /** A copy with another kernel mode. */
    public SbConfig withKernel(Kernels.Mode k) {
        return new SbConfig(
                variant,
                steps,
                dt,
                a0,
                xi0,
                initAmplitude,
                evalInterval,
                patience,
                replicas,
                polishRounds,
                restarts,
                warmRamp,
                k);
    }
}
