package dev.qama.cim.simcim;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;
import java.util.List;
import java.util.Set;

/**
 * The knobs of {@link SimCim}, validated on construction (messages quote the bad value). Backend
 * option keys in brackets.
 *
 * @param steps [{@code steps}] time steps, default 1000. More steps anneal more slowly (better
 *     states) at linear cost.
 * @param dt [{@code dt}] step of the drift, default 0.2. Tiunov et al. use 0.01 with an
 *     unnormalised coupling; here the coupling is divided by its spectral radius, so the total
 *     drift time is steps·dt and 0.01 is too slow to complete the bifurcation in 1000 steps
 *     (measured on 20 random 14-spin dense Ising problems, 1000 steps, 16 reads: optimum found in
 *     15/20 at dt 0.01, 18/20 at dt 0.2; single reads 4/20 versus 14/20).
 * @param momentum [{@code momentum}] weight of the previous step in the update, default 0.9;
 *     smooths the noisy drift, in [0, 1).
 * @param noise [{@code noise}] σ of the Gaussian noise added to every amplitude at every step,
 *     default 0.15 (Tiunov et al. use 0.03 with their scaling). Replicas start at 0, so noise is
 *     what makes them differ: at σ = 0.03–0.06 all 32 replicas of a small attention problem fell
 *     into the same local minimum, at 0.15 they found the optimum; on the 14-spin set above, 1000
 *     steps, dt 0.2: 16 reads 20/20 at 0.15 (18/20 at 0.06), single read 13/20. Noise lets
 *     amplitudes cross barriers before the pump freezes them, too much noise randomises the
 *     read-out.
 * @param pump [{@code pump}] the pump ramps as pump·tanh(linspace(−3, 3)), default 1, relative to
 *     the coupling normalised by its spectral radius (so the top mode starts growing near the
 *     middle of the ramp and the gain at the end is pump + 1). Measured above: 1 beats 2 and 4.
 * @param evalInterval [{@code eval-interval}] read-out interval in steps, default 5 (one extra
 *     coupling product each).
 * @param patience [{@code patience}] stop after this many read-outs without improvement, counted in
 *     the second half of the run only (as for SB); 0 (default) disables.
 * @param replicas [{@code replicas}] trajectories side by side; 0 (default) = reads.
 * @param polishRounds [{@code polish-rounds}] greedy single-flip descent rounds applied to each
 *     replica's best state at the end, default 50; 0 disables (see {@link
 *     dev.qama.cim.sb.SbConfig}).
 * @param kernel [{@code kernel}] auto (default), scalar or vector.
 */
public record SimCimConfig(
        int steps,
        double dt,
        double momentum,
        double noise,
        double pump,
        int evalInterval,
        int patience,
        int replicas,
        int polishRounds,
        Kernels.Mode kernel) {

    static final OptionSpec STEPS = OptionSpec.ofInt("steps", 1000, 1, 100_000_000, "time steps");
    static final OptionSpec DT = OptionSpec.ofPositive("dt", 0.2, 100, "step of the drift");
    static final OptionSpec MOMENTUM =
            OptionSpec.ofDouble(
                    "momentum", 0.9, 0, 0.999999, "weight of the previous step in the update");
    static final OptionSpec NOISE =
            OptionSpec.ofDouble("noise", 0.15, 0, 100, "sigma of the Gaussian noise per step");
    static final OptionSpec PUMP =
            OptionSpec.ofPositive("pump", 1.0, 1e6, "pump amplitude of the tanh ramp");
    static final OptionSpec EVAL_INTERVAL =
            OptionSpec.ofInt("eval-interval", 5, 1, 100_000_000, "read-out interval in steps");
    static final OptionSpec PATIENCE =
            OptionSpec.ofInt(
                    "patience",
                    0,
                    0,
                    100_000_000,
                    "stop after this many read-outs without improvement; 0 disables");
    static final OptionSpec REPLICAS =
            OptionSpec.ofInt("replicas", "0 (reads)", 0, 1 << 16, "trajectories side by side");
    static final OptionSpec POLISH_ROUNDS =
            OptionSpec.ofInt(
                    "polish-rounds", 50, 0, 100_000_000, "greedy single-flip rounds at the end");

    /** The declared options of {@code "simcim"}: the keys of this record plus {@code threads}. */
    public static final List<OptionSpec> OPTIONS =
            List.of(
                    STEPS,
                    DT,
                    MOMENTUM,
                    NOISE,
                    PUMP,
                    EVAL_INTERVAL,
                    PATIENCE,
                    REPLICAS,
                    POLISH_ROUNDS,
                    Kernels.OPTION,
                    AmplitudeBackend.THREADS);

    /** Option keys understood by {@link #fromOptions}, plus {@code threads}. */
    public static final Set<String> KEYS = OptionSpec.keys(OPTIONS);

    /** Validates every knob. */
    public SimCimConfig {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel mode is null");
        }
        STEPS.check(steps);
        DT.check(dt);
        MOMENTUM.check(momentum);
        NOISE.check(noise);
        PUMP.check(pump);
        EVAL_INTERVAL.check(evalInterval);
        PATIENCE.check(patience);
        REPLICAS.check(replicas);
        POLISH_ROUNDS.check(polishRounds);
    }

    /** The defaults. */
    public static SimCimConfig defaults() {
        return fromOptions(BackendOptions.empty());
    }

    /** The defaults overridden by backend options (unknown keys are an error). */
    public static SimCimConfig fromOptions(BackendOptions o) {
        o.requireOnly(KEYS);
        return new SimCimConfig(
                STEPS.intValue(o),
                DT.doubleValue(o),
                MOMENTUM.doubleValue(o),
                NOISE.doubleValue(o),
                PUMP.doubleValue(o),
                EVAL_INTERVAL.intValue(o),
                PATIENCE.intValue(o),
                REPLICAS.intValue(o, 0),
                POLISH_ROUNDS.intValue(o),
                Kernels.parseMode(Kernels.OPTION.stringValue(o)));
    }

    /** A copy with another step count and dt. */
    public SimCimConfig withSteps(int s, double newDt) {
        return new SimCimConfig(
                s,
                newDt,
                momentum,
                noise,
                pump,
                evalInterval,
                patience,
                replicas,
                polishRounds,
                kernel);
    }

    /** A copy with another replica count. */
    public SimCimConfig withReplicas(int r) {
        return new SimCimConfig(
                steps, dt, momentum, noise, pump, evalInterval, patience, r, polishRounds, kernel);
    }
}
