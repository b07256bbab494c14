package dev.qama.core.attention;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Checks;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The structured QUBO of one batch element of a QAMA layer: H heads × N tokens × q soft-selection
 * bits.
 *
 * <h2>Variables</h2>
 *
 * Bit x_{t,i,k} ∈ {0, 1} (head t, token i, bit k) has index {@code (t·N + i)·q + k}. The soft
 * selection weight of token i in head t is w_{t,i} = Σ_k u_k x_{t,i,k} with u_k = 2^k / (2^q − 1),
 * so w ∈ {0, 1/(2^q−1), …, 1}; with q = 1, w = x (the paper-v2 case).
 *
 * <h2>Energy (minimised)</h2>
 *
 * <pre>
 *   E(x) = − a Σ_t [ w_tᵀ C_t w_t + Σ_i D_{t,i} w_{t,i}² ]
 *          − b Σ_t Σ_i h_{t,i} w_{t,i}
 *          + ρ Σ_{t&lt;t'} Σ_i Σ_k x_{t,i,k} x_{t',i,k}
 * </pre>
 *
 * where C_t is the symmetric zero-diagonal coupling of head t (dense, sparse or low-rank, so w_tᵀ
 * C_t w_t = Σ_{i≠j} C_{t,ij} w_i w_j counts each pair twice), D_t an optional diagonal (paper-v1's
 * J_ii), h_t the linear terms, a the coupling weight, b the linear weight and ρ the multi-head
 * penalty weight (0 when H = 1). Masked tokens are never selected: their bits are fixed at 0, the
 * energy refuses states that set them, and solvers must leave them at 0.
 *
 * <p>The dense (H·N·q)² matrix is never built; {@link #toBinaryModel(int)} exports one for small
 * sizes only, for cross-checks. Incremental evaluation (O(1) flip deltas, O(N) updates per accepted
 * flip, O(r) with a low-rank coupling) is in {@link AttentionState}.
 *
 * <p>Instances are immutable and thread-safe. Build them with {@link #builder(int, int, int)}.
 */
public final class AttentionProblem implements Problem {
    /** The largest variable count {@link #toBinaryModel(int)} accepts by default. */
    public static final int DEFAULT_EXPORT_LIMIT = 4096;

    private final int heads;
    private final int tokens;
    private final int bits;
    private final Coupling[] couplings;
    private final float[][] diagonal; // null entries = zero
    private final float[][] linear;
    private final boolean[] masked;
    private final double couplingWeight;
    private final double linearWeight;
    private final double penaltyWeight;
    private final double[] bitWeights;
    private final boolean anyMasked;

    /** Eight state bytes at a time as one long, for {@link #checkState}'s fast path. */
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private AttentionProblem(Builder b) {
        this.heads = b.heads;
        this.tokens = b.tokens;
        this.bits = b.bits;
        this.couplings = b.couplings.clone();
        this.diagonal = b.diagonal.clone();
        this.linear = b.linear.clone();
        this.masked = b.masked.clone();
        this.couplingWeight = b.couplingWeight;
        this.linearWeight = b.linearWeight;
        this.penaltyWeight = heads > 1 ? b.penaltyWeight : 0.0;
        this.bitWeights = bitWeights(bits);
        boolean any = false;
        for (boolean m : masked) {
            any |= m;
        }
        this.anyMasked = any;
    }

    /**
     * The bit weights u_k = 2^k / (2^q − 1), k = 0 … q−1; they sum to 1.
     *
     * @throws IllegalArgumentException unless 1 ≤ q ≤ 16
     */
    public static double[] bitWeights(int q) {
        if (q < 1 || q > 16) {
            throw new IllegalArgumentException(
                    "soft-selection bits q must be in [1, 16], got " + q);
        }
        double denom = (1 << q) - 1;
        double[] u = new double[q];
        for (int k = 0; k < q; k++) {
            u[k] = (1 << k) / denom;
        }
        return u;
    }

    /** A builder for H heads, N tokens and q bits per token. */
    public static Builder builder(int heads, int tokens, int bits) {
        return new Builder(heads, tokens, bits);
    }

    /** H. */
    public int heads() {
        return heads;
    }

    /** N. */
    public int tokens() {
        return tokens;
    }

    /** q. */
    public int bits() {
        return bits;
    }

    /** The coupling C_t of head t. */
    public Coupling coupling(int head) {
        return couplings[head];
    }

    /** The diagonal D_t of head t (read-only), or null if it is zero. */
    public float[] diagonal(int head) {
        return diagonal[head];
    }

    /** The linear terms h_t of head t (read-only). */
    public float[] linear(int head) {
        return linear[head];
    }

    /** Whether token i is masked (can never be selected). */
    public boolean isMasked(int token) {
        return masked[token];
    }

    /** The coupling weight a. */
    public double couplingWeight() {
        return couplingWeight;
    }

    /** The linear weight b. */
    public double linearWeight() {
        return linearWeight;
    }

    /** The multi-head penalty weight ρ (0 when H = 1). */
    public double penaltyWeight() {
        return penaltyWeight;
    }

    /** u_k (read-only). */
    public double[] bitWeights() {
        return bitWeights;
    }

    /** The index of bit (t, i, k). */
    public int index(int head, int token, int bit) {
        return (head * tokens + token) * bits + bit;
    }

    @Override
    public Vartype vartype() {
        return Vartype.BINARY;
    }

    @Override
    public int numVariables() {
        return heads * tokens * bits;
    }

    @Override
    public boolean isFree(int variable) {
        return !masked[(variable / bits) % tokens];
    }

    /** The soft-selection weights w[t·N + i] of a state. */
    public double[] weights(byte[] x) {
        double[] w = new double[heads * tokens];
        if (bits == 1) { // w = 0 + u_0·x, as the general loop computes it
            double u = bitWeights[0];
            for (int j = 0; j < w.length; j++) {
                w[j] = 0.0 + u * x[j];
            }
            return w;
        }
        for (int t = 0; t < heads; t++) {
            for (int i = 0; i < tokens; i++) {
                int base = (t * tokens + i) * bits;
                double s = 0;
                for (int k = 0; k < bits; k++) {
                    s += bitWeights[k] * x[base + k];
                }
                w[t * tokens + i] = s;
            }
        }
        return w;
    }

    /** Validates a state: length, 0/1 values, and no bit of a masked token set. */
    public void checkState(byte[] x) {
        if (isValidState(x)) {
            return;
        }
        // the entry-by-entry checks, which name the first bad entry
        Vartype.BINARY.checkState(x, numVariables());
        for (int t = 0; t < heads; t++) {
            for (int i = 0; i < tokens; i++) {
                if (!masked[i]) {
                    continue;
                }
                for (int k = 0; k < bits; k++) {
                    if (x[index(t, i, k)] != 0) {
                        throw new IllegalArgumentException(
                                "state selects masked token "
                                        + i
                                        + " (head "
                                        + t
                                        + ", bit "
                                        + k
                                        + "); masked tokens can never be selected");
                    }
                }
            }
        }
    }

    /**
     * Whether {@code x} is a valid state, without a branch per entry: its bytes eight at a time
     * (any bit but the lowest set means a value other than 0 or 1), then the bits of masked tokens
     * (only when some token is masked). False sends {@link #checkState} to the checks that name the
     * first bad entry.
     */
    private boolean isValidState(byte[] x) {
        int n = heads * tokens * bits;
        if (x == null || x.length != n) {
            return false;
        }
        long bad = 0;
        int p = 0;
        for (; p + 7 < n; p += 8) {
            bad |= (long) LONGS.get(x, p) & 0xFEFE_FEFE_FEFE_FEFEL;
        }
        for (; p < n; p++) {
            bad |= x[p] & 0xFE;
        }
        if (anyMasked) {
            for (int t = 0; t < heads; t++) {
                for (int i = 0; i < tokens; i++) {
                    if (masked[i]) {
                        for (int k = 0; k < bits; k++) {
                            bad |= x[index(t, i, k)];
                        }
                    }
                }
            }
        }
        return bad == 0;
    }

    @Override
    public double energy(byte[] x) {
        checkState(x);
        return energyOfWeights(weights(x), penaltyPairs(x));
    }

    /**
     * Σ_{t&lt;t'} Σ_i Σ_k x_{t,i,k} x_{t',i,k}: the number of doubly-selected bits over head pairs.
     */
    public long penaltyPairs(byte[] x) {
        long pairs = 0;
        for (int i = 0; i < tokens; i++) {
            for (int k = 0; k < bits; k++) {
                long c = 0;
                for (int t = 0; t < heads; t++) {
                    c += x[index(t, i, k)];
                }
                pairs += c * (c - 1) / 2;
            }
        }
        return pairs;
    }

    /** The energy given the weights w[t·N + i] and the penalty pair count. */
    double energyOfWeights(double[] w, long penaltyPairs) {
        double e = 0;
        double[] wt = new double[tokens];
        for (int t = 0; t < heads; t++) {
            System.arraycopy(w, t * tokens, wt, 0, tokens);
            double quad = couplings[t].quadraticForm(wt);
            float[] d = diagonal[t];
            if (d != null) {
                for (int i = 0; i < tokens; i++) {
                    quad += d[i] * wt[i] * wt[i];
                }
            }
            double lin = 0;
            float[] h = linear[t];
            for (int i = 0; i < tokens; i++) {
                lin += h[i] * wt[i];
            }
            e += -couplingWeight * quad - linearWeight * lin;
        }
        return e + penaltyWeight * penaltyPairs;
    }

    /**
     * Per-token energies as used for the layer output: H_{t,i} = −a w_i (Σ_j C_ij w_j + D_i w_i) −
     * b h_i w_i (without the penalty), laid out as [t·N + i]. They sum to E minus the penalty.
     */
    public double[] tokenEnergies(byte[] x) {
        checkState(x);
        double[] w = weights(x);
        double[] out = new double[heads * tokens];
        double[] wt = new double[tokens];
        double[] g = new double[tokens];
        for (int t = 0; t < heads; t++) {
            System.arraycopy(w, t * tokens, wt, 0, tokens);
            couplings[t].multiply(wt, g);
            float[] d = diagonal[t];
            for (int i = 0; i < tokens; i++) {
                double di = d == null ? 0 : d[i];
                out[t * tokens + i] =
                        -couplingWeight * wt[i] * (g[i] + di * wt[i])
                                - linearWeight * linear[t][i] * wt[i];
            }
        }
        return out;
    }

    /** A fresh incremental state at {@code x} (validated and copied). */
    public AttentionState newState(byte[] x) {
        return new AttentionState(this, x);
    }

    /**
     * Exports the equivalent QUBO over all H·N·q bits as a {@link BinaryQuadraticModel} with a
     * dense coupling, for cross-checks on small sizes. Bits of masked tokens get a zero row and
     * column and stay free in the export: solve it with those bits fixed at 0, e.g. through {@link
     * #freeModel(int)}.
     *
     * @throws IllegalArgumentException if H·N·q exceeds {@code maxVariables}
     */
    public BinaryQuadraticModel toBinaryModel(int maxVariables) {
        int n = numVariables();
        if (n > maxVariables) {
            throw new IllegalArgumentException(
                    "refusing a dense export of "
                            + n
                            + " variables (H="
                            + heads
                            + ", N="
                            + tokens
                            + ", q="
                            + bits
                            + "; limit "
                            + maxVariables
                            + ")");
        }
        if ((long) n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a dense QUBO of n = "
                            + n
                            + " variables has n² = "
                            + (long) n * n
                            + " entries, which do not fit in one Java array");
        }
        float[] h = new float[n];
        float[] j = new float[n * n];
        double[] u = bitWeights;
        for (int t = 0; t < heads; t++) {
            Coupling c = couplings[t];
            float[] d = diagonal[t];
            for (int i = 0; i < tokens; i++) {
                if (masked[i]) {
                    continue;
                }
                double di = d == null ? 0 : d[i];
                for (int k = 0; k < bits; k++) {
                    int v = index(t, i, k);
                    h[v] =
                            (float)
                                    (-linearWeight * linear[t][i] * u[k]
                                            - couplingWeight * di * u[k] * u[k]);
                    for (int l = k + 1; l < bits; l++) {
                        float p = (float) (-2 * couplingWeight * di * u[k] * u[l]);
                        int v2 = index(t, i, l);
                        j[v * n + v2] = p;
                        j[v2 * n + v] = p;
                    }
                    for (int jj = i + 1; jj < tokens; jj++) {
                        if (masked[jj]) {
                            continue;
                        }
                        double cij = c.get(i, jj);
                        if (cij == 0) {
                            continue;
                        }
                        for (int l = 0; l < bits; l++) {
                            float p = (float) (-2 * couplingWeight * cij * u[k] * u[l]);
                            int v2 = index(t, jj, l);
                            j[v * n + v2] = p;
                            j[v2 * n + v] = p;
                        }
                    }
                    for (int t2 = t + 1; t2 < heads; t2++) {
                        int v2 = index(t2, i, k);
                        j[v * n + v2] = (float) penaltyWeight;
                        j[v2 * n + v] = (float) penaltyWeight;
                    }
                }
            }
        }
        return BinaryQuadraticModel.of(Vartype.BINARY, h, DenseCoupling.ofSymmetric(n, j), 0.0);
    }

    /**
     * The exported QUBO restricted to the free (unmasked) bits, with the map back to full indices.
     * Since masked bits are 0, dropping them is exact.
     */
    public FreeModel freeModel(int maxVariables) {
        BinaryQuadraticModel full = toBinaryModel(maxVariables);
        int n = numVariables();
        int[] free = new int[n];
        int m = 0;
        for (int v = 0; v < n; v++) {
            if (isFree(v)) {
                free[m++] = v;
            }
        }
        free = Arrays.copyOf(free, m);
        float[] h = new float[m];
        float[] j = new float[m * m];
        for (int a = 0; a < m; a++) {
            h[a] = full.linear(free[a]);
            for (int b = 0; b < m; b++) {
                j[a * m + b] = (float) full.coupling().get(free[a], free[b]);
            }
        }
        return new FreeModel(
                BinaryQuadraticModel.of(Vartype.BINARY, h, DenseCoupling.ofSymmetric(m, j), 0.0),
                free,
                n);
    }

    /**
     * A QUBO over the free bits of an attention problem, and the indices of those bits.
     *
     * @param model the reduced model
     * @param variables {@code variables[a]} is the full index of reduced variable a
     * @param fullSize H·N·q
     */
    public record FreeModel(BinaryQuadraticModel model, int[] variables, int fullSize) {
        /** Expands a reduced state to a full one (masked bits 0). */
        public byte[] expand(byte[] reduced) {
            byte[] x = new byte[fullSize];
            for (int a = 0; a < variables.length; a++) {
                x[variables[a]] = reduced[a];
            }
            return x;
        }
    }

    @Override
    public String toString() {
        return "AttentionProblem[H="
                + heads
                + ", N="
                + tokens
                + ", q="
                + bits
                + ", coupling="
                + couplings[0]
                + "]";
    }

    /**
     * Collects the per-head terms. Every head needs a coupling and linear terms; the diagonal, mask
     * and weights are optional.
     */
    public static final class Builder {
        private final int heads;
        private final int tokens;
        private final int bits;
        private final Coupling[] couplings;
        private final float[][] diagonal;
        private final float[][] linear;
        private boolean[] masked;
        private double couplingWeight = 1;
        private double linearWeight = 1;
        private double penaltyWeight = 0;

        private Builder(int heads, int tokens, int bits) {
            this.heads = Checks.positive(heads, "heads H");
            this.tokens = Checks.nonNegative(tokens, "tokens N");
            bitWeights(bits); // validates q
            this.bits = bits;
            if ((long) heads * tokens * bits > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "H·N·q = " + (long) heads * tokens * bits + " variables is too many");
            }
            this.couplings = new Coupling[heads];
            this.diagonal = new float[heads][];
            this.linear = new float[heads][];
            this.masked = new boolean[tokens];
        }

        private int head(int t) {
            if (t < 0 || t >= heads) {
                throw new IllegalArgumentException(
                        "head " + t + " is out of range [0, " + heads + ")");
            }
            return t;
        }

        /** Sets the symmetric zero-diagonal coupling C_t (size N) of head t. */
        public Builder coupling(int head, Coupling c) {
            if (c == null) {
                throw new IllegalArgumentException("coupling of head " + head + " is null");
            }
            if (c.size() != tokens) {
                throw new IllegalArgumentException(
                        "coupling of head "
                                + head
                                + " has size "
                                + c.size()
                                + " but N = "
                                + tokens);
            }
            couplings[head(head)] = c;
            return this;
        }

        /** Sets the diagonal D_t (length N, finite; copied) of head t. */
        public Builder diagonal(int head, float[] d) {
            Checks.length(d.length, tokens, () -> "diagonal of head " + head);
            Checks.allFinite(d, () -> "diagonal of head " + head);
            diagonal[head(head)] = d.clone();
            return this;
        }

        /** Sets the linear terms h_t (length N, finite; copied) of head t. */
        public Builder linear(int head, float[] h) {
            if (h == null) {
                throw new IllegalArgumentException("linear terms of head " + head + " are null");
            }
            Checks.length(h.length, tokens, () -> "linear terms of head " + head);
            Checks.allFinite(h, () -> "linear terms of head " + head);
            linear[head(head)] = h.clone();
            return this;
        }

        /** Marks tokens that can never be selected ({@code masked[i] == true}); copied. */
        public Builder mask(boolean[] maskedTokens) {
            Checks.length(maskedTokens.length, tokens, "token mask");
            this.masked = maskedTokens.clone();
            return this;
        }

        /** The coupling weight a (default 1). */
        public Builder couplingWeight(double a) {
            this.couplingWeight = Checks.finite(a, "coupling weight");
            return this;
        }

        /** The linear weight b (default 1). */
        public Builder linearWeight(double b) {
            this.linearWeight = Checks.finite(b, "linear weight");
            return this;
        }

        /** The multi-head penalty weight ρ (default 0; ignored when H = 1). */
        public Builder penaltyWeight(double rho) {
            this.penaltyWeight = Checks.finite(rho, "penalty weight");
            return this;
        }

        /** Validates and builds. */
        public AttentionProblem build() {
            for (int t = 0; t < heads; t++) {
                if (couplings[t] == null) {
                    throw new IllegalArgumentException("head " + t + " has no coupling");
                }
                if (linear[t] == null) {
                    throw new IllegalArgumentException("head " + t + " has no linear terms");
                }
            }
            return new AttentionProblem(this);
        }
    }
}
