package dev.qama.cim.sa;

import java.util.Locale;

/** The shape of the β schedule of {@link SimulatedAnnealing}, one β per sweep. */
public enum ScheduleType {
    /**
     * β_s = β_hot·(β_cold/β_hot)^(s/(S−1)): equal time per decade of temperature, the usual choice
     * when the relevant temperature scale is not known in advance (the default).
     */
    GEOMETRIC,
    /** β_s = β_hot + (β_cold − β_hot)·s/(S−1): spends most sweeps cold. */
    LINEAR,
    /** A user-given list of β values, one per sweep, used as given. */
    CUSTOM;

    /** Parses a name (case-insensitive), naming the accepted values in the error. */
    public static ScheduleType parse(String text, String where) {
        for (ScheduleType t : values()) {
            if (t.name().equalsIgnoreCase(text.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                where + "=" + text + " is not a schedule type (geometric, linear or custom)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
