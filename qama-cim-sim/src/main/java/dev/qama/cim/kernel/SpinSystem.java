package dev.qama.cim.kernel;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;

/**
 * A problem in spin form, E(s) = c + hᵀs + ½ sᵀJs over s ∈ {−1, +1}ⁿ (J symmetric, zero diagonal),
 * as the continuous-amplitude solvers (simulated bifurcation, SimCIM) see it: R replicas of
 * amplitudes x ∈ [−1, 1]ⁿ stored n×R row-major, and the gradient g = ∂E/∂s = h + J·x evaluated at
 * any real x in one batched call.
 *
 * <p>A {@link BinaryQuadraticModel} is converted to SPIN exactly (x = (s + 1)/2 for BINARY models);
 * an {@link AttentionProblem} is handled by a structured kernel that never builds its (H·N·q)²
 * matrix (see {@link AttentionSystem}). Since g = h + Js, the energy of a sign state s follows from
 * the gradient at s: E(s) = c + ½ Σ_v s_v (h_v + g_v), so read-outs cost no extra product when the
 * gradient at s is needed anyway.
 *
 * <p>Some variables may be fixed (masked attention tokens): they are held at −1 by the solvers and
 * never updated. An instance owns its kernels' workspaces and is not thread-safe: create one per
 * solve.
 */
public abstract class SpinSystem {
    /** Spins n. */
    protected final int n;

    /** Replicas R. */
    protected final int reps;

    private double[] linear;
    private double offset;
    private int[] runs = new int[0];
    private Problem problem; // set by of(), for withReplicas
    private Kernels.Mode mode;

    /**
     * @param n spins
     * @param reps replicas
     */
    protected SpinSystem(int n, int reps) {
        if (reps < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + reps);
        }
        this.n = n;
        this.reps = reps;
    }

    /**
     * The spin system of a problem, for {@code reps} replicas.
     *
     * @throws IllegalArgumentException if the problem is neither a {@link BinaryQuadraticModel} nor
     *     an {@link AttentionProblem}
     */
    public static SpinSystem of(Problem problem, int reps, Kernels.Mode mode) {
        SpinSystem sys;
        if (problem instanceof BinaryQuadraticModel m) {
            sys = new IsingSystem(m, reps, mode);
        } else if (problem instanceof AttentionProblem a) {
            sys = new AttentionSystem(a, reps, mode);
        } else {
            throw unsupported(problem);
        }
        sys.problem = problem;
        sys.mode = mode;
        return sys;
    }

    /**
     * The same system for {@code reps} replicas: this one if the count is unchanged; otherwise a
     * new one, which shares with this one what does not depend on the replica count where the
     * system supports it (attention systems share their coupling data, scale sums, h and c), and is
     * built anew by {@link #of} otherwise.
     *
     * @throws IllegalArgumentException if reps &lt; 1
     */
    public SpinSystem withReplicas(int reps) {
        if (reps == this.reps) {
            return this;
        }
        if (reps < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + reps);
        }
        SpinSystem sys = copyFor(reps);
        if (sys == null) {
            return of(problem, reps, mode);
        }
        sys.linear = linear;
        sys.offset = offset;
        sys.runs = runs;
        sys.problem = problem;
        sys.mode = mode;
        return sys;
    }

    /**
     * A copy of this system for {@code reps} replicas sharing its replica-independent data (h, c
     * and the free runs are copied by {@link #withReplicas}), or null (the default) to have {@link
     * #withReplicas} build a new system.
     */
    protected SpinSystem copyFor(int reps) {
        return null;
    }

    private static IllegalArgumentException unsupported(Problem problem) {
        return new IllegalArgumentException(
                "unsupported problem type "
                        + (problem == null ? "null" : problem.getClass().getName())
                        + "; expected a BinaryQuadraticModel or an AttentionProblem");
    }

    /** Sets h and c (subclasses call it once from their constructor). */
    protected final void setLinearAndOffset(double[] h, double c) {
        this.linear = h;
        this.offset = c;
    }

    /** Sets the free runs from the ascending list of free spins (subclass constructors). */
    protected final void setFreeRuns(int[] freeSpins) {
        int[] out = new int[2 * freeSpins.length];
        int m = 0;
        int k = 0;
        while (k < freeSpins.length) {
            // the run's end kept in a register (an increment of out[m − 1] per spin waited on
            // the store of the one before)
            int start = freeSpins[k];
            int end = start + 1;
            for (k++; k < freeSpins.length && freeSpins[k] == end; k++) {
                end++;
            }
            out[m++] = start;
            out[m++] = end;
        }
        this.runs = java.util.Arrays.copyOf(out, m);
    }

    /**
     * The free spins as maximal runs: pairs (start, end) with spins start … end − 1 free, so update
     * loops stream over contiguous n×R blocks.
     */
    public final int[] freeRuns() {
        return runs;
    }

    /** n. */
    public final int size() {
        return n;
    }

    /** R. */
    public final int replicas() {
        return reps;
    }

    /** h_v of the spin form. */
    public final double linear(int v) {
        return linear[v];
    }

    /** c, the constant of the spin form. */
    public final double offset() {
        return offset;
    }

    /** Whether spin v is fixed at −1 (never updated). */
    public boolean isFixed(int v) {
        return false;
    }

    /** The indices of the spins that are not fixed, ascending. */
    public abstract int[] freeSpins();

    /**
     * g = h + J·x for R replicas (the gradient of the spin-form energy at real amplitudes).
     *
     * @param x n×R amplitudes (fixed spins must hold −1)
     * @param g n×R output, overwritten
     */
    public abstract void gradient(float[] x, float[] g);

    /**
     * A fused step engine for simulated bifurcation, or null (the default) when the solver should
     * use {@link #gradient} and {@link Updates#ballistic}. The engine shares this system's
     * workspaces: do not interleave its steps with other calls on this system.
     */
    public SbStepper sbStepper() {
        return null;
    }

    /** Σ_{i≠j} J_ij² over ordered pairs of the spin form (for scale heuristics). */
    public abstract double couplingSquares();

    /**
     * Groups of free spins coupled pairwise by one and the same coupling and by nothing else among
     * themselves: the spins of one token (and bit) across the heads of an attention problem, which
     * the cross-head penalty couples by ρ/4. Within such a group the best assignment given the rest
     * is found exactly in O(size·log size) (see {@link dev.qama.cim.ReplicaTracker#descend}).
     *
     * @param size spins per group (≥ 2)
     * @param spins group-major spin indices: group k is {@code spins[k·size … (k+1)·size − 1]}
     * @param coupling the spin-form coupling J_uv between any two spins of a group
     */
    public record Groups(int size, int[] spins, float coupling) {}

    /** The penalty groups of this system, or null (the default) when it has none. */
    public Groups penaltyGroups() {
        return null;
    }

    /**
     * The part of {@link #couplingSquares} that comes from a cross-head penalty (attention
     * problems), 0 for other systems: what is left is the problem's own couplings, and their share
     * of the total sets the attention defaults of simulated bifurcation.
     */
    public double penaltySquares() {
        return 0;
    }

    /**
     * An estimate of the spectral radius of the spin-form J over the free spins (power iteration
     * from a fixed start, so deterministic), or 0 if J is zero.
     *
     * @param v n×R workspace (overwritten)
     * @param g n×R workspace (overwritten)
     * @param iterations power iterations (each one {@link #gradient} call)
     */
    public final double spectralRadius(float[] v, float[] g, int iterations) {
        SpinSystem sys = this;
        int r = reps;
        int[] free = freeSpins();
        java.util.Arrays.fill(v, 0f);
        for (int k = 0; k < free.length; k++) {
            int i = free[k];
            // a fixed, non-symmetric start vector
            float val = 1f + 0.5f * (float) Math.sin(1.7 * i);
            for (int c = 0; c < r; c++) {
                v[i * r + c] = val;
            }
        }
        double lambda = 0;
        for (int it = 0; it < iterations; it++) {
            double norm = 0;
            for (int i : free) {
                norm += (double) v[i * r] * v[i * r];
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0)) {
                return 0;
            }
            for (int i = 0; i < n * r; i++) {
                v[i] = (float) (v[i] / norm);
            }
            sys.gradient(v, g); // h + J v
            double next = 0;
            for (int i : free) {
                double jv = g[i * r] - sys.linear(i);
                next += jv * jv;
            }
            lambda = Math.sqrt(next);
            java.util.Arrays.fill(v, 0f);
            for (int i : free) {
                float jv = (float) (g[i * r] - sys.linear(i));
                for (int c = 0; c < r; c++) {
                    v[i * r + c] = jv;
                }
            }
        }
        return lambda;
    }

    /** Σ_v h_v². */
    public final double linearSquares() {
        double acc = 0;
        for (double v : linear) {
            acc += v * v;
        }
        return acc;
    }

    /**
     * The energies of R sign states from the gradient at those states: E_r = c + ½ Σ_v s_v (h_v +
     * g_v).
     *
     * @param s n×R states of ±1
     * @param g n×R gradient at s, as computed by {@link #gradient}
     * @param out R energies
     */
    public final void energies(float[] s, float[] g, double[] out) {
        int r = reps;
        for (int c = 0; c < r; c++) {
            out[c] = 0;
        }
        for (int v = 0; v < n; v++) {
            double h = linear[v];
            int o = v * r;
            for (int c = 0; c < r; c++) {
                out[c] += s[o + c] * (h + g[o + c]);
            }
        }
        for (int c = 0; c < r; c++) {
            out[c] = offset + 0.5 * out[c];
        }
    }

    /**
     * The problem-domain state of a sign vector (fixed spins come out at the low value).
     *
     * @param signs n spins, each −1 or +1
     */
    public abstract byte[] toState(byte[] signs);

    /** The spin of a problem-domain state value (high value → +1). */
    public abstract byte toSpin(byte value);
}
