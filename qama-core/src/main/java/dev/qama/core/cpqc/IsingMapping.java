package dev.qama.core.cpqc;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Vartype;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The map from a {@link BinaryQuadraticModel} (QUBO or Ising) to what a coherent Ising machine such
 * as the QBoson CPQC takes: a pure Ising coupling matrix (no linear terms) over n + 1 spins, scaled
 * and rounded to signed integers of {@code bits} bits.
 *
 * <h2>The auxiliary spin</h2>
 *
 * The model is first converted to spins exactly ({@link BinaryQuadraticModel#toVartype}, s = 2x −
 * 1): E(s) = c + Σ_i h_i s_i + Σ_{i&lt;j} J_ij s_i s_j. One auxiliary spin s_a (index n, the last
 * row and column) carries the linear terms as couplings J'_{i,a} = h_i, so that
 *
 * <pre>
 *   E'(s, s_a) = c + Σ_{i&lt;j} J_ij s_i s_j + s_a Σ_i h_i s_i,     E'(s, +1) = E(s),
 * </pre>
 *
 * and since E'(−s, −s_a) = E'(s, s_a), a machine state with s_a = −1 is read as −s: {@link #decode}
 * multiplies every spin by s_a. Every state therefore keeps its energy.
 *
 * <h2>Precision</h2>
 *
 * The integer matrix is K = round(σ·J') with σ = (2^(bits−1) − 1) / max|J'| (127/max|J'| for 8
 * bits), so K_ij ∈ [−127, 127]. With ΔJ'_ij = K_ij/σ − J'_ij (|ΔJ'_ij| ≤ 1/(2σ)), the energy of
 * every state moves by at most {@link Precision#energyErrorBound} = Σ_{i&lt;j} |ΔJ'_ij| (original
 * units), so a ground state of K is within twice that bound of the true optimum. {@link Precision}
 * reports it with the largest absolute and relative rounding errors and the number of non-zero
 * couplings that round to 0 (lost entirely).
 *
 * @param size n + 1 (the auxiliary spin is the last one)
 * @param offset the constant c
 * @param exact J' (row-major, (n+1)², float64), the unrounded Ising matrix
 * @param integers K (row-major, (n+1)²)
 * @param scale σ: K ≈ σ·J'
 * @param precision the rounding report
 * @param vartype the vartype of the source model ({@link #decode} returns states of it)
 */
public record IsingMapping(
        int size,
        double offset,
        double[] exact,
        int[] integers,
        double scale,
        Precision precision,
        Vartype vartype) {

    /**
     * What rounding to integers cost.
     *
     * @param bits the integer width
     * @param maxAbsError max |ΔJ'_ij| in the model's units
     * @param maxRelativeError max |ΔJ'_ij| / |J'_ij| over non-zero entries (1 for an entry lost)
     * @param energyErrorBound Σ_{i&lt;j} |ΔJ'_ij|: no state's energy moves more than this
     * @param zeroedEntries non-zero couplings (upper triangle) that round to 0
     * @param largest max |J'_ij|
     * @param smallestNonZero min non-zero |J'_ij|
     */
    public record Precision(
            int bits,
            double maxAbsError,
            double maxRelativeError,
            double energyErrorBound,
            int zeroedEntries,
            double largest,
            double smallestNonZero) {
        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d-bit couplings: max |ΔJ| = %.3g (%.2f%% of the entry at worst), energy error"
                            + " bound Σ|ΔJ| = %.4g, %d coupling(s) rounded to 0, dynamic range"
                            + " max/min |J| = %.3g",
                    bits,
                    maxAbsError,
                    100 * maxRelativeError,
                    energyErrorBound,
                    zeroedEntries,
                    smallestNonZero > 0 ? largest / smallestNonZero : 0.0);
        }
    }

    /**
     * Maps a model (exactly) to the auxiliary-spin Ising form and rounds it to {@code bits}-bit
     * integers.
     *
     * @param bits integer width, 2 … 16 (8 for the CPQC)
     */
    public static IsingMapping of(BinaryQuadraticModel model, int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("coupling bits must be in [2, 16], got " + bits);
        }
        // the spin form in double precision (toVartype would round h and J to float32)
        int n = model.numVariables();
        int m = n + 1;
        double[] j = new double[m * m];
        double[] h = new double[n];
        Coupling c = model.coupling();
        double offset = model.offset();
        boolean binary = model.vartype() == Vartype.BINARY;
        double largest = 0;
        for (int i = 0; i < n; i++) {
            h[i] += binary ? model.linear(i) / 2.0 : model.linear(i);
            if (binary) {
                offset += model.linear(i) / 2.0;
            }
            for (int k = i + 1; k < n; k++) {
                double v = c.get(i, k);
                if (v == 0) {
                    continue;
                }
                double w = binary ? v / 4.0 : v;
                j[i * m + k] = w;
                j[k * m + i] = w;
                if (binary) {
                    h[i] += w;
                    h[k] += w;
                    offset += w;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            j[i * m + n] = h[i];
            j[n * m + i] = h[i];
        }
        for (double v : j) {
            largest = Math.max(largest, Math.abs(v));
        }
        int qmax = (1 << (bits - 1)) - 1;
        double scale = largest > 0 ? qmax / largest : 1.0;
        int[] q = new int[m * m];
        double maxAbs = 0;
        double maxRel = 0;
        double bound = 0;
        int zeroed = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            for (int k = i + 1; k < m; k++) {
                double v = j[i * m + k];
                int r = (int) Math.max(-qmax, Math.min(qmax, Math.round(v * scale)));
                q[i * m + k] = r;
                q[k * m + i] = r;
                double err = Math.abs(r / scale - v);
                maxAbs = Math.max(maxAbs, err);
                bound += err;
                if (v != 0) {
                    smallest = Math.min(smallest, Math.abs(v));
                    maxRel = Math.max(maxRel, err / Math.abs(v));
                    if (r == 0) {
                        zeroed++;
                    }
                }
            }
        }
        Precision p =
                new Precision(
                        bits,
                        maxAbs,
                        maxRel,
                        bound,
                        zeroed,
                        largest,
                        smallest == Double.POSITIVE_INFINITY ? 0 : smallest);
        return new IsingMapping(m, offset, j, q, scale, p, model.vartype());
    }

    /** The exact (unrounded) auxiliary-spin energy c + ½ s'ᵀJ's' of a ±1 vector of length n+1. */
    public double exactEnergy(byte[] spins) {
        return offset + pairSum(exact, spins);
    }

    /**
     * The energy the rounded matrix assigns, in the model's units: c + ½ s'ᵀKs' / σ. It differs
     * from {@link #exactEnergy} by at most {@link Precision#energyErrorBound}.
     */
    public double roundedEnergy(byte[] spins) {
        double e = 0;
        int m = size;
        for (int i = 0; i < m; i++) {
            for (int k = i + 1; k < m; k++) {
                e += (double) integers[i * m + k] * spins[i] * spins[k];
            }
        }
        return offset + e / scale;
    }

    private double pairSum(double[] mat, byte[] s) {
        int m = size;
        if (s.length != m) {
            throw new IllegalArgumentException(
                    "spin vector has " + s.length + " entries, the mapping has " + m);
        }
        double e = 0;
        for (int i = 0; i < m; i++) {
            for (int k = i + 1; k < m; k++) {
                e += mat[i * m + k] * s[i] * s[k];
            }
        }
        return e;
    }

    /** Encodes a state of the source model as machine spins (auxiliary spin +1). */
    public byte[] encode(byte[] state) {
        byte[] s = new byte[size];
        for (int i = 0; i < size - 1; i++) {
            s[i] = vartype == Vartype.SPIN ? state[i] : (byte) (2 * state[i] - 1);
        }
        s[size - 1] = 1;
        return s;
    }

    /**
     * Decodes machine spins (±1, length n+1, the last the auxiliary spin) to a state of the source
     * model: every spin is multiplied by the auxiliary spin, then mapped to the source vartype.
     */
    public byte[] decode(byte[] spins) {
        if (spins.length != size) {
            throw new IllegalArgumentException(
                    "solution has " + spins.length + " spins but the task has " + size);
        }
        byte a = spins[size - 1];
        if (a != 1 && a != -1) {
            throw new IllegalArgumentException("auxiliary spin is " + a + ", not ±1");
        }
        byte[] out = new byte[size - 1];
        for (int i = 0; i < out.length; i++) {
            if (spins[i] != 1 && spins[i] != -1) {
                throw new IllegalArgumentException("spin " + i + " is " + spins[i] + ", not ±1");
            }
            int s = spins[i] * a;
            out[i] = vartype == Vartype.SPIN ? (byte) s : (byte) ((s + 1) / 2);
        }
        return out;
    }

    /**
     * The rounded problem as a model over n+1 spins with no linear terms and no offset: E_K(s') =
     * Σ_{i&lt;j} K_ij s'_i s'_j (integer couplings), for transports that speak this library's
     * protocol or local emulation.
     */
    public BinaryQuadraticModel integerModel(boolean negate) {
        float[] f = new float[size * size];
        for (int k = 0; k < f.length; k++) {
            f[k] = negate ? -integers[k] : integers[k];
        }
        return BinaryQuadraticModel.of(
                Vartype.SPIN, new float[size], DenseCoupling.ofSymmetric(size, f), 0);
    }

    /** The task name: {@code prefix} + the first 16 hex digits of SHA-256 of the integer matrix. */
    public String taskName(String prefix) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(4 + 4 * integers.length);
            b.putInt(size);
            for (int v : integers) {
                b.putInt(v);
            }
            return prefix + HexFormat.of().formatHex(md.digest(b.array())).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * The matrix as the CSV uploaded to the vendor's platform: n+1 lines of n+1 comma-separated
     * integers, row i column j = K_ij (or −K_ij when {@code negate}), zero diagonal, the auxiliary
     * spin last, no header, '\n' line ends.
     */
    public String toCsv(boolean negate) {
        StringBuilder b = new StringBuilder(size * size * 3);
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < size; k++) {
                if (k > 0) {
                    b.append(',');
                }
                int v = integers[i * size + k];
                b.append(negate ? -v : v);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
