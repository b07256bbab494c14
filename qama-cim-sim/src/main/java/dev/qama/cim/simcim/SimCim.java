package dev.qama.cim.simcim;

import dev.qama.cim.ReplicaTracker;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.SplittableRandom;

/**
 * SimCIM: Tiunov, Ulanov, Lvovsky, "Annealing by simulating the coherent Ising machine", Opt.
 * Express 27, 10288 (2019). Noisy, clipped amplitude dynamics with momentum:
 *
 * <pre>
 *   d ← dt·(p(t)·x − κ·g(x)) + σ·N(0, 1)
 *   Δ ← m·Δ + (1 − m)·d
 *   x ← x + Δ   only where |x + Δ| &lt; 1   (amplitudes stay inside the clip)
 * </pre>
 *
 * where g = h + J·x is the gradient of the spin-form energy, κ = 1/ρ(J) normalises the coupling by
 * its spectral radius (estimated by 30 power iterations, as the original ties the pump to the
 * spectrum), and the pump p(t) = pump·tanh(linspace(−3, 3)) rises through the bifurcation point of
 * the top mode. Amplitudes start at 0 (read 0 along a warm start, if one is given); the read-out is
 * sign(x), scored every {@code evalInterval} steps, and each replica's best state is returned.
 * Deterministic for a seed.
 */
public final class SimCim {
    private static final int POWER_ITERATIONS = 30;
    private final SimCimConfig config;

    /** A solver with the given knobs. */
    public SimCim(SimCimConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("SimCIM config is null");
        }
        this.config = config;
    }

    /** The knobs. */
    public SimCimConfig config() {
        return config;
    }

    /**
     * Solves one problem.
     *
     * @param problem a BinaryQuadraticModel or an AttentionProblem
     * @param seed the seed of this problem
     * @param reads states to return (≥ 1)
     * @param stop polled every step
     */
    public SolveResult solve(Problem problem, long seed, int reads, StopCondition stop) {
        return solve(problem, seed, reads, null, stop);
    }

    /** Initial amplitude of read 0 along a warm start (the others start at 0). */
    static final float WARM_AMPLITUDE = 0.1f;

    /**
     * Solves one problem from a warm start: read 0 starts with amplitudes ±{@value #WARM_AMPLITUDE}
     * along {@code initial} (the sign of each spin's value) and counts {@code initial} as its first
     * read-out, so the returned best state is never worse than the warm start; the other replicas
     * start as without one.
     *
     * @param problem a BinaryQuadraticModel or an AttentionProblem
     * @param seed the seed of this problem
     * @param reads states to return (≥ 1)
     * @param initial the warm start (a state of the problem, masked bits at their low value), or
     *     null for none
     * @param stop polled every step
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
        int reps = Math.max(reads, config.replicas());
        if (problem.numVariables() == 0) {
            return SolveResult.of(problem, new byte[reads][0], SolveStatus.COMPLETED, seed);
        }
        SpinSystem sys =
                SpinSystem.of(
                        problem,
                        reps,
                        dev.qama.cim.kernel.Kernels.resolve(config.kernel(), problem));
        int n = sys.size();
        int len = n * reps;
        float[] x = new float[len];
        float[] delta = new float[len];
        float[] g = new float[len];
        float[] s = new float[len];
        double[] e = new double[reps];
        int[] free = sys.freeSpins();
        int[] runs = sys.freeRuns();
        double rho = sys.spectralRadius(x, g, POWER_ITERATIONS);
        if (!(rho > 0)) {
            // no coupling: the field alone decides; scale it to order one
            double hmax = 0;
            for (int v = 0; v < n; v++) {
                hmax = Math.max(hmax, Math.abs(sys.linear(v)));
            }
            rho = hmax > 0 ? hmax : 1;
        }
        float kappa = (float) (1 / rho);
        java.util.Arrays.fill(x, -1f);
        for (int v : free) {
            for (int c = 0; c < reps; c++) {
                x[v * reps + c] = 0f;
            }
        }
        ReplicaTracker tracker = new ReplicaTracker(n, reps);
        if (initial != null) {
            float[] warm = tracker.warmStart(sys, initial, s, g, e);
            for (int v : free) {
                x[v * reps] = warm[v] * WARM_AMPLITUDE;
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float dt = (float) config.dt();
        float m = (float) config.momentum();
        float sigma = (float) config.noise();
        int steps = config.steps();
        int interval = config.evalInterval();
        int patience = config.patience();
        SolveStatus status = SolveStatus.COMPLETED;
        for (int step = 0; step < steps; step++) {
            SolveStatus reason = stop.reason();
            if (reason != null) {
                status = reason;
                break;
            }
            if (step % interval == 0) {
                ReplicaTracker.sign(x, s, len);
                sys.gradient(s, g);
                sys.energies(s, g, e);
                tracker.update(s, e);
                if (patience > 0 && 2 * step >= steps && tracker.staleRounds() >= patience) {
                    status = SolveStatus.CONVERGED;
                    break;
                }
            }
            sys.gradient(x, g);
            double phase = steps == 1 ? 1.0 : -3.0 + 6.0 * step / (steps - 1);
            float p = (float) (config.pump() * Math.tanh(phase));
            for (int k = 0; k < runs.length; k += 2) {
                int end = runs[k + 1] * reps;
                for (int c = runs[k] * reps; c < end; c++) {
                    float d = dt * (p * x[c] - kappa * g[c]);
                    if (sigma != 0f) {
                        d += sigma * (float) rng.nextGaussian();
                    }
                    float dl = m * delta[c] + (1 - m) * d;
                    delta[c] = dl;
                    float xn = x[c] + dl;
                    if (xn < 1f && xn > -1f) {
                        x[c] = xn;
                    }
                }
            }
        }
        ReplicaTracker.sign(x, s, len);
        sys.gradient(s, g);
        sys.energies(s, g, e);
        tracker.update(s, e);
        if (config.polishRounds() > 0) {
            // s holds the final read-out and g its gradient
            tracker.descendFromBest(sys, s, g, e, config.polishRounds(), stop);
        }
        return SolveResult.of(problem, tracker.states(sys, reads), status, seed);
    }
}
