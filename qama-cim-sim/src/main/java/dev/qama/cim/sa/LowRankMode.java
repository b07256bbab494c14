package dev.qama.cim.sa;

/**
 * How the single-flip kernels treat a {@link dev.qama.core.model.LowRankCoupling} J = s·(A·Bᵀ +
 * B·Aᵀ) − diag of rank r over n variables.
 *
 * <p>Kept factored, a proposal costs O(r) (the local field is rebuilt from the projections Aᵀz and
 * Bᵀz) and an accepted flip O(r). Expanded to a dense n×n array once per problem (O(n²·r) work, n²
 * floats), a proposal costs O(1) and an accepted flip O(n). Since most proposals of an anneal are
 * rejected, the dense form wins while n is a small multiple of r.
 */
public enum LowRankMode {
    /**
     * Expand when n ≤ {@value #AUTO_FACTOR}·r and n ≤ {@value #AUTO_MAX_DENSE}, keep factored
     * otherwise (the default). The paper's attention heads (N = 49, r = d = 8) are expanded; N =
     * 256 stays factored.
     */
    AUTO,
    /** Always expand (refused above {@value #AUTO_MAX_DENSE} variables per coupling). */
    DENSE,
    /** Never expand. */
    FACTORED;

    /** AUTO expands while n ≤ AUTO_FACTOR·r. */
    public static final int AUTO_FACTOR = 8;

    /** The largest n that is ever expanded (n² floats = 16 MiB). */
    public static final int AUTO_MAX_DENSE = 2048;

    /** Parses a name (case-insensitive), naming the accepted values in the error. */
    public static LowRankMode parse(String text, String where) {
        for (LowRankMode m : values()) {
            if (m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                where + "=" + text + " is not a low-rank mode (auto, dense or factored)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a coupling of size n and rank r is expanded under this mode. */
    public boolean expands(int n, int r) {
        return switch (this) {
            case AUTO -> n <= (long) AUTO_FACTOR * r && n <= AUTO_MAX_DENSE;
            case DENSE -> {
                if (n > AUTO_MAX_DENSE) {
                    throw new IllegalArgumentException(
                            "lowrank=dense refuses to expand a coupling of "
                                    + n
                                    + " variables (limit "
                                    + AUTO_MAX_DENSE
                                    + "); use auto or factored");
                }
                yield true;
            }
            case FACTORED -> false;
        };
    }
}
