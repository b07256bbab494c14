package dev.qama.core.model;

/**
 * A binary quadratic model: an Ising model (spins ±1) or a QUBO (bits 0/1).
 *
 * <h2>The energy convention (the only one in this library)</h2>
 *
 * For a state z ∈ {−1, +1}ⁿ ({@link Vartype#SPIN}) or z ∈ {0, 1}ⁿ ({@link Vartype#BINARY}):
 *
 * <pre>
 *   E(z) = offset + Σ_i h_i z_i + Σ_{i&lt;j} J_ij z_i z_j  =  offset + hᵀz + ½ zᵀJz
 * </pre>
 *
 * where J is symmetric with a zero diagonal (a {@link Coupling}) and energies are minimised. A QUBO
 * matrix Q (E = xᵀQx) maps to h_i = Q_ii and J_ij = Q_ij + Q_ji. The local field of variable i is
 * f_i = h_i + Σ_j J_ij z_j = ∂E/∂z_i, and flipping i changes the energy by
 *
 * <pre>
 *   SPIN:   ΔE_i = −2 s_i f_i          BINARY: ΔE_i = (1 − 2 x_i) f_i
 * </pre>
 *
 * The two vartypes are related by s = 2x − 1; {@link #toVartype(Vartype)} is exact, offset
 * included, so a state has the same energy in both forms.
 *
 * <p>Coefficients are stored in float32 (the precision solvers use); energies are evaluated in
 * double precision from those stored values. Instances are immutable and thread-safe.
 */
public final class BinaryQuadraticModel implements Problem {
    private final Vartype vartype;
    private final float[] linear;
    private final Coupling coupling;
    private final double offset;

    private BinaryQuadraticModel(
            Vartype vartype, float[] linear, Coupling coupling, double offset) {
        this.vartype = vartype;
        this.linear = linear;
        this.coupling = coupling;
        this.offset = offset;
    }

    /**
     * A model E(z) = offset + hᵀz + ½ zᵀJz.
     *
     * @param vartype SPIN or BINARY
     * @param linear h, length n (copied); every entry finite
     * @param coupling J, size n
     * @param offset a finite constant
     * @throws IllegalArgumentException naming the offending value
     */
    public static BinaryQuadraticModel of(
            Vartype vartype, float[] linear, Coupling coupling, double offset) {
        if (vartype == null) {
            throw new IllegalArgumentException("vartype is null");
        }
        if (coupling == null) {
            throw new IllegalArgumentException("coupling is null");
        }
        if (linear == null) {
            throw new IllegalArgumentException("linear terms are null");
        }
        Checks.length(linear.length, coupling.size(), "linear terms (coupling size)");
        Checks.allFinite(linear, "linear term h");
        Checks.finite(offset, "offset");
        return new BinaryQuadraticModel(vartype, linear.clone(), coupling, offset);
    }

    /** A model with no linear terms and no offset. */
    public static BinaryQuadraticModel of(Vartype vartype, Coupling coupling) {
        return of(vartype, new float[coupling.size()], coupling, 0);
    }

    /**
     * A QUBO E(x) = xᵀQx from a full row-major n×n matrix Q (not necessarily symmetric): h_i =
     * Q_ii, J_ij = Q_ij + Q_ji.
     */
    public static BinaryQuadraticModel fromQuboMatrix(int n, float[] q) {
        Checks.nonNegative(n, "QUBO size n");
        if (q == null) {
            throw new IllegalArgumentException("QUBO matrix is null");
        }
        Checks.length(q.length, (long) n * n, () -> "QUBO matrix (n = " + n + ")");
        Checks.allFinite(q, "QUBO matrix");
        float[] h = new float[n];
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            h[i] = q[i * n + i];
            for (int k = i + 1; k < n; k++) {
                float v = (float) ((double) q[i * n + k] + q[k * n + i]);
                j[i * n + k] = v;
                j[k * n + i] = v;
            }
        }
        return new BinaryQuadraticModel(Vartype.BINARY, h, DenseCoupling.wrapTrusted(n, j), 0);
    }

    @Override
    public Vartype vartype() {
        return vartype;
    }

    @Override
    public int numVariables() {
        return linear.length;
    }

    /** The linear terms h (read-only view; do not modify). */
    public float[] linear() {
        return linear;
    }

    /** h_i. */
    public float linear(int i) {
        return linear[i];
    }

    /** The coupling J. */
    public Coupling coupling() {
        return coupling;
    }

    /** The constant offset. */
    public double offset() {
        return offset;
    }

    @Override
    public double energy(byte[] state) {
        vartype.checkState(state, linear.length);
        return energyUnchecked(state);
    }

    /** The energy without validating the state (for solvers' own, already valid states). */
    public double energyUnchecked(byte[] z) {
        double e = offset;
        for (int i = 0; i < linear.length; i++) {
            e += (double) linear[i] * z[i];
        }
        return e + coupling.pairSum(z);
    }

    /** Fills {@code out} with the local fields f_i = h_i + Σ_j J_ij z_j. */
    public void localFields(byte[] z, double[] out) {
        vartype.checkState(z, linear.length);
        for (int i = 0; i < linear.length; i++) {
            out[i] = linear[i] + coupling.rowDot(i, z);
        }
    }

    /** The local field f_i = h_i + Σ_j J_ij z_j of one variable. */
    public double localField(byte[] z, int i) {
        return linear[i] + coupling.rowDot(i, z);
    }

    /**
     * The energy change of flipping variable i given its local field (see the class javadoc).
     *
     * @param value the current value z_i
     * @param field the local field f_i
     */
    public double flipDelta(byte value, double field) {
        return vartype == Vartype.SPIN ? -2.0 * value * field : (1 - 2 * value) * field;
    }

    /** The energy change of flipping variable i in state z (computes the field: O(row)). */
    public double flipDelta(byte[] z, int i) {
        return flipDelta(z[i], localField(z, i));
    }

    /**
     * The same model over the other domain, exact (offset included): for every state z, energy(z)
     * equals the converted model's energy of the converted state.
     */
    public BinaryQuadraticModel toVartype(Vartype target) {
        if (target == vartype) {
            return this;
        }
        int n = linear.length;
        byte[] ones = new byte[n];
        java.util.Arrays.fill(ones, (byte) 1);
        double[] rowSums = new double[n];
        double linearSum = 0;
        for (int i = 0; i < n; i++) {
            rowSums[i] = coupling.rowDot(i, ones);
            linearSum += linear[i];
        }
        double pairTotal = coupling.pairSum(ones);
        float[] h = new float[n];
        if (target == Vartype.SPIN) {
            // x = (s + 1) / 2
            for (int i = 0; i < n; i++) {
                h[i] = (float) (linear[i] / 2.0 + rowSums[i] / 4.0);
            }
            return new BinaryQuadraticModel(
                    Vartype.SPIN,
                    h,
                    coupling.scaled(0.25),
                    offset + linearSum / 2.0 + pairTotal / 4.0);
        }
        // s = 2x − 1
        for (int i = 0; i < n; i++) {
            h[i] = (float) (2.0 * linear[i] - 2.0 * rowSums[i]);
        }
        return new BinaryQuadraticModel(
                Vartype.BINARY, h, coupling.scaled(4.0), offset - linearSum + pairTotal);
    }

    /** Converts a state of this model's domain to {@code target}'s (s = 2x − 1). */
    public static byte[] convertState(byte[] state, Vartype from, Vartype to) {
        byte[] out = new byte[state.length];
        for (int i = 0; i < state.length; i++) {
            out[i] = from.convert(state[i], to);
        }
        return out;
    }

    @Override
    public String toString() {
        return "BinaryQuadraticModel[" + vartype + ", n=" + linear.length + ", " + coupling + "]";
    }
}
