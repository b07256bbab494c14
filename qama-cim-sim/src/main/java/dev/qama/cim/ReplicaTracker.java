package dev.qama.cim;

import dev.qama.cim.kernel.GroupGains;
import dev.qama.cim.kernel.SpinSystem;
import java.util.Arrays;

/**
 * Keeps, for each of R replicas, the lowest-energy sign state read out so far, and counts the
 * evaluation rounds since the best energy over all replicas last improved (for early stopping).
 * Solvers return these best states, never merely the last ones.
 */
public final class ReplicaTracker {
    private final int n;
    private final int reps;
    private final double[] best;
    private final byte[] signs; // n×R
    private double globalBest = Double.POSITIVE_INFINITY;
    private int stale;

    /**
     * @param n spins
     * @param reps replicas
     */
    public ReplicaTracker(int n, int reps) {
        this.n = n;
        this.reps = reps;
        this.best = new double[reps];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        this.signs = new byte[n * reps];
    }

    /**
     * Records one read-out.
     *
     * @param s n×R sign states (±1 as floats)
     * @param energies their R energies
     */
    public void update(float[] s, double[] energies) {
        int r = reps;
        double round = Double.POSITIVE_INFINITY;
        for (int c = 0; c < r; c++) {
            double e = energies[c];
            round = Math.min(round, e);
            if (e < best[c]) {
                best[c] = e;
                for (int v = 0; v < n; v++) {
                    signs[v * r + c] = (byte) (s[v * r + c] > 0 ? 1 : -1);
                }
            }
        }
        // relative tolerance: float gradients make energies of the same state differ slightly
        // (the first finite round always counts: with globalBest infinite the tolerance below is
        // inf − inf = NaN, and every comparison with it is false)
        if (globalBest == Double.POSITIVE_INFINITY
                ? round < globalBest
                : round < globalBest - 1e-6 * Math.max(1.0, Math.abs(globalBest))) {
            globalBest = round;
            stale = 0;
        } else {
            stale++;
        }
    }

    /**
     * Records a warm start as replica 0's first read-out, so the state a solver returns for it is
     * never worse, and returns the warm start in spin form for the solver's initial amplitudes.
     *
     * @param system the spin system of the problem
     * @param initial the warm start in the problem's domain, already validated (for example by
     *     {@link dev.qama.core.model.Problem#energy}); fixed spins are taken as −1 whatever it says
     * @param s n×R workspace (overwritten)
     * @param g n×R workspace (overwritten)
     * @param e R workspace (overwritten)
     * @return the n spins of the warm start (±1)
     */
    public float[] warmStart(SpinSystem system, byte[] initial, float[] s, float[] g, double[] e) {
        float[] spins = new float[n];
        for (int v = 0; v < n; v++) {
            float sp = system.isFixed(v) ? -1f : system.toSpin(initial[v]);
            spins[v] = sp;
            Arrays.fill(s, v * reps, (v + 1) * reps, sp);
        }
        system.gradient(s, g);
        system.energies(s, g, e);
        // only replica 0 starts there: the others keep no best yet
        Arrays.fill(e, 1, reps, Double.POSITIVE_INFINITY);
        update(s, e);
        return spins;
    }

    /**
     * Whether {@link #update} with these energies would record a new best state for some replica
     * (only those replicas' states are read there).
     */
    public boolean improves(double[] energies) {
        for (int c = 0; c < reps; c++) {
            if (energies[c] < best[c]) {
                return true;
            }
        }
        return false;
    }

    /** Evaluation rounds since the best energy over all replicas last improved. */
    public int staleRounds() {
        return stale;
    }

    /** The best energy seen (as estimated by the solver, in float precision). */
    public double bestEnergy() {
        return globalBest;
    }

    /**
     * The best states of the {@code count} best replicas (lowest estimated energy first, ties by
     * replica index), in the problem's domain.
     */
    public byte[][] states(SpinSystem system, int count) {
        // stable insertion sort of the replica indices by energy (R is small; a boxed sort with a
        // comparator was a visible share of a 392-spin solve)
        int[] order = new int[reps];
        for (int c = 0; c < reps; c++) {
            int k = c;
            while (k > 0 && Double.compare(best[order[k - 1]], best[c]) > 0) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = c;
        }
        byte[][] out = new byte[count][];
        byte[] sv = new byte[n];
        for (int k = 0; k < count; k++) {
            int c = order[k];
            for (int v = 0; v < n; v++) {
                sv[v] = signs[v * reps + c];
            }
            out[k] = system.toState(sv);
        }
        return out;
    }

    /**
     * Writes each replica's best state so far into s (n×R, ±1 as floats).
     *
     * @return whether s changed: false when it already held these states (typically the last
     *     read-out, whose gradient {@link #descendFromBest} then keeps)
     */
    public boolean loadBest(float[] s) {
        boolean changed = false;
        for (int m = 0; m < n * reps; m++) {
            float v = signs[m];
            changed |= s[m] != v;
            s[m] = v;
        }
        return changed;
    }

    /**
     * Greedy descent on R sign states at once: in every round each replica flips its free spin with
     * the largest energy decrease (ΔE_v = −2·s_v·g_v in spin form) or, for a system with {@link
     * SpinSystem#penaltyGroups}, makes the best exact reassignment of one group (which includes
     * every single flip), then the gradient is recomputed with one batched product; it ends when no
     * replica can improve, after {@code maxRounds} rounds, or when {@code stop} says so. The
     * results are recorded in the tracker.
     *
     * @param system the spin system
     * @param s n×R sign states, modified in place
     * @param g n×R workspace (overwritten with the gradient at the final s)
     * @param e R workspace (energies)
     * @param maxRounds the most flips per replica
     * @param stop polled every round
     */
    public void descend(
            SpinSystem system,
            float[] s,
            float[] g,
            double[] e,
            int maxRounds,
            dev.qama.core.spi.StopCondition stop) {
        descend(system, s, g, e, maxRounds, stop, false);
    }

    /**
     * The polish of a solver's run: loads each replica's best state into s ({@link #loadBest}) and
     * descends from there ({@link #descend(SpinSystem, float[], float[], double[], int,
     * dev.qama.core.spi.StopCondition)}). The caller passes s and g as its run left them: s the
     * signs of the last read-out and g {@code system}'s gradient at them (as {@link
     * SpinSystem#gradient} computes it). The best states are usually that read-out's; then g is
     * kept instead of recomputed (at N = 16 the product saved is 2 % of an {@code sb} attention
     * solve), with the same result.
     *
     * @param system the spin system
     * @param s n×R signs of the last read-out; on return the polished states
     * @param g n×R gradient at the given s; on return the gradient at the returned s
     * @param e R workspace (energies)
     * @param maxRounds the most flips per replica
     * @param stop polled every round
     */
    public void descendFromBest(
            SpinSystem system,
            float[] s,
            float[] g,
            double[] e,
            int maxRounds,
            dev.qama.core.spi.StopCondition stop) {
        boolean changed = loadBest(s);
        descend(system, s, g, e, maxRounds, stop, !changed);
    }

    /** The descent, told whether g already is the gradient at s (then it is not recomputed). */
    private void descend(
            SpinSystem system,
            float[] s,
            float[] g,
            double[] e,
            int maxRounds,
            dev.qama.core.spi.StopCondition stop,
            boolean gradientAtS) {
        int r = reps;
        int[] free = system.freeSpins();
        SpinSystem.Groups groups = system.penaltyGroups();
        GroupGains move = groups == null ? null : GroupGains.create(groups);
        // a replica without an improving move keeps its state, and so its gradient (replicas are
        // independent columns): it is not scanned again
        boolean[] settled = new boolean[r];
        if (!gradientAtS) {
            system.gradient(s, g);
        }
        for (int round = 0; round < maxRounds; round++) {
            if (stop.shouldStop()) {
                break;
            }
            boolean any = false;
            for (int c = 0; c < r; c++) {
                if (settled[c]) {
                    continue;
                }
                if (move != null) {
                    boolean moved = move.apply(s, g, r, c);
                    settled[c] = !moved;
                    any |= moved;
                    continue;
                }
                int bestV = -1;
                float bestGain = 0f;
                float scale = 0f;
                for (int v : free) {
                    float gv = g[v * r + c];
                    scale = Math.max(scale, Math.abs(gv));
                    float gain = 2f * s[v * r + c] * gv; // −ΔE of flipping v
                    if (gain > bestGain) {
                        bestGain = gain;
                        bestV = v;
                    }
                }
                if (bestV >= 0 && bestGain > 1e-5f * (1f + scale)) {
                    s[bestV * r + c] = -s[bestV * r + c];
                    any = true;
                } else {
                    settled[c] = true;
                }
            }
            if (!any) {
                break;
            }

            system.gradient(s, g);
        }
        system.energies(s, g, e);
        update(s, e);
    }

    /** Writes sign(x) into s for every spin and replica (x &gt; 0 → +1, otherwise −1). */
    public static void sign(float[] x, float[] s, int length) {
        for (int m = 0; m < length; m++) {
            s[m] = x[m] > 0f ? 1f : -1f;
        }
    }
}
