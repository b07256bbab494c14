package dev.qama.cim.simcim;

import dev.qama.cim.Knob;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.spi.BackendOptions;
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

    /** Option keys understood by {@link #fromOptions}, plus {@code threads}. */
    public static final Set<String> KEYS =
            Set.of(
                    "steps",
                    "dt",
                    "momentum",
                    "noise",
                    "pump",
                    "eval-interval",
                    "patience",
                    "replicas",
                    "polish-rounds",
                    "kernel",
                    "threads");

    /** Validates every knob. */
    public SimCimConfig {
        if (kernel == null) {
            throw new IllegalArgumentException("kernel mode is null");
        }
        Knob.range("steps", steps, 1, 100_000_000);
        Knob.positive("dt", dt, 100);
        Knob.range("momentum", momentum, 0, 0.999999);
        Knob.range("noise", noise, 0, 100);
        Knob.positive("pump", pump, 1e6);
        Knob.range("eval-interval", evalInterval, 1, 100_000_000);
        Knob.range("patience", patience, 0, 100_000_000);
        Knob.range("replicas", replicas, 0, 1 << 16);
        Knob.range("polish-rounds", polishRounds, 0, 100_000_000);
    }

    /** The defaults. */
    public static SimCimConfig defaults() {
        return new SimCimConfig(1000, 0.2, 0.9, 0.15, 1.0, 5, 0, 0, 50, Kernels.Mode.AUTO);
    }

    /** The defaults overridden by backend options (unknown keys are an error). */
    public static SimCimConfig fromOptions(BackendOptions o) {
        o.requireOnly(KEYS);
        SimCimConfig d = defaults();
        return new SimCimConfig(
                o.getInt("steps", d.steps, 1, 100_000_000),
                o.getDouble("dt", d.dt, Double.MIN_VALUE, 100),
                o.getDouble("momentum", d.momentum, 0, 0.999999),
                o.getDouble("noise", d.noise, 0, 100),
                o.getDouble("pump", d.pump, Double.MIN_VALUE, 1e6),
                o.getInt("eval-interval", d.evalInterval, 1, 100_000_000),
                o.getInt("patience", d.patience, 0, 100_000_000),
                o.getInt("replicas", d.replicas, 0, 1 << 16),
                o.getInt("polish-rounds", d.polishRounds, 0, 100_000_000),
                Kernels.parseMode(o.getString("kernel", "auto")));
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
