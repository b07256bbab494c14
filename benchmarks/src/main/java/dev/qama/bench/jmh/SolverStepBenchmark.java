package dev.qama.bench.jmh;

import dev.qama.cim.kernel.Kernels;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.cim.kernel.Updates;
import dev.qama.cim.sb.SimulatedBifurcation;
import dev.qama.cim.simcim.SimCimConfig;
import dev.qama.core.model.Problem;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of each amplitude solver of qama-cim-sim on R replicas, as the solvers run it: the
 * gradient g = h + J·x through {@link SpinSystem} (the structured attention kernel for attention
 * problems, the dense kernel for an Ising model) followed by the element-wise update.
 *
 * <ul>
 *   <li>{@code sb}: ballistic SB, g at x, then {@link Updates#ballistic};
 *   <li>{@code dsb}: discrete SB, s = sign(x), g at s, then {@link Updates#ballistic};
 *   <li>{@code simcim}: g at x, then the SimCIM update with Gaussian noise and momentum (the loop
 *       of {@code SimCim.solve}, repeated here with the default knobs).
 * </ul>
 *
 * <p>The {@code spinUpdates} counter is (free spins) × R per step. Problems: {@code attention}
 * (paper-v2, H = 8, N = 49, d = 8: 392 spins) and {@code dense1024} (an SK-like Ising model, n =
 * 1024). The pump is held at the middle of its ramp; the state evolves across invocations (the cost
 * of a step does not depend on it except for the scalar clipping branches).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-Dai.djl.offline=true",
            "-Djava.awt.headless=true"
        })
public class SolverStepBenchmark {
    /** attention (H = 8, N = 49) or dense1024. */
    @Param({"attention", "dense1024"})
    public String problem;

    /** sb, dsb or simcim. */
    @Param({"sb", "dsb", "simcim"})
    public String solver;

    /** Replicas R. */
    @Param({"2", "32"})
    public int reps;

    SpinSystem sys;
    float[] x;
    float[] y;
    float[] g;
    float[] s;
    int[] runs;
    int len;
    long updatesPerStep;
    boolean vector;
    float xi;
    float a0;
    float dt;
    float damp;
    float kappa;
    float pump;
    float momentum;
    float sigma;
    float simDt;
    SplittableRandom rng;

    /** The benchmark's problem by name. */
    static Problem problem(String name) {
        if (name.equals("attention")) {
            return Fixtures.attention(8, 49, 11);
        }
        if (name.startsWith("dense")) {
            return Fixtures.denseIsing(Integer.parseInt(name.substring(5)), 11);
        }
        throw new IllegalArgumentException(
                "problem '" + name + "' is not one of attention, dense<n>");
    }

    /** Builds the spin system and random initial amplitudes. */
    @Setup
    public void setup() {
        Problem p = problem(problem);
        sys = SpinSystem.of(p, reps, Kernels.Mode.AUTO);
        int n = sys.size();
        len = n * reps;
        x = new float[len];
        y = new float[len];
        g = new float[len];
        s = new float[len];
        java.util.Arrays.fill(x, -1f);
        rng = new SplittableRandom(5);
        int[] free = sys.freeSpins();
        for (int v : free) {
            for (int c = 0; c < reps; c++) {
                x[v * reps + c] = (float) (0.2 * rng.nextDouble() - 0.1);
                y[v * reps + c] = (float) (0.2 * rng.nextDouble() - 0.1);
            }
        }
        runs = sys.freeRuns();
        updatesPerStep = (long) free.length * reps;
        vector = Kernels.vectorEnabled();
        xi = (float) SimulatedBifurcation.autoXi0(sys);
        a0 = 1f;
        dt = 0.5f;
        damp = 0.5f * a0;
        SimCimConfig sc = SimCimConfig.defaults();
        // spectral radius of a random symmetric J ≈ 2·sqrt(ΣJ²/n)
        double rho = 2 * Math.sqrt(sys.couplingSquares() / Math.max(1, n));
        kappa = (float) (rho > 0 ? 1 / rho : 1);
        pump = (float) (0.5 * sc.pump());
        momentum = (float) sc.momentum();
        sigma = (float) sc.noise();
        simDt = (float) sc.dt();
        if (!solver.equals("sb") && !solver.equals("dsb") && !solver.equals("simcim")) {
            throw new IllegalArgumentException(
                    "solver '" + solver + "' is not one of sb, dsb, simcim");
        }
    }

    /** One step of the selected solver. */
    @Benchmark
    public float[] step(SpinCounter counter) {
        switch (solver) {
            case "sb" -> {
                sys.gradient(x, g);
                ballistic();
            }
            case "dsb" -> {
                Updates.sign(vector, x, s, len);
                sys.gradient(s, g);
                ballistic();
            }
            default -> {
                sys.gradient(x, g);
                simcim();
            }
        }
        counter.spinUpdates += updatesPerStep;
        return x;
    }

    private void ballistic() {
        for (int k = 0; k < runs.length; k += 2) {
            Updates.ballistic(
                    vector, x, y, g, runs[k] * reps, runs[k + 1] * reps, damp, xi, dt, a0);
        }
    }

    private void simcim() {
        // y holds the momentum Δ
        for (int k = 0; k < runs.length; k += 2) {
            int end = runs[k + 1] * reps;
            for (int c = runs[k] * reps; c < end; c++) {
                float d = simDt * (pump * x[c] - kappa * g[c]);
                if (sigma != 0f) {
                    d += sigma * (float) rng.nextGaussian();
                }
                float dl = momentum * y[c] + (1 - momentum) * d;
                y[c] = dl;
                float xn = x[c] + dl;
                if (xn < 1f && xn > -1f) {
                    x[c] = xn;
                }
            }
        }
    }
}
