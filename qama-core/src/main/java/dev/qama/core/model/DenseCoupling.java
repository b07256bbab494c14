package dev.qama.core.model;

import java.util.Arrays;

/**
 * A dense symmetric coupling matrix with a zero diagonal, stored row-major in one {@code float[]}
 * of n² entries.
 *
 * <p>Instances are immutable: the factories copy their input, and {@link #data()} exposes the
 * storage read-only by contract so that solver kernels can stream it without a copy.
 */
public final class DenseCoupling implements Coupling {
    private final int n;
    private final float[] data;

    private DenseCoupling(int n, float[] data) {
        this.n = n;
        this.data = data;
    }

    /**
     * A coupling from a full row-major n×n matrix that must already be symmetric (up to a relative
     * tolerance of 1e-6 of its largest entry; the two triangles are then averaged) and have a zero
     * diagonal.
     *
     * @throws IllegalArgumentException on a wrong length, a non-finite entry, a non-zero diagonal
     *     or an asymmetric pair, naming the entry
     */
    public static DenseCoupling ofSymmetric(int n, float[] matrix) {
        Checks.nonNegative(n, "coupling size n");
        if (matrix == null) {
            throw new IllegalArgumentException("coupling matrix is null");
        }
        Checks.length(matrix.length, (long) n * n, () -> "coupling matrix (n = " + n + ")");
        float max = 0;
        for (int k = 0; k < matrix.length; k++) {
            float v = matrix[k];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(
                        "coupling J[" + k / n + "][" + k % n + "] must be finite, got " + v);
            }
            max = Math.max(max, Math.abs(v));
        }
        double tol = 1e-6 * max;
        float[] copy = new float[n * n];
        for (int i = 0; i < n; i++) {
            if (matrix[i * n + i] != 0f) {
                throw new IllegalArgumentException(
                        "coupling J["
                                + i
                                + "]["
                                + i
                                + "] = "
                                + matrix[i * n + i]
                                + ": the diagonal must be zero (fold it into the linear terms)");
            }
            for (int j = i + 1; j < n; j++) {
                float a = matrix[i * n + j];
                float b = matrix[j * n + i];
                if (Math.abs(a - b) > tol) {
                    throw new IllegalArgumentException(
                            "coupling is not symmetric: J["
                                    + i
                                    + "]["
                                    + j
                                    + "] = "
                                    + a
                                    + " but J["
                                    + j
                                    + "]["
                                    + i
                                    + "] = "
                                    + b);
                }
                float m = (a == b) ? a : (float) (0.5 * ((double) a + b));
                copy[i * n + j] = m;
                copy[j * n + i] = m;
            }
        }
        return new DenseCoupling(n, copy);
    }

    /**
     * The symmetric part (A + Aᵀ)/2 of any square row-major matrix, with its diagonal dropped. Use
     * this when the matrix is a score matrix that is symmetric only by construction of the energy.
     */
    public static DenseCoupling symmetricPartOf(int n, float[] matrix) {
        Checks.nonNegative(n, "coupling size n");
        if (matrix == null) {
            throw new IllegalArgumentException("coupling matrix is null");
        }
        Checks.length(matrix.length, (long) n * n, () -> "coupling matrix (n = " + n + ")");
        Checks.allFinite(matrix, "coupling matrix");
        float[] copy = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float m = (float) (0.5 * ((double) matrix[i * n + j] + matrix[j * n + i]));
                copy[i * n + j] = m;
                copy[j * n + i] = m;
            }
        }
        return new DenseCoupling(n, copy);
    }

    /**
     * An all-zero coupling of size n.
     *
     * @throws IllegalArgumentException if n &lt; 0 or n² entries do not fit in one Java array
     */
    public static DenseCoupling zeros(int n) {
        Checks.nonNegative(n, "coupling size n");
        CouplingSupport.checkDenseExport(n, n);
        return new DenseCoupling(n, new float[n * n]);
    }

    /** Wraps an array the caller guarantees is symmetric, zero-diagonal and finite (no copy). */
    static DenseCoupling wrapTrusted(int n, float[] data) {
        return new DenseCoupling(n, data);
    }

    /** The row-major storage. Callers must not modify it. */
    public float[] data() {
        return data;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public double get(int i, int j) {
        return data[i * n + j];
    }

    @Override
    public void multiply(float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            int row = i * n;
            float acc = 0f;
            for (int j = 0; j < n; j++) {
                acc += data[row + j] * x[j];
            }
            y[i] = acc;
        }
    }

    @Override
    public void multiply(float[] x, float[] y, int cols) {
        Arrays.fill(y, 0, n * cols, 0f);
        for (int i = 0; i < n; i++) {
            int row = i * n;
            int yo = i * cols;
            for (int j = 0; j < n; j++) {
                float a = data[row + j];
                if (a == 0f) {
                    continue;
                }
                int xo = j * cols;
                for (int c = 0; c < cols; c++) {
                    y[yo + c] += a * x[xo + c];
                }
            }
        }
    }

    @Override
    public void multiply(double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            int row = i * n;
            double acc = 0;
            for (int j = 0; j < n; j++) {
                acc += data[row + j] * x[j];
            }
            y[i] = acc;
        }
    }

    @Override
    public double quadraticForm(double[] x) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            if (xi == 0) {
                continue;
            }
            int row = i * n;
            double r = 0;
            for (int j = 0; j < n; j++) {
                r += data[row + j] * x[j];
            }
            acc += r * xi;
        }
        return acc;
    }

    @Override
    public double rowDot(int i, byte[] z) {
        int row = i * n;
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc += (double) data[row + j] * z[j];
        }
        return acc;
    }

    @Override
    public double pairSum(byte[] z) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            if (z[i] == 0) {
                continue;
            }
            int row = i * n;
            double r = 0;
            for (int j = i + 1; j < n; j++) {
                r += (double) data[row + j] * z[j];
            }
            acc += r * z[i];
        }
        return acc;
    }

    @Override
    public long nonZeros() {
        long c = 0;
        for (float v : data) {
            if (v != 0f) {
                c++;
            }
        }
        return c;
    }

    @Override
    public double sumSquaresUpper() {
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = data[i * n + j];
                s += v * v;
            }
        }
        return s;
    }

    @Override
    public double[] absRowSums() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.abs(data[i * n + j]);
            }
            out[i] = s;
        }
        return out;
    }

    @Override
    public double minAbsNonZero() {
        return CouplingSupport.minAbsNonZero(data);
    }

    @Override
    public float[] toDenseArray(int maxN) {
        CouplingSupport.checkDenseExport(n, maxN);
        return data.clone();
    }

    @Override
    public DenseCoupling scaled(double factor) {
        Checks.finite(factor, "scale factor");
        float[] out = new float[data.length];
        for (int k = 0; k < data.length; k++) {
            out[k] = (float) (data[k] * factor);
        }
        return new DenseCoupling(n, out);
    }

    @Override
    public String toString() {
        return "DenseCoupling[n=" + n + "]";
    }
}
