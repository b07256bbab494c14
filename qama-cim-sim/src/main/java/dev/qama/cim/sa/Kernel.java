package dev.qama.cim.sa;

import dev.qama.core.model.Vartype;
import java.util.SplittableRandom;

/**
 * The mutable state of one read of a single-flip Monte-Carlo solver: the variables, the sums needed
 * for O(1)-ish flip deltas (local fields, projections or token fields, depending on the subclass),
 * the tracked energy and the best state seen.
 *
 * <p>Every subclass implements {@link #sweep} itself, with its delta and update inlined, so that
 * the hot loop has no virtual call whichever kernels the JVM has loaded. {@link #delta} and {@link
 * #flip} are the slower generic entry points used by the c_sa port and the local search.
 *
 * <p>Best-state tracking is lazy: while the current state is the best seen ({@code bestIsCurrent})
 * nothing is copied; the state is copied into {@code best} only when a move leaves it by a
 * non-improving flip. Not thread-safe: one kernel per worker.
 */
abstract class Kernel {
    /**
     * exp(−40) is below the resolution of nextDouble(), so such uphill moves are always rejected.
     */
    static final double MAX_BETA_DELTA = 40.0;

    final int n;
    final byte low;
    final byte high;

    /** low + high: the change of a flipped variable is {@code lowPlusHigh − 2·z}. */
    final int lowPlusHigh;

    /** The variables a move may touch (masked attention bits are excluded). */
    final int[] free;

    final byte[] x;
    double energy;
    final byte[] best;
    double bestEnergy;
    boolean bestIsCurrent;

    Kernel(int n, Vartype vartype, int[] free) {
        this.n = n;
        this.low = vartype.low();
        this.high = vartype.high();
        this.lowPlusHigh = low + high;
        this.free = free;
        this.x = new byte[n];
        this.best = new byte[n];
    }

    static int[] allVariables(int n) {
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = i;
        }
        return f;
    }

    /** Loads a state (assumed valid), recomputes every tracked sum and resets the best. */
    final void start(byte[] state) {
        System.arraycopy(state, 0, x, 0, n);
        recompute();
        bestEnergy = energy;
        bestIsCurrent = true;
    }

    /** Fills {@code out} with a uniformly random state: free variables low/high, the rest low. */
    final void randomState(SplittableRandom rng, byte[] out) {
        java.util.Arrays.fill(out, low);
        for (int v : free) {
            out[v] = rng.nextBoolean() ? high : low;
        }
    }

    /**
     * Fills {@code out} with the starting state of read {@code r}: the warm start {@code initial}
     * (assumed valid) for read 0 when there is one, otherwise a {@link #randomState} from {@code
     * rng}.
     */
    final void readStart(int r, byte[] initial, SplittableRandom rng, byte[] out) {
        if (r == 0 && initial != null) {
            System.arraycopy(initial, 0, out, 0, n);
        } else {
            randomState(rng, out);
        }
    }

    /** Recomputes the tracked sums and the energy from {@code x}. */
    abstract void recompute();

    /** The energy change of flipping free variable v. */
    abstract double delta(int v);

    /** Flips free variable v, updating the sums and the energy (not the best state). */
    abstract void flip(int v);

    /**
     * One Metropolis sweep of {@code free.length} proposals at inverse temperature beta: in the
     * order of {@code free} or, if {@code random}, at uniformly random free variables. Moves with
     * ΔE ≤ 0 are always accepted, others with probability exp(−β ΔE). Tracks the best state.
     */
    abstract void sweep(double beta, SplittableRandom rng, boolean random);

    /**
     * The Metropolis test u &lt; exp(−x) for x &gt; 0, without calling {@code Math.exp} when a
     * cheap bound decides: 1 − x + x²/2 − x³/6 ≤ exp(−x) ≤ 1/(1 + x + x²/2 + x³/6 + x⁴/24) for x ≥
     * 0 (Taylor remainders), so u below the lower bound accepts and u above the upper bound
     * rejects; only the few u in between need the exponential. The decision equals {@code u <
     * Math.exp(-x)} except when u lies within rounding (about 1e−16) of exp(−x).
     */
    static boolean metropolis(double u, double x) {
        double x2 = x * x;
        double x3 = x2 * x;
        if (u < 1 - x + 0.5 * x2 - x3 * (1.0 / 6)) {
            return true;
        }
        if (u * (1 + x + 0.5 * x2 + x3 * (1.0 / 6) + x2 * x2 * (1.0 / 24)) >= 1) {
            return false;
        }
        return u < Math.exp(-x);
    }

    /**
     * The Metropolis acceptance of a move with energy change de at inverse temperature beta: always
     * for de ≤ 0 (no random number drawn), otherwise {@link #metropolis} on one draw of {@code
     * rng}, and never when β·ΔE exceeds {@link #MAX_BETA_DELTA}.
     */
    static boolean accepts(double beta, double de, SplittableRandom rng) {
        if (de > 0) {
            double bde = beta * de;
            return !(bde > MAX_BETA_DELTA) && metropolis(rng.nextDouble(), bde);
        }
        return true;
    }

    /** Saves the current state as the best one before a move leaves it. */
    final void saveBest() {
        System.arraycopy(x, 0, best, 0, n);
        bestIsCurrent = false;
    }

    /** Records the current state as the best one if its energy is lower. */
    final void noteCurrent() {
        if (energy < bestEnergy) {
            bestEnergy = energy;
            bestIsCurrent = true;
        }
    }

    /** A copy of the best state seen since {@link #start}. */
    final byte[] bestState() {
        return bestIsCurrent ? x.clone() : best.clone();
    }
}
