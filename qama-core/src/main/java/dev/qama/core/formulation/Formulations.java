package dev.qama.core.formulation;

import dev.qama.core.attention.AttentionProblem;

/** Shared checks and state helpers of the formulations. */
final class Formulations {
    private Formulations() {}

    /**
     * Requires a valid batch index and H ≥ 1, d ≥ 1. No size limit: a formulation that builds a
     * dense N×N array checks its size with {@link #checkDenseSize} where it builds it.
     */
    static void checkBuildable(AttentionInputs in, int b, String formulation) {
        if (in == null) {
            throw new IllegalArgumentException(formulation + ": attention inputs are null");
        }
        in.checkBatchIndex(b);
        if (in.heads() < 1) {
            throw new IllegalArgumentException(
                    formulation + " needs at least one head, got H = " + in.heads());
        }
        if (in.dim() < 1) {
            throw new IllegalArgumentException(
                    formulation + " needs a per-head width d >= 1, got d = " + in.dim());
        }
    }

    /**
     * Requires that {@code count} entries of a dense array, {@code what} (for example "the N×N
     * coupling of one head"), fit in one Java array. Called only where such an array is really
     * built: factored couplings need none.
     */
    static void checkDenseSize(long count, String formulation, String what) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    formulation
                            + ": "
                            + what
                            + " has "
                            + count
                            + " entries and does not fit in one Java array");
        }
    }

    /**
     * Validates a state of the problem of batch element b (length H·N·q, values 0/1, masked bits 0)
     * and returns the soft-selection weights w[t·N + i] = Σ_k u_k x_{t,i,k}.
     */
    static double[] weights(AttentionInputs in, int b, int bits, byte[] x) {
        int heads = in.heads();
        int tokens = in.tokens();
        if (x == null) {
            throw new IllegalArgumentException("state x is null");
        }
        long n = (long) heads * tokens * bits;
        if (x.length != n) {
            throw new IllegalArgumentException(
                    "state x has length "
                            + x.length
                            + " but H·N·q = "
                            + n
                            + " (H="
                            + heads
                            + ", N="
                            + tokens
                            + ", q="
                            + bits
                            + ") was expected");
        }
        double[] u = AttentionProblem.bitWeights(bits);
        double[] w = new double[heads * tokens];
        for (int t = 0; t < heads; t++) {
            for (int i = 0; i < tokens; i++) {
                int base = (t * tokens + i) * bits;
                double s = 0;
                for (int k = 0; k < bits; k++) {
                    byte xv = x[base + k];
                    if (xv != 0 && xv != 1) {
                        throw new IllegalArgumentException(
                                "state x[" + (base + k) + "] = " + xv + " is not 0 or 1");
                    }
                    if (xv == 1 && in.isMasked(b, i)) {
                        throw new IllegalArgumentException(
                                "state selects masked token "
                                        + i
                                        + " of batch element "
                                        + b
                                        + " (head "
                                        + t
                                        + ", bit "
                                        + k
                                        + "); masked tokens can never be selected");
                    }
                    s += u[k] * xv;
                }
                w[t * tokens + i] = s;
            }
        }
        return w;
    }

    /** Σ_{t&lt;t'} Σ_i Σ_k x_{t,i,k} x_{t',i,k} for a validated state. */
    static long penaltyPairs(byte[] x, int heads, int tokens, int bits) {
        long pairs = 0;
        for (int i = 0; i < tokens; i++) {
            for (int k = 0; k < bits; k++) {
                long c = 0;
                for (int t = 0; t < heads; t++) {
                    c += x[(t * tokens + i) * bits + k];
                }
                pairs += c * (c - 1) / 2;
            }
        }
        return pairs;
    }

    static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value);
        }
        return value;
    }

    static double finiteNonNegative(double value, String what) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    /** Validates token weights g (length H·N, finite); null → all ones. */
    static double[] tokenWeights(double[] g, int heads, int tokens) {
        int n = heads * tokens;
        if (g == null) {
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1.0);
            return ones;
        }
        if (g.length != n) {
            throw new IllegalArgumentException(
                    "token weights have length "
                            + g.length
                            + " but H·N = "
                            + n
                            + " (H="
                            + heads
                            + ", N="
                            + tokens
                            + ") was expected");
        }
        for (int p = 0; p < n; p++) {
            if (!Double.isFinite(g[p])) {
                throw new IllegalArgumentException(
                        "token weight g["
                                + p
                                + "] (head "
                                + p / Math.max(1, tokens)
                                + ", token "
                                + p % Math.max(1, tokens)
                                + ") must be finite, got "
                                + g[p]);
            }
        }
        return g;
    }
}
