package dev.qama.cim.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GroupGains} with the groups as lanes; loaded only when the Vector API module is present.
 *
 * <p>Layout: the states and gradients of one replica are gathered into {@code sv} and {@code gv},
 * spin t of group j at t·G' + j (G' the group count padded to the vector width; padding lanes hold
 * s = −1, g = 0 and are never read back).
 */
final class VectorGroupGains extends GroupGains {
    private static final VectorSpecies<Float> SPECIES = VectorKernels.SPECIES;
    private static final int L = SPECIES.length();

    /** The sorting networks by group size (built once per size). */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, int[][]> NETWORKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final int count;
    private final int padded;
    private final float halfP;
    // sorting network: compare-exchange (lo[k], hi[k]) puts the smaller value at lo[k]
    private final int[] lo;
    private final int[] hi;
    // size + 1 values: (P/2)((2m − size)² − size), computed as the scalar scan computes it
    private final float[] levels;
    private final float[] sv;
    private final float[] gv;
    private final float[] gains;
    private final float[] counts;
    private final float[] fs; // size×L: the fields of the groups of one chunk, sorted in place

    VectorGroupGains(SpinSystem.Groups groups) {
        super(groups);
        this.count = spins.length / size;
        this.padded = Math.max(L, (count + L - 1) / L * L);
        this.halfP = 0.5f * p;
        this.levels = new float[size + 1];
        for (int m = 0; m <= size; m++) {
            float d = 2 * m - size;
            levels[m] = 0.5f * p * (d * d - size);
        }
        int[][] net = NETWORKS.computeIfAbsent(size, VectorGroupGains::network);
        this.lo = net[0];
        this.hi = net[1];
        this.sv = new float[size * padded];
        this.gv = new float[size * padded];
        java.util.Arrays.fill(sv, -1f);
        this.gains = new float[padded];
        this.counts = new float[padded];
        this.fs = new float[size * L];
    }

    /**
     * Batcher's odd-even merge sort for the next power of two ≥ n, without the comparators that
     * touch an index ≥ n (those elements act as +∞, which such a comparator never moves).
     */
    static int[][] network(int n) {
        int p2 = 1;
        while (p2 < n) {
            p2 <<= 1;
        }
        java.util.List<int[]> pairs = new java.util.ArrayList<>();
        for (int p = 1; p < p2; p <<= 1) {
            for (int k = p; k >= 1; k >>= 1) {
                for (int j = k % p; j + k < p2; j += 2 * k) {
                    for (int i = 0; i < Math.min(k, p2 - j - k); i++) {
                        int a = i + j;
                        int b = i + j + k;
                        if (a / (2 * p) == b / (2 * p) && b < n) {
                            pairs.add(new int[] {a, b});
                        }
                    }
                }
            }
        }
        int[] lo = new int[pairs.size()];
        int[] hi = new int[pairs.size()];
        for (int k = 0; k < lo.length; k++) {
            lo[k] = pairs.get(k)[0];
            hi[k] = pairs.get(k)[1];
        }
        return new int[][] {lo, hi};
    }

    @Override
    int best(float[] s, float[] g, int r, int c) {
        gather(s, g, r, c);
        FloatVector sc = FloatVector.zero(SPECIES);
        for (int j = 0; j < padded; j += L) {
            sc = sc.max(chunk(j));
        }
        scale = Math.max(0f, sc.reduceLanes(VectorOperators.MAX));
        int bestGroup = -1;
        float best = 0f;
        int m = 0;
        for (int j = 0; j < count; j++) {
            if (gains[j] > best) {
                best = gains[j];
                bestGroup = j * size;
                m = (int) counts[j];
            }
        }
        bestGain = best;
        bestM = m;
        return bestGroup;
    }

    /** sv, gv = the states and gradients of replica c, group-transposed. */
    private void gather(float[] s, float[] g, int r, int c) {
        int n = size;
        int gp = padded;
        for (int j = 0; j < count; j++) {
            int base = j * n;
            for (int t = 0; t < n; t++) {
                int m = spins[base + t] * r + c;
                sv[t * gp + j] = s[m];
                gv[t * gp + j] = g[m];
            }
        }
    }

    /**
     * Gains and counts of the groups in lanes [j, j + L) (into {@link #gains}, {@link #counts});
     * returns the lane-wise max |g| over their spins.
     */
    private FloatVector chunk(int j) {
        int n = size;
        int gp = padded;
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int t = 0; t < n; t++) {
            sum = sum.add(FloatVector.fromArray(SPECIES, sv, t * gp + j));
        }
        FloatVector pv = FloatVector.broadcast(SPECIES, p);
        FloatVector total = FloatVector.zero(SPECIES);
        FloatVector current = FloatVector.zero(SPECIES);
        FloatVector sc = FloatVector.zero(SPECIES);
        for (int t = 0; t < n; t++) {
            FloatVector st = FloatVector.fromArray(SPECIES, sv, t * gp + j);
            FloatVector gt = FloatVector.fromArray(SPECIES, gv, t * gp + j);
            sc = sc.max(gt.abs());
            // f = g − P·(Σ s − s_t), as the scalar scan (no fused multiply-add)
            FloatVector ft = gt.sub(pv.mul(sum.sub(st)));
            ft.intoArray(fs, t * L);
            total = total.add(ft);
            current = current.add(ft.mul(st));
        }
        current = current.add(FloatVector.broadcast(SPECIES, halfP).mul(sum.mul(sum).sub(n)));
        // the vectors live in an array of floats: read back from an array of FloatVector, their
        // exact class is unknown to the JIT, and every operation on them fell back to Java code
        for (int k = 0; k < lo.length; k++) {
            FloatVector a = FloatVector.fromArray(SPECIES, fs, lo[k] * L);
            FloatVector b = FloatVector.fromArray(SPECIES, fs, hi[k] * L);
            a.min(b).intoArray(fs, lo[k] * L);
            a.max(b).intoArray(fs, hi[k] * L);
        }
        // m = 0 … size spins at +1 (the prefix of the sorted fields grows by one each time; no
        // conditional inside the loop: C2 then kept the vectors in registers)
        FloatVector negTotal = total.neg();
        FloatVector prefix = FloatVector.zero(SPECIES);
        FloatVector best = FloatVector.zero(SPECIES);
        FloatVector m = FloatVector.zero(SPECIES);
        for (int k = 0; k < n; k++) {
            FloatVector gain = current.sub(negTotal.add(prefix.mul(2f)).add(levels[k]));
            VectorMask<Float> better = gain.compare(VectorOperators.GT, best);
            best = best.blend(gain, better);
            m = m.blend((float) k, better);
            prefix = prefix.add(FloatVector.fromArray(SPECIES, fs, k * L));
        }
        FloatVector gain = current.sub(negTotal.add(prefix.mul(2f)).add(levels[n]));
        VectorMask<Float> better = gain.compare(VectorOperators.GT, best);
        best.blend(gain, better).intoArray(gains, j);
        m.blend((float) n, better).intoArray(counts, j);
        return sc;
    }
}
