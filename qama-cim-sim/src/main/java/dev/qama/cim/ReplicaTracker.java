package dev.qama.cim;

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
        if (round < globalBest - 1e-6 * Math.max(1.0, Math.abs(globalBest))) {
            globalBest = round;
            stale = 0;
        } else {
            stale++;
        }
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
        Integer[] order = new Integer[reps];
        for (int c = 0; c < reps; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (p, q) -> Double.compare(best[p], best[q]));
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

    /** Writes sign(x) into s for every spin and replica (x &gt; 0 → +1, otherwise −1). */
    public static void sign(float[] x, float[] s, int length) {
        for (int m = 0; m < length; m++) {
            s[m] = x[m] > 0f ? 1f : -1f;
        }
    }
}
