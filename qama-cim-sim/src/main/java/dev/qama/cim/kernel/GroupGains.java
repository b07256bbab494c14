package dev.qama.cim.kernel;

/**
 * The best reassignment of one penalty group ({@link SpinSystem#penaltyGroups}) for one replica:
 * the move of the group polish ({@code dev.qama.cim.ReplicaTracker#descend}). With f_t = g_t −
 * P·Σ_{u≠t} s_u the field on spin t from outside its group and P the group's coupling, the group's
 * energy is Σ f_t s_t + (P/2)((Σ s)² − size): for m spins at +1 the best choice is the m with the
 * lowest f, so trying m = 0 … size over the sorted fields finds the group's exact optimum given the
 * rest. A single flip is one such reassignment, so this move never gains less than the best single
 * flip.
 *
 * <p>Two scans over the groups compute the same values with the same float operations in the same
 * order, so they choose the same group and count bit for bit: a scalar one (a group at a time, its
 * fields sorted by insertion), and one with the groups as the lanes of the Vector API, used when it
 * is available ({@link Kernels#vectorEnabled}), whose sorting network of lane-wise min/max orders
 * 16 groups at once. Only the sorted values enter the gains, so the network needs no stable order;
 * the winning group is sorted again by the insertion sort to know which spins to set. Why: the
 * branches of the insertion sort are unpredictable; at eight heads the scalar scan took about 600
 * cycles per group, 85 % of the polish and 12–15 % of an {@code sb} attention solve.
 */
public abstract class GroupGains {
    /** Spins per group. */
    protected final int size;

    /** Group-major spin indices (see {@link SpinSystem.Groups#spins}). */
    protected final int[] spins;

    /** The coupling P between two spins of a group. */
    protected final float p;

    private final float[] f;
    private final int[] order;

    /** The count of spins at +1 of the group of the last {@link #best}. */
    protected int bestM;

    /** The energy decrease of the group of the last {@link #best} (0 if none decreases it). */
    protected float bestGain;

    /** The largest |g| over the spins of all groups in the last {@link #best}. */
    protected float scale;

    /** The scan of {@code groups}. */
    protected GroupGains(SpinSystem.Groups groups) {
        this.size = groups.size();
        this.spins = groups.spins();
        this.p = groups.coupling();
        this.f = new float[size];
        this.order = new int[size];
    }

    /** The scan of {@code groups}: with the Vector API if it is enabled, otherwise scalar. */
    public static GroupGains create(SpinSystem.Groups groups) {
        return create(groups, Kernels.vectorEnabled());
    }

    /** The scan of {@code groups}, with the Vector API ({@code vector}, if available) or scalar. */
    static GroupGains create(SpinSystem.Groups groups, boolean vector) {
        if (groups == null) {
            throw new IllegalArgumentException("groups is null");
        }
        return vector && Kernels.vectorAvailable()
                ? new VectorGroupGains(groups)
                : new Scalar(groups);
    }

    /**
     * Applies the group move of largest energy decrease to replica c of the n×R sign states s (±1
     * as floats) with gradient g; false if none lowers the energy by more than 1e-5·(1 + max |g|).
     */
    public final boolean apply(float[] s, float[] g, int r, int c) {
        int bestGroup = best(s, g, r, c);
        if (bestGroup < 0 || !(bestGain > 1e-5f * (1f + scale))) {
            return false;
        }
        sortFields(bestGroup, s, g, r, c);
        for (int k = 0; k < size; k++) {
            s[spins[bestGroup + order[k]] * r + c] = k < bestM ? 1f : -1f;
        }
        return true;
    }

    /**
     * Scans every group for replica c: the group of largest gain, the first in group order among
     * equal gains.
     *
     * @return the index of the winning group's first spin in {@link SpinSystem.Groups#spins}, or −1
     *     if no group has a positive gain; its count of +1 spins in {@link #bestM}, its gain in
     *     {@link #bestGain}, and the largest |g| over all groups in {@link #scale}
     */
    abstract int best(float[] s, float[] g, int r, int c);

    /** The count of spins at +1 of the group of the last scan. */
    final int bestM() {
        return bestM;
    }

    /** The gain of the group of the last scan. */
    final float bestGain() {
        return bestGain;
    }

    /** The largest |g| over all groups' spins in the last scan. */
    final float scale() {
        return scale;
    }

    /**
     * The fields f_t from outside the group at {@code base} (into {@link #f}) and their ascending
     * order (into {@link #order}, a stable insertion sort); returns Σ s over the group.
     */
    private float sortFields(int base, float[] s, float[] g, int r, int c) {
        int n = size;
        float sum = 0f;
        for (int t = 0; t < n; t++) {
            sum += s[spins[base + t] * r + c];
        }
        for (int t = 0; t < n; t++) {
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

    /** The scan a group at a time. */
    private static final class Scalar extends GroupGains {
        private int groupM; // the best m of the last groupGain

        Scalar(SpinSystem.Groups groups) {
            super(groups);
        }

        /**
         * The loop over the groups; the work of one group lives in {@link #groupGain} and {@link
         * #sortFields}, so the JIT compiles this loop on its own: with every loop in one method,
         * each loop got an on-stack-replacement compilation of the whole method (up to nine C2
         * compilations of it in one {@code qama train} run).
         */
        @Override
        int best(float[] s, float[] g, int r, int c) {
            int bestGroup = -1;
            int m = 0;
            float best = 0f;
            scale = 0f;
            for (int base = 0; base < spins.length; base += size) {
                float gain = groupGain(base, s, g, r, c);
                if (gain > best) {
                    best = gain;
                    bestGroup = base;
                    m = groupM;
                }
            }
            bestGain = best;
            bestM = m;
            return bestGroup;
        }

        /**
         * The largest energy decrease of a reassignment of the group at {@code base} (0 if none
         * decreases it), its count of spins at +1 in {@link #groupM}; raises {@link #scale} to the
         * group's largest |g|.
         */
        private float groupGain(int base, float[] s, float[] g, int r, int c) {
            float sum = super.sortFields(base, s, g, r, c);
            float[] fs = super.f;
            int[] ord = super.order;
            float total = 0f;
            float current = 0f;
            for (int t = 0; t < size; t++) {
                int m = spins[base + t] * r + c;
                scale = Math.max(scale, Math.abs(g[m]));
                total += fs[t];
                current += fs[t] * s[m];
            }
            current += 0.5f * p * (sum * sum - size);
            float best = 0f;
            groupM = 0;
            float prefix = 0f;
            for (int m = 0; m <= size; m++) {
                if (m > 0) {
                    prefix += fs[ord[m - 1]];
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
    }
}
