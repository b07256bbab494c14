package dev.qama.core.spi;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One declared backend option: its key, type, range, default and a one-line description. A provider
 * lists its options in {@link AnnealerProvider#options()} and reads them through the typed getters
 * here, so each range is stated once and serves validation, listings ({@code qama solvers -v}) and
 * the annealer server's {@code /v1/info}.
 *
 * @param key the option key, e.g. {@code "steps"}
 * @param type the value type
 * @param min the smallest value (numeric types; otherwise 0)
 * @param max the largest value (numeric types; otherwise 0)
 * @param minExclusive whether {@code min} itself is excluded (a range {@code (min, max]})
 * @param maxExclusive whether {@code max} itself is excluded (a range {@code [min, max)})
 * @param defaultValue the default as text, e.g. {@code "0 (auto)"} or {@code "available
 *     processors"}; for {@link #intValue(BackendOptions)} and friends it must parse as the type
 * @param doc what the option does, one line
 * @param choices the accepted values of a {@link Type#CHOICE} (otherwise empty)
 */
public record OptionSpec(
        String key,
        Type type,
        double min,
        double max,
        boolean minExclusive,
        boolean maxExclusive,
        String defaultValue,
        String doc,
        List<String> choices) {

    /** The type of an option value. */
    public enum Type {
        /** A whole number in a range. */
        INT,
        /** A finite number in a range. */
        DOUBLE,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One of a fixed list of names. */
        CHOICE,
        /** Free text (a path, a duration, a list...). */
        STRING
    }

    /** Checks the declaration. */
    public OptionSpec {
        if (key == null || key.isBlank() || type == null || doc == null) {
            throw new IllegalArgumentException("option spec without key, type or doc: " + key);
        }
        if (min > max) {
            throw new IllegalArgumentException(
                    "option " + key + ": min " + min + " is above max " + max);
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** An int option in [min, max]. */
    public static OptionSpec ofInt(String key, int def, int min, int max, String doc) {
        return ofInt(key, Integer.toString(def), min, max, doc);
    }

    /** An int option in [min, max] whose default is described (e.g. "available processors"). */
    public static OptionSpec ofInt(String key, String def, int min, int max, String doc) {
        return new OptionSpec(key, Type.INT, min, max, false, false, def, doc, List.of());
    }

    /** A finite double option in [min, max]. */
    public static OptionSpec ofDouble(String key, double def, double min, double max, String doc) {
        return new OptionSpec(key, Type.DOUBLE, min, max, false, false, fmt(def), doc, List.of());
    }

    /** A finite double option in (0, max]. */
    public static OptionSpec ofPositive(String key, double def, double max, String doc) {
        return new OptionSpec(key, Type.DOUBLE, 0, max, true, false, fmt(def), doc, List.of());
    }

    /** A finite double option in (min, max): both ends excluded. */
    public static OptionSpec ofOpen(String key, double def, double min, double max, String doc) {
        return new OptionSpec(key, Type.DOUBLE, min, max, true, true, fmt(def), doc, List.of());
    }

    /** A boolean option. */
    public static OptionSpec ofBoolean(String key, boolean def, String doc) {
        return new OptionSpec(
                key, Type.BOOLEAN, 0, 0, false, false, Boolean.toString(def), doc, List.of());
    }

    /** A text option; {@code def} may be null (not set). */
    public static OptionSpec ofString(String key, String def, String doc) {
        return new OptionSpec(key, Type.STRING, 0, 0, false, false, def, doc, List.of());
    }

    /**
     * An option naming one of {@code choices} (compared ignoring case); the caller's parser of the
     * name may accept more spellings.
     */
    public static OptionSpec ofChoice(String key, String def, List<String> choices, String doc) {
        return new OptionSpec(key, Type.CHOICE, 0, 0, false, false, def, doc, choices);
    }

    /** The keys of {@code specs}, in order. */
    public static Set<String> keys(Collection<OptionSpec> specs) {
        Set<String> s = new LinkedHashSet<>();
        for (OptionSpec o : specs) {
            s.add(o.key);
        }
        return s;
    }

    /**
     * Rejects any key of {@code options} not declared in {@code specs} (the message lists the
     * declared keys).
     */
    public static void requireDeclared(BackendOptions options, Collection<OptionSpec> specs) {
        options.requireOnly(keys(specs));
    }

    /**
     * The accepted values as text: {@code [1, 1024]}, {@code (0, 100]}, {@code true|false}, {@code
     * auto|scalar|vector}, or empty for free text.
     */
    public String range() {
        switch (type) {
            case INT:
                return "[" + (long) min + ", " + (long) max + "]";
            case DOUBLE:
                return (minExclusive ? "(" : "[")
                        + fmt(min)
                        + ", "
                        + fmt(max)
                        + (maxExclusive ? ")" : "]");
            case BOOLEAN:
                return "true|false";
            case CHOICE:
                return String.join("|", choices);
            default:
                return "";
        }
    }

    /** The value of an {@link Type#INT} option: set, or the declared default. */
    public int intValue(BackendOptions options) {
        return intValue(options, Integer.parseInt(defaultValue));
    }

    /**
     * The value of an {@link Type#INT} option, or {@code def} when unset (for a default computed at
     * run time).
     *
     * @throws IllegalArgumentException naming key, value and range when it is not an integer in
     *     range
     */
    public int intValue(BackendOptions options, int def) {
        requireType(Type.INT);
        String v = options.asMap().get(key);
        if (v == null) {
            return def;
        }
        int x;
        try {
            x = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "backend option " + key + "=" + v + " is not an integer in " + range());
        }
        if (x < min || x > max) {
            throw outOfRange(v);
        }
        return x;
    }

    /**
     * The value of a {@link Type#DOUBLE} option: set, or the declared default.
     *
     * @throws IllegalArgumentException naming key, value and range when it is not a finite number
     *     in range
     */
    public double doubleValue(BackendOptions options) {
        requireType(Type.DOUBLE);
        String v = options.asMap().get(key);
        if (v == null) {
            return Double.parseDouble(defaultValue);
        }
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "backend option " + key + "=" + v + " is not a number in " + range());
        }
        if (!inRange(x)) {
            throw outOfRange(v);
        }
        return x;
    }

    /** The value of a {@link Type#BOOLEAN} option: set, or the declared default. */
    public boolean booleanValue(BackendOptions options) {
        requireType(Type.BOOLEAN);
        return options.getBoolean(key, Boolean.parseBoolean(defaultValue));
    }

    /**
     * The text of a {@link Type#STRING} or {@link Type#CHOICE} option: set, or the declared default
     * (a choice is checked by the caller's parser of the name).
     */
    public String stringValue(BackendOptions options) {
        if (type != Type.STRING && type != Type.CHOICE) {
            requireType(Type.STRING);
        }
        return options.getString(key, defaultValue);
    }

    /**
     * Requires {@code value} (set in code, e.g. a config record's constructor) to be in range.
     *
     * @throws IllegalArgumentException "KEY must be in RANGE, got VALUE"
     */
    public int check(int value) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be in " + range() + ", got " + value);
        }
        return value;
    }

    /**
     * Requires {@code value} (set in code) to be finite and in range.
     *
     * @throws IllegalArgumentException "KEY must be a finite number in RANGE, got VALUE"
     */
    public double check(double value) {
        if (!inRange(value)) {
            throw new IllegalArgumentException(
                    key + " must be a finite number in " + range() + ", got " + value);
        }
        return value;
    }

    /** The declaration as a JSON-friendly map (key, type, range, min, max, default, doc...). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("type", type.name().toLowerCase(java.util.Locale.ROOT));
        if (type == Type.INT) {
            m.put("min", (long) min);
            m.put("max", (long) max);
        } else if (type == Type.DOUBLE) {
            m.put("min", min);
            m.put("max", max);
            m.put("minExclusive", minExclusive);
            m.put("maxExclusive", maxExclusive);
        } else if (type == Type.CHOICE) {
            m.put("choices", choices);
        }
        m.put("range", range());
        m.put("default", defaultValue);
        m.put("doc", doc);
        return m;
    }

    private boolean inRange(double x) {
        return Double.isFinite(x)
                && (minExclusive ? x > min : x >= min)
                && (maxExclusive ? x < max : x <= max);
    }

    private IllegalArgumentException outOfRange(String v) {
        return new IllegalArgumentException(
                "backend option " + key + "=" + v + " is out of range " + range());
    }

    private void requireType(Type t) {
        if (type != t) {
            throw new IllegalStateException("option " + key + " is " + type + ", not " + t);
        }
    }

    private static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x);
    }
}
