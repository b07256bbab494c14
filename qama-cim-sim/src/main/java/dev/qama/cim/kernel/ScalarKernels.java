package dev.qama.cim.kernel;

import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import java.util.Arrays;

/** Plain-Java kernels: the fallback when the Vector API is unavailable or disabled. */
final class ScalarKernels {
    private ScalarKernels() {}

    /** Dense J: dot products over a transposed X for few replicas, row updates otherwise. */
    static final class Dense implements CouplingKernel {
        private final int n;
        private final int reps;
        private final float[] j;
        private final float[] xt; // R×n transpose of X (few replicas only)

        Dense(DenseCoupling c, int reps) {
            this.n = c.size();
            this.reps = reps;
            this.j = c.data();
            this.xt = reps < 8 ? new float[n * reps] : null;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int replicas() {
            return reps;
        }

        @Override
        public boolean vectorized() {
            return false;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            if (xt != null) {
                transpose(x, xt, n, r);
                for (int i = 0; i < n; i++) {
                    int row = i * n;
                    for (int c = 0; c < r; c++) {
                        int xo = c * n;
                        float a0 = 0f;
                        float a1 = 0f;
                        float a2 = 0f;
                        float a3 = 0f;
                        int k = 0;
                        for (; k + 3 < n; k += 4) {
                            a0 += j[row + k] * xt[xo + k];
                            a1 += j[row + k + 1] * xt[xo + k + 1];
                            a2 += j[row + k + 2] * xt[xo + k + 2];
                            a3 += j[row + k + 3] * xt[xo + k + 3];
                        }
                        for (; k < n; k++) {
                            a0 += j[row + k] * xt[xo + k];
                        }
                        y[i * r + c] = (a0 + a1) + (a2 + a3);
                    }
                }
                return;
            }
            Arrays.fill(y, 0, n * r, 0f);
            for (int i = 0; i < n; i++) {
                int row = i * n;
                int yo = i * r;
                for (int k = 0; k < n; k++) {
                    float a = j[row + k];
                    if (a == 0f) {
                        continue;
                    }
                    int xo = k * r;
                    for (int c = 0; c < r; c++) {
                        y[yo + c] += a * x[xo + c];
                    }
                }
            }
        }
    }

    /** CSR J: one row update per stored entry. */
    static final class Sparse implements CouplingKernel {
        private final int n;
        private final int reps;
        private final int[] start;
        private final int[] cols;
        private final float[] vals;

        Sparse(SparseCoupling c, int reps) {
            this.n = c.size();
            this.reps = reps;
            this.start = c.rowStart();
            this.cols = c.columns();
            this.vals = c.values();
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int replicas() {
            return reps;
        }

        @Override
        public boolean vectorized() {
            return false;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            if (r == 1) {
                for (int i = 0; i < n; i++) {
                    float acc = 0f;
                    for (int k = start[i]; k < start[i + 1]; k++) {
                        acc += vals[k] * x[cols[k]];
                    }
                    y[i] = acc;
                }
                return;
            }
            Arrays.fill(y, 0, n * r, 0f);
            for (int i = 0; i < n; i++) {
                int yo = i * r;
                for (int k = start[i]; k < start[i + 1]; k++) {
                    float a = vals[k];
                    int xo = cols[k] * r;
                    for (int c = 0; c < r; c++) {
                        y[yo + c] += a * x[xo + c];
                    }
                }
            }
        }
    }

    /**
     * Low-rank J = s(ABᵀ + BAᵀ) − diag: P = AᵀX, Q = BᵀX (r×R, stored R×r), then Y = s(A·Q + B·P) −
     * diag∘X, O(n·r·R).
     */
    static final class LowRank implements CouplingKernel {
        private final int n;
        private final int rank;
        private final int reps;
        private final float[] a;
        private final float[] b;
        private final float s;
        private final float[] diag;
        private final float[] p; // r×R: AᵀX
        private final float[] q; // r×R: BᵀX

        LowRank(LowRankCoupling c, int reps) {
            this.n = c.size();
            this.rank = c.rank();
            this.reps = reps;
            this.a = c.factorA();
            this.b = c.factorB();
            this.s = (float) c.scale();
            double[] d = c.removedDiagonal();
            this.diag = new float[n];
            for (int i = 0; i < n; i++) {
                diag[i] = (float) d[i];
            }
            this.p = new float[rank * reps];
            this.q = new float[rank * reps];
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int replicas() {
            return reps;
        }

        @Override
        public boolean vectorized() {
            return false;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            int rk = rank;
            // P and Q are stored replica-major (R×r) so the inner loops run along the rank
            Arrays.fill(p, 0f);
            Arrays.fill(q, 0f);
            for (int k = 0; k < n; k++) {
                int xo = k * r;
                int fo = k * rk;
                for (int t = 0; t < r; t++) {
                    float xv = x[xo + t];
                    int po = t * rk;
                    for (int c = 0; c < rk; c++) {
                        p[po + c] += a[fo + c] * xv;
                        q[po + c] += b[fo + c] * xv;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int yo = i * r;
                int fo = i * rk;
                float di = diag[i];
                for (int t = 0; t < r; t++) {
                    int po = t * rk;
                    float acc = 0f;
                    for (int c = 0; c < rk; c++) {
                        acc += a[fo + c] * q[po + c] + b[fo + c] * p[po + c];
                    }
                    y[yo + t] = s * acc - di * x[yo + t];
                }
            }
        }
    }

    /** xt (R×n) = transpose of x (n×R). */
    static void transpose(float[] x, float[] xt, int n, int r) {
        for (int i = 0; i < n; i++) {
            int xo = i * r;
            for (int c = 0; c < r; c++) {
                xt[c * n + i] = x[xo + c];
            }
        }
    }
}
