package dev.qama.core.spi;

/**
 * What a backend can take.
 *
 * @param maxVariables the largest problem it solves (variables), e.g. 550 for a CPQC-550
 * @param couplingBits the precision couplings are reduced to (8 for CPQC hardware), or 0 for full
 *     float32 precision
 * @param remote whether problems leave this process
 * @param structuredAttention whether it solves {@link dev.qama.core.attention.AttentionProblem}
 *     natively (without a dense export)
 * @param exact whether it returns a proven ground state
 */
public record BackendCapabilities(
        int maxVariables,
        int couplingBits,
        boolean remote,
        boolean structuredAttention,
        boolean exact) {

    /** Validates the fields. */
    public BackendCapabilities {
        if (maxVariables < 0) {
            throw new IllegalArgumentException("maxVariables must be >= 0, got " + maxVariables);
        }
        if (couplingBits < 0 || couplingBits > 32) {
            throw new IllegalArgumentException(
                    "couplingBits must be in [0, 32], got " + couplingBits);
        }
    }
}
