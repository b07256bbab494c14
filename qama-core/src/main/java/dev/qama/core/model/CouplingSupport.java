package dev.qama.core.model;

/** Pieces shared by the {@link Coupling} representations. */
final class CouplingSupport {
    private CouplingSupport() {}

    /**
     * Refuses a dense export of an n×n coupling when n exceeds {@code maxN} or n² entries do not
     * fit in one Java array.
     */
    static void checkDenseExport(int n, int maxN) {
        if (n > maxN) {
            throw new IllegalArgumentException(
                    "refusing a dense export of " + n + " variables (limit " + maxN + ")");
        }
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a dense coupling of n = "
                            + n
                            + " variables has n² = "
                            + (long) n * n
                            + " entries, which do not fit in one Java array");
        }
    }

    /** The smallest |v| over the non-zero entries of {@code values}, or 0 if there is none. */
    static double minAbsNonZero(float[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (float v : values) {
            if (v != 0f) {
                m = Math.min(m, Math.abs(v));
            }
        }
        return m == Double.POSITIVE_INFINITY ? 0 : m;
    }
}
