package dev.qama.core.model;

/**
 * The domain of the variables of a model.
 *
 * <p>{@link #SPIN} variables take the values −1 and +1 (Ising); {@link #BINARY} variables take 0
 * and 1 (QUBO). States are stored as {@code byte[]} holding exactly those values. The two domains
 * are related by s = 2x − 1; {@link BinaryQuadraticModel#toVartype(Vartype)} converts a model
 * exactly, offset included.
 */
public enum Vartype {
    /** Ising spins, values −1 and +1. */
    SPIN((byte) -1, (byte) 1),
    /** QUBO bits, values 0 and 1. */
    BINARY((byte) 0, (byte) 1);

    private final byte low;
    private final byte high;

    Vartype(byte low, byte high) {
        this.low = low;
        this.high = high;
    }

    /** The smaller of the two values a variable can take (−1 or 0). */
    public byte low() {
        return low;
    }

    /** The larger of the two values a variable can take (always 1). */
    public byte high() {
        return high;
    }

    /** Whether {@code value} is one of the two values of this domain. */
    public boolean isValue(int value) {
        return value == low || value == high;
    }

    /** The other value of a variable: −1 ↔ +1, or 0 ↔ 1. */
    public byte flip(byte value) {
        return value == high ? low : high;
    }

    /** Converts a value of this domain to the value of the same assignment in {@code target}. */
    public byte convert(byte value, Vartype target) {
        return value == high ? target.high : target.low;
    }

    /**
     * Validates a state: its length must be {@code n} and every entry one of this domain's values.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public void checkState(byte[] state, int n) {
        if (state == null) {
            throw new IllegalArgumentException("state is null");
        }
        if (state.length != n) {
            throw new IllegalArgumentException(
                    "state has " + state.length + " entries but the model has " + n + " variables");
        }
        for (int i = 0; i < n; i++) {
            if (!isValue(state[i])) {
                throw new IllegalArgumentException(
                        "state["
                                + i
                                + "] = "
                                + state[i]
                                + " is not a "
                                + this
                                + " value ("
                                + low
                                + " or "
                                + high
                                + ")");
            }
        }
    }
}
