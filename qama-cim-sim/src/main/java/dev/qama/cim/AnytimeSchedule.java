package dev.qama.cim;

/**
 * How long each annealing run of an anytime solve is (a solve given a time limit and automatic
 * restarts): twice the previous run, or what fits in the time that remains, but never shorter than
 * the first run.
 *
 * <p>Why doubling: restarting the same short schedule over and over stops improving after a few
 * runs on large sparse instances, while a longer anneal keeps finding lower energies (measured on
 * generated 2-D ±1 tori and sparse random graphs of 10 000 nodes, docs/benchmarks.md "Anytime
 * solves of large sparse instances"). Doubling lets a short limit still finish several runs, and
 * spends most of a long one in long anneals: the runs before the last take at most as long as the
 * last. Sizing the last run to the remaining time (measured from the previous run's speed) keeps it
 * from being cut short at the deadline before it has cooled.
 */
public final class AnytimeSchedule {
    /** The share of the remaining time a run is sized to (the rest absorbs timing noise). */
    static final double FILL = 0.9;

    private AnytimeSchedule() {}

    /**
     * The length of the next run.
     *
     * @param first the length of the first run (the solver's configured schedule), ≥ 1
     * @param previous the length of the previous run, ≥ 1
     * @param previousNanos how long the previous run took, in nanoseconds (≤ 0: unknown)
     * @param remainingNanos the time left before the limit, in nanoseconds, or a negative value for
     *     no limit
     * @return min(2·previous, what fits in {@value #FILL} of the remaining time at the previous
     *     run's speed), and at least {@code first}
     */
    public static int next(int first, int previous, long previousNanos, long remainingNanos) {
        if (first < 1 || previous < 1) {
            throw new IllegalArgumentException(
                    "run lengths must be >= 1, got first " + first + ", previous " + previous);
        }
        long doubled = Math.min(2L * previous, Integer.MAX_VALUE);
        if (previousNanos <= 0 || remainingNanos < 0) {
            return (int) Math.max(first, doubled);
        }
        double perUnit = (double) previousNanos / previous;
        double fits = FILL * remainingNanos / perUnit;
        long len = fits < doubled ? (long) fits : doubled;
        return (int) Math.max(first, len);
    }
}
