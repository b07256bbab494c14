package dev.qama.cim;

/**
 * Validation helpers shared by the solvers' parameter records; messages name the knob and quote the
 * bad value.
 */
public final class Knob {
    private Knob() {}

    /** Requires an int in [min, max]. */
    public static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Requires a finite double in [min, max]. */
    public static double range(String name, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new IllegalArgumentException(
                    name + " must be a finite number in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** Requires a finite double &gt; 0 and ≤ max. */
    public static double positive(String name, double value, double max) {
        if (!Double.isFinite(value) || value <= 0 || value > max) {
            throw new IllegalArgumentException(
                    name + " must be a finite number in (0, " + max + "], got " + value);
        }
        return value;
    }
}
