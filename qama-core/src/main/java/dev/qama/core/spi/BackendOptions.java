package dev.qama.core.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * String-valued knob settings for a backend (from a CLI, a system property or code), with typed
 * getters whose errors name the key and the bad value. A provider calls {@link #requireOnly(Set)}
 * so that a misspelt key is an error rather than silently ignored.
 */
public final class BackendOptions {
    private static final BackendOptions EMPTY = new BackendOptions(Map.of());
    private final Map<String, String> values;

    private BackendOptions(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** No options: every knob at its default. */
    public static BackendOptions empty() {
        return EMPTY;
    }

    /** Options from a map (copied). */
    public static BackendOptions of(Map<String, String> values) {
        if (values == null) {
            return EMPTY;
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("backend option with a null key or value: " + e);
            }
        }
        return new BackendOptions(values);
    }

    /**
     * Parses {@code "key=value,key=value"} (blank → empty).
     *
     * @throws IllegalArgumentException on an entry without '='
     */
    public static BackendOptions parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<String, String> m = new TreeMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "backend option '" + p + "' is not of the form key=value");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return new BackendOptions(m);
    }

    /** All settings. */
    public Map<String, String> asMap() {
        return values;
    }

    /** A copy with one more setting. */
    public BackendOptions with(String key, String value) {
        Map<String, String> m = new TreeMap<>(values);
        m.put(key, value);
        return new BackendOptions(m);
    }

    /** Rejects any key not in {@code known}, listing the known keys. */
    public void requireOnly(Set<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown backend option '"
                                + k
                                + "'; known options: "
                                + new TreeSet<>(known));
            }
        }
    }

    /**
     * A copy in which every key of {@code keys} that is not set takes the value of the system
     * property {@code prefix + key}, where that property is set: options win over properties.
     */
    public BackendOptions withSystemProperties(String prefix, Set<String> keys) {
        Map<String, String> m = null;
        for (String k : keys) {
            String v = System.getProperty(prefix + k);
            if (v != null && !values.containsKey(k)) {
                if (m == null) {
                    m = new TreeMap<>(values);
                }
                m.put(k, v);
            }
        }
        return m == null ? this : new BackendOptions(m);
    }

    /** A string option. */
    public String getString(String key, String def) {
        return values.getOrDefault(key, def);
    }

    /** An int option in [min, max]. */
    public int getInt(String key, int def, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        int x;
        try {
            x = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "backend option " + key + "=" + v + " is not an integer");
        }
        if (x < min || x > max) {
            throw outOfRange(key, v, min, max);
        }
        return x;
    }

    /** A finite double option in [min, max]. */
    public double getDouble(String key, double def, double min, double max) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "backend option " + key + "=" + v + " is not a number");
        }
        if (!Double.isFinite(x) || x < min || x > max) {
            throw outOfRange(key, v, min, max);
        }
        return x;
    }

    /** A boolean option ("true"/"false"). */
    public boolean getBoolean(String key, boolean def) {
        String v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(
                "backend option " + key + "=" + v + " is not true or false");
    }

    private static IllegalArgumentException outOfRange(
            String key, String value, Object min, Object max) {
        return new IllegalArgumentException(
                "backend option "
                        + key
                        + "="
                        + value
                        + " is out of range ["
                        + min
                        + ", "
                        + max
                        + "]");
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
