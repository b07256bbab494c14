package dev.qama.core.model;

import java.util.Arrays;

/**
 * A sparse symmetric coupling with a zero diagonal in compressed sparse row (CSR) form. Both
 * triangles are stored, so row i lists every neighbour of i; column indices are sorted within a
 * row. Build one with {@link #builder(int)}.
 */
public final class SparseCoupling implements Coupling {
    private final int n;
    private final int[] rowStart; // length n + 1
    private final int[] cols;
    private final float[] vals;

    private SparseCoupling(int n, int[] rowStart, int[] cols, float[] vals) {
        this.n = n;
        this.rowStart = rowStart;
        this.cols = cols;
        this.vals = vals;
    }

    /** A builder for an n×n sparse coupling. */
    public static Builder builder(int n) {
        return new Builder(n);
    }

    /** Row pointers: the entries of row i are {@code [rowStart[i], rowStart[i+1])}. Read-only. */
    public int[] rowStart() {
        return rowStart;
    }

    /** Column index of each stored entry. Read-only. */
    public int[] columns() {
        return cols;
    }

    /** Value of each stored entry. Read-only. */
    public float[] values() {
        return vals;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public double get(int i, int j) {
        int k = Arrays.binarySearch(cols, rowStart[i], rowStart[i + 1], j);
        return k >= 0 ? vals[k] : 0.0;
    }

    @Override
    public void multiply(float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            float acc = 0f;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                acc += vals[k] * x[cols[k]];
            }
            y[i] = acc;
        }
    }

    @Override
    public void multiply(float[] x, float[] y, int c) {
        Arrays.fill(y, 0, n * c, 0f);
        for (int i = 0; i < n; i++) {
            int yo = i * c;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                float a = vals[k];
                int xo = cols[k] * c;
                for (int r = 0; r < c; r++) {
                    y[yo + r] += a * x[xo + r];
                }
            }
        }
    }

    @Override
    public void multiply(double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                acc += vals[k] * x[cols[k]];
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
            double r = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                r += vals[k] * x[cols[k]];
            }
            acc += r * xi;
        }
        return acc;
    }

    @Override
    public double rowDot(int i, byte[] z) {
        double acc = 0;
        for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
            acc += (double) vals[k] * z[cols[k]];
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
            double r = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                if (cols[k] > i) {
                    r += (double) vals[k] * z[cols[k]];
                }
            }
            acc += r * z[i];
        }
        return acc;
    }

    @Override
    public long nonZeros() {
        return vals.length;
    }

    @Override
    public double sumSquaresUpper() {
        double s = 0;
        for (float v : vals) {
            s += (double) v * v;
        }
        return s / 2;
    }

    @Override
    public double[] absRowSums() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                s += Math.abs(vals[k]);
            }
            out[i] = s;
        }
        return out;
    }

    @Override
    public double minAbsNonZero() {
        return CouplingSupport.minAbsNonZero(vals);
    }

    @Override
    public float[] toDenseArray(int maxN) {
        CouplingSupport.checkDenseExport(n, maxN);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                out[i * n + cols[k]] = vals[k];
            }
        }
        return out;
    }

    @Override
    public SparseCoupling scaled(double factor) {
        Checks.finite(factor, "scale factor");
        float[] out = new float[vals.length];
        for (int k = 0; k < vals.length; k++) {
            out[k] = (float) (vals[k] * factor);
        }
        return new SparseCoupling(n, rowStart, cols, out);
    }

    @Override
    public String toString() {
        return "SparseCoupling[n=" + n + ", nnz=" + vals.length + "]";
    }

    /**
     * Collects pair coefficients; duplicates of the same pair (in either order) are summed. Not
     * thread-safe.
     */
    public static final class Builder {
        private final int n;
        private int count;
        private int[] is = new int[16];
        private int[] js = new int[16];
        private double[] ws = new double[16];

        private Builder(int n) {
            this.n = Checks.nonNegative(n, "coupling size n");
        }

        /**
         * Adds {@code value} to the coupling of the pair {i, j}: J_ij and J_ji both grow by it.
         *
         * @throws IllegalArgumentException if an index is out of range, i == j, or value is not
         *     finite
         */
        public Builder add(int i, int j, double value) {
            if (i < 0 || i >= n || j < 0 || j >= n) {
                throw new IllegalArgumentException(
                        "pair (" + i + ", " + j + ") is out of range for " + n + " variables");
            }
            if (i == j) {
                throw new IllegalArgumentException(
                        "pair (" + i + ", " + i + ") is a diagonal entry; couplings need i != j");
            }
            Checks.finite(value, () -> "coupling of pair (" + i + ", " + j + ")");
            if (count == is.length) {
                is = Arrays.copyOf(is, count * 2);
                js = Arrays.copyOf(js, count * 2);
                ws = Arrays.copyOf(ws, count * 2);
            }
            is[count] = Math.min(i, j);
            js[count] = Math.max(i, j);
            ws[count] = value;
            count++;
            return this;
        }

        /** Builds the CSR matrix; explicit zeros (including sums that cancel) are dropped. */
        public SparseCoupling build() {
            // sort the upper-triangle pairs, merge duplicates
            Integer[] order = new Integer[count];
            for (int k = 0; k < count; k++) {
                order[k] = k;
            }
            Arrays.sort(
                    order,
                    (a, b) ->
                            is[a] != is[b]
                                    ? Integer.compare(is[a], is[b])
                                    : Integer.compare(js[a], js[b]));
            int[] ui = new int[count];
            int[] uj = new int[count];
            double[] uw = new double[count];
            int m = 0;
            for (int t = 0; t < count; t++) {
                int k = order[t];
                if (m > 0 && ui[m - 1] == is[k] && uj[m - 1] == js[k]) {
                    uw[m - 1] += ws[k];
                } else {
                    ui[m] = is[k];
                    uj[m] = js[k];
                    uw[m] = ws[k];
                    m++;
                }
            }
            int[] degree = new int[n];
            for (int k = 0; k < m; k++) {
                if ((float) uw[k] != 0f) {
                    degree[ui[k]]++;
                    degree[uj[k]]++;
                }
            }
            int[] rowStart = new int[n + 1];
            for (int i = 0; i < n; i++) {
                rowStart[i + 1] = rowStart[i] + degree[i];
            }
            int[] fill = Arrays.copyOf(rowStart, n);
            int nnz = rowStart[n];
            int[] cols = new int[nnz];
            float[] vals = new float[nnz];
            // entries are visited in (i, j) order, so every row receives its columns sorted:
            // row r gets lower-triangle columns (as j of earlier i) before upper ones.
            for (int k = 0; k < m; k++) {
                float v = (float) uw[k];
                if (v == 0f) {
                    continue;
                }
                cols[fill[ui[k]]] = uj[k];
                vals[fill[ui[k]]++] = v;
            }
            // lower triangle entries must precede; rebuild rows sorted
            int[] fill2 = Arrays.copyOf(rowStart, n);
            int[] cols2 = new int[nnz];
            float[] vals2 = new float[nnz];
            for (int i = 0; i < n; i++) {
                for (int k = rowStart[i]; k < fill[i]; k++) {
                    // entry (i, cols[k]) with cols[k] > i: mirror into row cols[k] first pass
                    int j = cols[k];
                    cols2[fill2[j]] = i;
                    vals2[fill2[j]++] = vals[k];
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k = rowStart[i]; k < fill[i]; k++) {
                    cols2[fill2[i]] = cols[k];
                    vals2[fill2[i]++] = vals[k];
                }
            }
            return new SparseCoupling(n, rowStart, cols2, vals2);
        }
    }
}
