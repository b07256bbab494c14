package dev.qama.core.spi;

import dev.qama.core.model.Problem;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The reads of one problem, sorted by energy (best first; ties keep read order), with the energies
 * recomputed from the problem by {@link #of}, so a reported energy always equals the model's energy
 * of the state. Immutable.
 */
public final class SolveResult {
    private final byte[][] states;
    private final double[] energies;
    private final SolveStatus status;
    private final long seed;

    private SolveResult(byte[][] states, double[] energies, SolveStatus status, long seed) {
        this.states = states;
        this.energies = energies;
        this.status = status;
        this.seed = seed;
    }

    /**
     * Builds a result from the raw reads of a solver: validates every state against the problem,
     * recomputes its energy and sorts.
     *
     * @throws IllegalStateException if a state is invalid (a solver bug)
     */
    public static SolveResult of(Problem problem, byte[][] reads, SolveStatus status, long seed) {
        int m = reads.length;
        double[] e = new double[m];
        for (int r = 0; r < m; r++) {
            try {
                e[r] = problem.energy(reads[r]);
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException(
                        "solver returned an invalid state for read " + r + ": " + ex.getMessage(),
                        ex);
            }
        }
        Integer[] order = new Integer[m];
        for (int r = 0; r < m; r++) {
            order[r] = r;
        }
        Arrays.sort(order, Comparator.comparingDouble(r -> e[r]));
        byte[][] s = new byte[m][];
        double[] es = new double[m];
        for (int r = 0; r < m; r++) {
            s[r] = reads[order[r]].clone();
            es[r] = e[order[r]];
        }
        return new SolveResult(s, es, status, seed);
    }

    /** The number of reads. */
    public int size() {
        return states.length;
    }

    /** The lowest-energy state (a copy). */
    public byte[] best() {
        return states[0].clone();
    }

    /** The lowest energy. */
    public double bestEnergy() {
        return energies[0];
    }

    /** State of read r in sorted order (a copy). */
    public byte[] state(int r) {
        return states[r].clone();
    }

    /** Energy of read r in sorted order. */
    public double energy(int r) {
        return energies[r];
    }

    /** All energies, sorted (a copy). */
    public double[] energies() {
        return energies.clone();
    }

    /** Why the solve of this problem ended. */
    public SolveStatus status() {
        return status;
    }

    /** The seed this problem was solved with. */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "SolveResult[reads=" + states.length + ", best=" + energies[0] + ", " + status + "]";
    }
}
