package dev.qama.cim.sa;

import java.util.Locale;

/** The order in which a sweep of {@link SimulatedAnnealing} proposes single-variable flips. */
public enum SweepOrder {
    /**
     * Every free variable once per sweep, in index order (as dwave-samplers does): no random number
     * per proposal, cache-friendly, and every variable is visited exactly once per sweep (the
     * default).
     */
    SEQUENTIAL,
    /**
     * n proposals per sweep at uniformly random free variables (with replacement), as in the
     * textbook Metropolis chain and the QAMA authors' c_sa: satisfies detailed balance exactly at
     * fixed β, costs one extra random number per proposal, and may leave a variable unvisited.
     */
    RANDOM;

    /** Parses a name (case-insensitive), naming the accepted values in the error. */
    public static SweepOrder parse(String text, String where) {
        for (SweepOrder o : values()) {
            if (o.name().equalsIgnoreCase(text.trim())) {
                return o;
            }
        }
        throw new IllegalArgumentException(
                where + "=" + text + " is not a sweep order (sequential or random)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
