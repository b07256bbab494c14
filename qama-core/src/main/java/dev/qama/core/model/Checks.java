package dev.qama.core.model;

import java.util.function.Supplier;

/**
 * Argument checks shared by the models: every message names the value and where it came from.
 *
 * <p>Where the name is composed ("linear terms of head " + t), pass it as a {@link Supplier}: the
 * text is then only made when the check fails. A composed String argument is built on every call,
 * and the JIT compiles the string concatenation into every hot caller (in {@code qama train} with
 * QAMA attention, most of the C2 compilation of the per-problem formulation code).
 */
public final class Checks {
    private Checks() {}

    /** Requires {@code value} to be finite; {@code what} names it in the message. */
    public static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value);
        }
        return value;
    }

    /** {@link #finite(double, String)} with the name made only on failure. */
    public static double finite(double value, Supplier<String> what) {
        if (!Double.isFinite(value)) {
            finite(value, what.get());
        }
        return value;
    }

    /** {@link #allFinite(float[], String)} with the name made only on failure. */
    public static float[] allFinite(float[] values, Supplier<String> what) {
        if (values == null) {
            return allFinite(values, what.get());
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return allFinite(values, what.get());
            }
        }
        return values;
    }

    /** Requires every entry of {@code values} to be finite. */
    public static float[] allFinite(float[] values, String what) {
        if (values == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        what + "[" + i + "] must be finite, got " + values[i]);
            }
        }
        return values;
    }

    /** Requires {@code value >= 0}. */
    public static int nonNegative(int value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + value);
        }
        return value;
    }

    /** Requires {@code value >= 1}. */
    public static int positive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
        return value;
    }

    /** Requires {@code array.length == expected}. */
    public static void length(int actual, long expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(
                    what + " has length " + actual + " but " + expected + " was expected");
        }
    }

    /** {@link #length(int, long, String)} with the name made only on failure. */
    public static void length(int actual, long expected, Supplier<String> what) {
        if (actual != expected) {
            length(actual, expected, what.get());
        }
    }
}
