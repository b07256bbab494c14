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

    /** Writes each replica's best state so far into s (n×R, ±1 as floats). */
    public void loadBest(float[] s) {
        for (int m = 0; m < n * reps; m++) {
            s[m] = signs[m];
        }
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
        int r = reps;
        int[] free = system.freeSpins();
        SpinSystem.Groups groups = system.penaltyGroups();
        GroupMove move = groups == null ? null : new GroupMove(groups.size());
        // a replica without an improving move keeps its state, and so its gradient (replicas are
        // independent columns): it is not scanned again
        boolean[] settled = new boolean[r];
        system.gradient(s, g);
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
                    boolean moved = move.apply(groups, s, g, r, c);
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

    /**
     * The best reassignment of one penalty group (see {@link SpinSystem#penaltyGroups}) for one
     * replica. With f_t = g_t − P·Σ_{u≠t} s_u the field on spin t from outside its group and P the
     * group's coupling, the group's energy is Σ f_t s_t + (P/2)((Σ s)² − size): for m spins at +1
     * the best choice is the m with the lowest f, so trying m = 0 … size over the sorted fields
     * finds the group's exact optimum given the rest. A single flip is one such reassignment, so
     * this move never gains less than the best single flip.
     */
    private static final class GroupMove {
        private final float[] f;
        private final int[] order;
        private float scale; // max |g| over the spins of the groups scanned so far
        private int groupM; // the best m of the last groupGain

        GroupMove(int size) {
            f = new float[size];
            order = new int[size];
        }

        /**
         * Applies the group move of largest energy decrease of replica c; false if none.
         *
         * <p>The work of one group lives in {@link #groupGain} and {@link #sortFields}, so the JIT
         * compiles this loop over the groups on its own: with every loop in one method, each loop
         * got an on-stack-replacement compilation of the whole method (up to nine C2 compilations
         * of it in one {@code qama train} run).
         */
        boolean apply(SpinSystem.Groups groups, float[] s, float[] g, int r, int c) {
            int size = groups.size();
            int[] spins = groups.spins();
            float p = groups.coupling();
            int bestGroup = -1;
            int bestM = 0;
            float bestGain = 0f;
            scale = 0f;
            for (int base = 0; base < spins.length; base += size) {
                float gain = groupGain(spins, base, size, p, s, g, r, c);
                if (gain > bestGain) {
                    bestGain = gain;
                    bestGroup = base;
                    bestM = groupM;
                }
            }
            if (bestGroup < 0 || !(bestGain > 1e-5f * (1f + scale))) {
                return false;
            }
            // sort the winning group's fields again (the workspace holds the last group's)
            sortFields(spins, bestGroup, size, p, s, g, r, c);
            for (int k = 0; k < size; k++) {
                s[spins[bestGroup + order[k]] * r + c] = k < bestM ? 1f : -1f;
            }
            return true;
        }

        /**
         * The largest energy decrease of a reassignment of the group at {@code base} (0 if none
         * decreases it), its count of spins at +1 in {@link #groupM}; raises {@link #scale} to the
         * group's largest |g|.
         */
        private float groupGain(
                int[] spins, int base, int size, float p, float[] s, float[] g, int r, int c) {
            float sum = sortFields(spins, base, size, p, s, g, r, c);
            float total = 0f;
            float current = 0f;
            for (int t = 0; t < size; t++) {
                int m = spins[base + t] * r + c;
                scale = Math.max(scale, Math.abs(g[m]));
                total += f[t];
                current += f[t] * s[m];
            }
            current += 0.5f * p * (sum * sum - size);
            float best = 0f;
            groupM = 0;
            float prefix = 0f;
            for (int m = 0; m <= size; m++) {
                if (m > 0) {
                    prefix += f[order[m - 1]];
                }
                float d = 2 * m - size;
                float e = -total + 2 * prefix + 0.5f * p * (d * d - size);
                float gain = current - e;
                if (gain > best) {
                    best = gain;
                    groupM = m;
                }
            }
            return best;
        }

        /**
         * The fields f_t from outside the group at {@code base} (into {@link #f}) and their
         * ascending order (into {@link #order}, an insertion sort); returns Σ s over the group.
         */
        private float sortFields(
                int[] spins, int base, int size, float p, float[] s, float[] g, int r, int c) {
            float sum = 0f;
            for (int t = 0; t < size; t++) {
                sum += s[spins[base + t] * r + c];
            }
            for (int t = 0; t < size; t++) {
                int m = spins[base + t] * r + c;
                float ft = g[m] - p * (sum - s[m]);
                f[t] = ft;
                int k = t;
                while (k > 0 && f[order[k - 1]] > ft) {
                    order[k] = order[k - 1];
                    k--;
                }
                order[k] = t;
            }
            return sum;
        }
    }

    /** Writes sign(x) into s for every spin and replica (x &gt; 0 → +1, otherwise −1). */
    public static void sign(float[] x, float[] s, int length) {
        for (int m = 0; m < length; m++) {
            s[m] = x[m] > 0f ? 1f : -1f;
        }
    }
}
