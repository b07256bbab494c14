package dev.qama.core.model;

import java.util.Arrays;

/**
 * The factored coupling J = s·(A·Bᵀ + B·Aᵀ) with its diagonal removed, where A and B are n×r
 * (row-major). Nothing of size n² is ever stored: a product J·x costs O(n·r) instead of O(n²).
 *
 * <p>In the paper-v2 formulation a head's coupling is (Q·Kᵀ + K·Qᵀ)/(2√d) without its diagonal: A =
 * Q, B = K, r = d, s = 1/(2√d).
 *
 * <p>Entries: J_ij = s·Σ_c (A_ic B_jc + B_ic A_jc) for i ≠ j, and J_ii = 0. The removed diagonal
 * D_i = 2s·Σ_c A_ic B_ic is kept so that products subtract it exactly.
 */
public final class LowRankCoupling implements Coupling {
    private final int n;
    private final int r;
    private final float[] a;
    private final float[] b;
    private final double s;
    private final double[] diag;

    private LowRankCoupling(int n, int r, float[] a, float[] b, double s) {
        this.n = n;
        this.r = r;
        this.a = a;
        this.b = b;
        this.s = s;
        this.diag = removedDiagonal(n, r, a, b, s);
    }

    /**
     * D_i = 2s·Σ_c A_ic B_ic, each sum in order c = 0 … r−1; four rows a pass, whose sums are
     * independent, so that the short loops over c overlap (with r = 8 each is a chain of eight
     * dependent additions).
     */
    private static double[] removedDiagonal(int n, int r, float[] a, float[] b, double s) {
        double[] diag = new double[n];
        int i = 0;
        for (; i + 3 < n; i += 4) {
            int p0 = i * r;
            int p1 = p0 + r;
            int p2 = p1 + r;
            int p3 = p2 + r;
            double acc0 = 0;
            double acc1 = 0;
            double acc2 = 0;
            double acc3 = 0;
            for (int c = 0; c < r; c++) {
                acc0 += (double) a[p0 + c] * b[p0 + c];
                acc1 += (double) a[p1 + c] * b[p1 + c];
                acc2 += (double) a[p2 + c] * b[p2 + c];
                acc3 += (double) a[p3 + c] * b[p3 + c];
            }
            diag[i] = 2 * s * acc0;
            diag[i + 1] = 2 * s * acc1;
            diag[i + 2] = 2 * s * acc2;
            diag[i + 3] = 2 * s * acc3;
        }
        for (; i < n; i++) {
            int p0 = i * r;
            double acc = 0;
            for (int c = 0; c < r; c++) {
                acc += (double) a[p0 + c] * b[p0 + c];
            }
            diag[i] = 2 * s * acc;
        }
        return diag;
    }

    /**
     * The coupling s·(A·Bᵀ + B·Aᵀ) minus its diagonal. The factor arrays are copied.
     *
     * @param n number of variables
     * @param r rank (columns of A and B)
     * @param a n×r row-major
     * @param b n×r row-major
     * @param scale s, finite
     */
    public static LowRankCoupling of(int n, int r, float[] a, float[] b, double scale) {
        checkShape(n, r, a, b);
        Checks.allFinite(a, "factor A");
        Checks.allFinite(b, "factor B");
        Checks.finite(scale, "low-rank scale");
        return new LowRankCoupling(n, r, a.clone(), b.clone(), scale);
    }

    /**
     * The coupling s·(A·Bᵀ + B·Aᵀ) minus its diagonal over factor arrays the caller hands over: as
     * {@link #of}, but the arrays are neither copied nor scanned for NaN and infinity. For callers
     * that made the arrays themselves from inputs already checked to be finite (qama-core's
     * formulations, whose {@code AttentionInputs} are), and never change them afterwards.
     *
     * @param n number of variables
     * @param r rank (columns of A and B)
     * @param a n×r row-major, finite, owned by the coupling from now on
     * @param b n×r row-major, finite, owned by the coupling from now on
     * @param scale s, finite
     */
    public static LowRankCoupling wrap(int n, int r, float[] a, float[] b, double scale) {
        checkShape(n, r, a, b);
        Checks.finite(scale, "low-rank scale");
        return new LowRankCoupling(n, r, a, b, scale);
    }

    private static void checkShape(int n, int r, float[] a, float[] b) {
        Checks.nonNegative(n, "coupling size n");
        Checks.nonNegative(r, "rank r");
        if (a == null || b == null) {
            throw new IllegalArgumentException("low-rank factors must not be null");
        }
        Checks.length(a.length, (long) n * r, () -> "factor A (n = " + n + ", r = " + r + ")");
        Checks.length(b.length, (long) n * r, () -> "factor B (n = " + n + ", r = " + r + ")");
    }

    /** The rank r (columns of the factors). */
    public int rank() {
        return r;
    }

    /** Factor A, n×r row-major. Read-only. */
    public float[] factorA() {
        return a;
    }

    /** Factor B, n×r row-major. Read-only. */
    public float[] factorB() {
        return b;
    }

    /** The scale s. */
    public double scale() {
        return s;
    }

    /** The removed diagonal D_i = 2s·A_i·B_i. Read-only. */
    public double[] removedDiagonal() {
        return diag;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public double get(int i, int j) {
        if (i == j) {
            return 0;
        }
        double acc = 0;
        for (int c = 0; c < r; c++) {
            acc += (double) a[i * r + c] * b[j * r + c] + (double) b[i * r + c] * a[j * r + c];
        }
        return s * acc;
    }

    @Override
    public void multiply(float[] x, float[] y) {
        double[] pa = new double[r]; // Aᵀx
        double[] pb = new double[r]; // Bᵀx
        for (int j = 0; j < n; j++) {
            double xj = x[j];
            if (xj == 0) {
                continue;
            }
            accumulate(j, xj, pa, pb);
        }
        for (int i = 0; i < n; i++) {
            double acc = rowCombine(i, pa, pb);
            y[i] = (float) (s * acc - diag[i] * x[i]);
        }
    }

    @Override
    public void multiply(float[] x, float[] y, int cols) {
        double[] pa = new double[r * cols];
        double[] pb = new double[r * cols];
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < r; c++) {
                double ac = a[j * r + c];
                double bc = b[j * r + c];
                for (int k = 0; k < cols; k++) {
                    double xv = x[j * cols + k];
                    pa[c * cols + k] += ac * xv;
                    pb[c * cols + k] += bc * xv;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < cols; k++) {
                double acc = 0;
                for (int c = 0; c < r; c++) {
                    acc += a[i * r + c] * pb[c * cols + k] + b[i * r + c] * pa[c * cols + k];
                }
                y[i * cols + k] = (float) (s * acc - diag[i] * x[i * cols + k]);
            }
        }
    }

    @Override
    public void multiply(double[] x, double[] y) {
        double[] pa = new double[r];
        double[] pb = new double[r];
        for (int j = 0; j < n; j++) {
            double xj = x[j];
            if (xj == 0) {
                continue;
            }
            accumulate(j, xj, pa, pb);
        }
        for (int i = 0; i < n; i++) {
            double acc = rowCombine(i, pa, pb);
            y[i] = s * acc - diag[i] * x[i];
        }
    }

    @Override
    public double quadraticForm(double[] x) {
        double[] pa = new double[r];
        double[] pb = new double[r];
        double d = 0;
        for (int j = 0; j < n; j++) {
            double xj = x[j];
            if (xj == 0) {
                continue;
            }
            d += diag[j] * xj * xj;
            accumulate(j, xj, pa, pb);
        }
        double dot = dot(pa, pb);
        return 2 * s * dot - d;
    }

    @Override
    public double rowDot(int i, byte[] z) {
        double[] pa = new double[r];
        double[] pb = new double[r];
        project(z, pa, pb);
        double acc = rowCombine(i, pa, pb);
        return s * acc - diag[i] * z[i];
    }

    /** Computes pa = Aᵀz and pb = Bᵀz (the projected sums solvers keep up to date). */
    public void project(byte[] z, double[] pa, double[] pb) {
        Arrays.fill(pa, 0, r, 0);
        Arrays.fill(pb, 0, r, 0);
        for (int j = 0; j < n; j++) {
            int zj = z[j];
            if (zj == 0) {
                continue;
            }
            accumulate(j, zj, pa, pb);
        }
    }

    /** Adds row j of A and B, times xj, to pa = Aᵀx and pb = Bᵀx. */
    private void accumulate(int j, double xj, double[] pa, double[] pb) {
        int row = j * r;
        for (int c = 0; c < r; c++) {
            pa[c] += a[row + c] * xj;
            pb[c] += b[row + c] * xj;
        }
    }

    /** Σ_c A_ic·pb_c + B_ic·pa_c: row i of (A·Bᵀ + B·Aᵀ)·x from the projections of x. */
    private double rowCombine(int i, double[] pa, double[] pb) {
        int row = i * r;
        double acc = 0;
        for (int c = 0; c < r; c++) {
            acc += a[row + c] * pb[c] + b[row + c] * pa[c];
        }
        return acc;
    }

    /** Σ_c pa_c·pb_c over the first r entries. */
    private double dot(double[] pa, double[] pb) {
        double dot = 0;
        for (int c = 0; c < r; c++) {
            dot += pa[c] * pb[c];
        }
        return dot;
    }

    @Override
    public double pairSum(byte[] z) {
        double[] pa = new double[r];
        double[] pb = new double[r];
        project(z, pa, pb);
        double dot = dot(pa, pb);
        double d = 0;
        for (int i = 0; i < n; i++) {
            d += diag[i] * z[i] * z[i];
        }
        return s * dot - 0.5 * d;
    }

    @Override
    public long nonZeros() {
        return (long) n * (n - 1);
    }

    @Override
    public double sumSquaresUpper() {
        // ||A Bᵀ + B Aᵀ||_F² = 2 tr((BᵀA)²) + 2 tr((AᵀA)(BᵀB)), all r×r
        double[] ba = new double[r * r];
        double[] aa = new double[r * r];
        double[] bb = new double[r * r];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < r; c++) {
                double ac = a[i * r + c];
                double bc = b[i * r + c];
                for (int e = 0; e < r; e++) {
                    ba[c * r + e] += bc * a[i * r + e];
                    aa[c * r + e] += ac * a[i * r + e];
                    bb[c * r + e] += bc * b[i * r + e];
                }
            }
        }
        double t1 = 0;
        double t2 = 0;
        for (int c = 0; c < r; c++) {
            for (int e = 0; e < r; e++) {
                t1 += ba[c * r + e] * ba[e * r + c];
                t2 += aa[c * r + e] * bb[e * r + c];
            }
        }
        return sumSquaresUpperFromTraces(t1, t2);
    }

    /**
     * Σ_{i&lt;j} C_ij² from the two r×r traces t1 = tr((BᵀA)²) and t2 = tr(AᵀA·BᵀB) of the factors'
     * Gram matrices, however they were accumulated: ‖s(ABᵀ + BAᵀ)‖_F² = s²(2·t1 + 2·t2), minus the
     * removed diagonal's squares, halved (never negative, which rounding could make it). For
     * kernels that compute the Gram matrices their own way.
     */
    public double sumSquaresUpperFromTraces(double t1, double t2) {
        double full = s * s * (2 * t1 + 2 * t2);
        double diagSq = 0;
        for (double v : diag) {
            diagSq += v * v;
        }
        return Math.max(0, (full - diagSq) / 2);
    }

    /** Exact, O(n²·r): meant for heuristics on moderate n only. */
    @Override
    public double[] absRowSums() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int j = 0; j < n; j++) {
                acc += Math.abs(get(i, j));
            }
            out[i] = acc;
        }
        return out;
    }

    /** Exact, O(n²·r). */
    @Override
    public double minAbsNonZero() {
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = Math.abs(get(i, j));
                if (v != 0) {
                    m = Math.min(m, v);
                }
            }
        }
        return m == Double.POSITIVE_INFINITY ? 0 : m;
    }

    @Override
    public float[] toDenseArray(int maxN) {
        CouplingSupport.checkDenseExport(n, maxN);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float v = (float) get(i, j);
                out[i * n + j] = v;
                out[j * n + i] = v;
            }
        }
        return out;
    }

    /** The same factors as a dense coupling (n ≤ maxN). */
    public DenseCoupling toDense(int maxN) {
        return DenseCoupling.wrapTrusted(n, toDenseArray(maxN));
    }

    @Override
    public LowRankCoupling scaled(double factor) {
        Checks.finite(factor, "scale factor");
        return new LowRankCoupling(n, r, a, b, s * factor);
    }

    @Override
    public String toString() {
        return "LowRankCoupling[n=" + n + ", r=" + r + "]";
    }
}
