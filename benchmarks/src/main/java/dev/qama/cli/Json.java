package dev.qama.cli;

import dev.qama.core.remote.JsonValue;

/**
 * A small writer of one JSON object per line, for the machine-readable output of the commands.
 * Strings are escaped per RFC 8259 (quotes, backslashes and control characters, and every non-ASCII
 * character as a {@code \\uXXXX} escape so the output is plain ASCII); non-finite numbers, which
 * JSON cannot carry, are written as {@code null}; integral doubles below 10¹⁵ are written without a
 * fraction ({@code -19412}, not {@code -19412.0}).
 *
 * <pre>{@code
 * String line = new Json().put("solver", "sb").put("energy", -3.5).toString();
 * // {"solver":"sb","energy":-3.5}
 * }</pre>
 */
public final class Json {
    private final StringBuilder sb = new StringBuilder("{");
    private boolean first = true;

    /** An empty object. */
    public Json() {}

    private StringBuilder key(String key) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        appendString(sb, key);
        return sb.append(':');
    }

    /** A string member ({@code null} writes JSON null). */
    public Json put(String key, String value) {
        StringBuilder b = key(key);
        if (value == null) {
            b.append("null");
        } else {
            appendString(b, value);
        }
        return this;
    }

    /** An integer member. */
    public Json put(String key, long value) {
        key(key).append(value);
        return this;
    }

    /** An integer member ({@code null} writes JSON null). */
    public Json put(String key, Integer value) {
        StringBuilder b = key(key);
        b.append(value == null ? "null" : value.toString());
        return this;
    }

    /** A number member ({@code null} or a non-finite value writes JSON null). */
    public Json put(String key, Double value) {
        appendNumber(key(key), value);
        return this;
    }

    /** A boolean member. */
    public Json put(String key, boolean value) {
        key(key).append(value);
        return this;
    }

    /** A nullable boolean member ({@code null} writes JSON null). */
    public Json put(String key, Boolean value) {
        key(key).append(value == null ? "null" : value.toString());
        return this;
    }

    /** An array of small integers (e.g. a state). */
    public Json put(String key, byte[] values) {
        StringBuilder b = key(key).append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(values[i]);
        }
        b.append(']');
        return this;
    }

    /** A nested object member ({@code null} writes JSON null). */
    public Json put(String key, Json object) {
        key(key).append(object == null ? "null" : object.toString());
        return this;
    }

    /**
     * An array member: {@link Json} objects, integers ({@link Long}, {@link Integer}), other
     * numbers, and strings (anything else: its toString).
     */
    public Json put(String key, java.util.List<?> values) {
        StringBuilder b = key(key).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Object v = values.get(i);
            if (v instanceof Json j) {
                b.append(j);
            } else if (v instanceof Long || v instanceof Integer) {
                b.append(v);
            } else if (v instanceof Number n) {
                appendNumber(b, n.doubleValue());
            } else {
                appendString(b, String.valueOf(v));
            }
        }
        b.append(']');
        return this;
    }

    /** The object's text, without a line end. */
    @Override
    public String toString() {
        return sb + "}";
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2);
        appendString(b, value);
        return b.toString();
    }

    private static void appendString(StringBuilder b, String s) {
        JsonValue.quote(b, s);
    }

    private static void appendNumber(StringBuilder b, Double value) {
        if (value == null || !Double.isFinite(value)) {
            b.append("null");
            return;
        }
        double d = value;
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            b.append((long) d);
        } else {
            b.append(d); // Double.toString: a valid JSON number for finite values
        }
    }

    /** A number as this writer formats it (for human-readable output too). */
    public static String number(double d) {
        StringBuilder b = new StringBuilder();
        appendNumber(b, d);
        return b.toString();
    }
}
