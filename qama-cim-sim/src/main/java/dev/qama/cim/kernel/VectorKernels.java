package dev.qama.cim.kernel;

import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Only loaded after {@link Kernels} has checked that {@code
 * jdk.incubator.vector} is present. The species is a static final constant: a species passed as a
 * parameter defeats the JIT's intrinsics (measured 8–10× slower).
 */
final class VectorKernels {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorKernels() {}

    static int lanes() {
        return L;
    }

    static CouplingKernel dense(DenseCoupling c, int reps) {
        return new Dense(c, reps);
    }

    static CouplingKernel sparse(SparseCoupling c, int reps) {
        return reps >= L ? new Sparse(c, reps) : new Wrapped(new ScalarKernels.Sparse(c, reps));
    }

    static CouplingKernel lowRank(LowRankCoupling c, int reps) {
        return reps >= L ? new LowRank(c, reps) : new LowRankFew(c, reps);
    }

    /** A scalar kernel used where vectors over the replica axis do not fit (R below the width). */
    private static final class Wrapped implements CouplingKernel {
        private final CouplingKernel inner;

        Wrapped(CouplingKernel inner) {
            this.inner = inner;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int replicas() {
            return inner.replicas();
        }

        @Override
        public boolean vectorized() {
            return true;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            inner.multiply(x, y);
        }
    }

    /**
     * Dense J. Few replicas (R below the vector width): X is transposed once per product and each
     * output is a vectorised dot product along the row, two rows at a time. Many replicas: each
     * output row accumulates J_ij·X_j over j in registers, vectorised over the replicas.
     */
    static final class Dense implements CouplingKernel {
        private final int n;
        private final int reps;
        private final float[] j;
        private final float[] xt;

        Dense(DenseCoupling c, int reps) {
            this.n = c.size();
            this.reps = reps;
            this.j = c.data();
            this.xt = reps < L ? new float[n * reps] : null;
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
            return true;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            if (xt != null) {
                multiplyFew(x, y);
            } else {
                multiplyMany(x, y);
            }
        }

        private void multiplyFew(float[] x, float[] y) {
            int r = reps;
            ScalarKernels.transpose(x, xt, n, r);
            int bound = SPECIES.loopBound(n);
            int i = 0;
            for (; i + 1 < n; i += 2) {
                int row0 = i * n;
                int row1 = row0 + n;
                for (int c = 0; c < r; c++) {
                    int xo = c * n;
                    FloatVector acc0 = FloatVector.zero(SPECIES);
                    FloatVector acc1 = FloatVector.zero(SPECIES);
                    int k = 0;
                    for (; k < bound; k += L) {
                        FloatVector xv = FloatVector.fromArray(SPECIES, xt, xo + k);
                        acc0 = FloatVector.fromArray(SPECIES, j, row0 + k).fma(xv, acc0);
                        acc1 = FloatVector.fromArray(SPECIES, j, row1 + k).fma(xv, acc1);
                    }
                    float s0 = acc0.reduceLanes(VectorOperators.ADD);
                    float s1 = acc1.reduceLanes(VectorOperators.ADD);
                    for (; k < n; k++) {
                        s0 += j[row0 + k] * xt[xo + k];
                        s1 += j[row1 + k] * xt[xo + k];
                    }
                    y[i * r + c] = s0;
                    y[(i + 1) * r + c] = s1;
                }
            }
            for (; i < n; i++) {
                int row = i * n;
                for (int c = 0; c < r; c++) {
                    int xo = c * n;
                    FloatVector acc = FloatVector.zero(SPECIES);
                    int k = 0;
                    for (; k < bound; k += L) {
                        acc =
                                FloatVector.fromArray(SPECIES, j, row + k)
                                        .fma(FloatVector.fromArray(SPECIES, xt, xo + k), acc);
                    }
                    float s = acc.reduceLanes(VectorOperators.ADD);
                    for (; k < n; k++) {
                        s += j[row + k] * xt[xo + k];
                    }
                    y[i * r + c] = s;
                }
            }
        }

        private void multiplyMany(float[] x, float[] y) {
            int r = reps;
            int wide = 4 * L;
            for (int i = 0; i < n; i++) {
                int row = i * n;
                int yo = i * r;
                int c = 0;
                for (; c + wide <= r; c += wide) {
                    FloatVector a0 = FloatVector.zero(SPECIES);
                    FloatVector a1 = FloatVector.zero(SPECIES);
                    FloatVector a2 = FloatVector.zero(SPECIES);
                    FloatVector a3 = FloatVector.zero(SPECIES);
                    for (int k = 0; k < n; k++) {
                        FloatVector jv = FloatVector.broadcast(SPECIES, j[row + k]);
                        int xo = k * r + c;
                        a0 = FloatVector.fromArray(SPECIES, x, xo).fma(jv, a0);
                        a1 = FloatVector.fromArray(SPECIES, x, xo + L).fma(jv, a1);
                        a2 = FloatVector.fromArray(SPECIES, x, xo + 2 * L).fma(jv, a2);
                        a3 = FloatVector.fromArray(SPECIES, x, xo + 3 * L).fma(jv, a3);
                    }
                    a0.intoArray(y, yo + c);
                    a1.intoArray(y, yo + c + L);
                    a2.intoArray(y, yo + c + 2 * L);
                    a3.intoArray(y, yo + c + 3 * L);
                }
                for (; c + L <= r; c += L) {
                    FloatVector a0 = FloatVector.zero(SPECIES);
                    for (int k = 0; k < n; k++) {
                        FloatVector jv = FloatVector.broadcast(SPECIES, j[row + k]);
                        a0 = FloatVector.fromArray(SPECIES, x, k * r + c).fma(jv, a0);
                    }
                    a0.intoArray(y, yo + c);
                }
                for (; c < r; c++) {
                    float s = 0f;
                    for (int k = 0; k < n; k++) {
                        s += j[row + k] * x[k * r + c];
                    }
                    y[yo + c] = s;
                }
            }
        }
    }

    /** CSR J with R ≥ the vector width: rows of X gathered per stored entry, vectorised over R. */
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
            return true;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            for (int i = 0; i < n; i++) {
                int yo = i * r;
                int k0 = start[i];
                int k1 = start[i + 1];
                int c = 0;
                for (; c + 2 * L <= r; c += 2 * L) {
                    FloatVector a0 = FloatVector.zero(SPECIES);
                    FloatVector a1 = FloatVector.zero(SPECIES);
                    for (int k = k0; k < k1; k++) {
                        FloatVector v = FloatVector.broadcast(SPECIES, vals[k]);
                        int xo = cols[k] * r + c;
                        a0 = FloatVector.fromArray(SPECIES, x, xo).fma(v, a0);
                        a1 = FloatVector.fromArray(SPECIES, x, xo + L).fma(v, a1);
                    }
                    a0.intoArray(y, yo + c);
                    a1.intoArray(y, yo + c + L);
                }
                for (; c + L <= r; c += L) {
                    FloatVector a0 = FloatVector.zero(SPECIES);
                    for (int k = k0; k < k1; k++) {
                        FloatVector v = FloatVector.broadcast(SPECIES, vals[k]);
                        a0 = FloatVector.fromArray(SPECIES, x, cols[k] * r + c).fma(v, a0);
                    }
                    a0.intoArray(y, yo + c);
                }
                for (; c < r; c++) {
                    float s = 0f;
                    for (int k = k0; k < k1; k++) {
                        s += vals[k] * x[cols[k] * r + c];
                    }
                    y[yo + c] = s;
                }
            }
        }
    }

    /** Low-rank J with R ≥ the vector width: both thin products vectorised over R. */
    static final class LowRank implements CouplingKernel {
        private final int n;
        private final int rank;
        private final int reps;
        private final float[] a;
        private final float[] b;
        private final float s;
        private final float[] diag;
        private final float[] p;
        private final float[] q;

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
            return true;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            int rk = rank;
            int bound = SPECIES.loopBound(r);
            java.util.Arrays.fill(p, 0f);
            java.util.Arrays.fill(q, 0f);
            for (int k = 0; k < n; k++) {
                int xo = k * r;
                int fo = k * rk;
                for (int c = 0; c < rk; c++) {
                    FloatVector av = FloatVector.broadcast(SPECIES, a[fo + c]);
                    FloatVector bv = FloatVector.broadcast(SPECIES, b[fo + c]);
                    int po = c * r;
                    int t = 0;
                    for (; t < bound; t += L) {
                        FloatVector xv = FloatVector.fromArray(SPECIES, x, xo + t);
                        av.fma(xv, FloatVector.fromArray(SPECIES, p, po + t)).intoArray(p, po + t);
                        bv.fma(xv, FloatVector.fromArray(SPECIES, q, po + t)).intoArray(q, po + t);
                    }
                    for (; t < r; t++) {
                        p[po + t] += a[fo + c] * x[xo + t];
                        q[po + t] += b[fo + c] * x[xo + t];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int yo = i * r;
                int fo = i * rk;
                FloatVector dv = FloatVector.broadcast(SPECIES, diag[i]);
                int t = 0;
                for (; t < bound; t += L) {
                    FloatVector acc = FloatVector.zero(SPECIES);
                    for (int c = 0; c < rk; c++) {
                        acc =
                                FloatVector.fromArray(SPECIES, q, c * r + t)
                                        .fma(FloatVector.broadcast(SPECIES, a[fo + c]), acc);
                        acc =
                                FloatVector.fromArray(SPECIES, p, c * r + t)
                                        .fma(FloatVector.broadcast(SPECIES, b[fo + c]), acc);
                    }
                    FloatVector xv = FloatVector.fromArray(SPECIES, x, yo + t);
                    acc.mul(s).sub(dv.mul(xv)).intoArray(y, yo + t);
                }
                for (; t < r; t++) {
                    float acc = 0f;
                    for (int c = 0; c < rk; c++) {
                        acc += a[fo + c] * q[c * r + t] + b[fo + c] * p[c * r + t];
                    }
                    y[yo + t] = s * acc - diag[i] * x[yo + t];
                }
            }
        }
    }

    /**
     * Low-rank J with few replicas: the factors are kept transposed (r×n), so both thin products
     * run along the n tokens: P_tc = A_c·x_t and Q_tc = B_c·x_t are dot products, and y_t = s·Σ_c
     * (Q_tc A_c + P_tc B_c) − diag∘x_t is a sum of 2r vector AXPYs.
     */
    static final class LowRankFew implements CouplingKernel {
        private final int n;
        private final int rank;
        private final int reps;
        private final float[] at; // r×n
        private final float[] bt; // r×n
        private final float s;
        private final float[] diag;
        private final float[] xc; // one column of X
        private final float[] yc; // one column of Y
        private final float[] xd; // a second column of X
        private final float[] yd; // a second column of Y

        LowRankFew(LowRankCoupling c, int reps) {
            this.n = c.size();
            this.rank = c.rank();
            this.reps = reps;
            float[] a = c.factorA();
            float[] b = c.factorB();
            this.at = new float[rank * n];
            this.bt = new float[rank * n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < rank; k++) {
                    at[k * n + i] = a[i * rank + k];
                    bt[k * n + i] = b[i * rank + k];
                }
            }
            this.s = (float) c.scale();
            double[] d = c.removedDiagonal();
            this.diag = new float[n];
            for (int i = 0; i < n; i++) {
                diag[i] = (float) d[i];
            }
            this.xc = new float[n];
            this.yc = new float[n];
            this.xd = new float[n];
            this.yd = new float[n];
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
            return true;
        }

        @Override
        public void multiply(float[] x, float[] y) {
            int r = reps;
            if (r == 1) {
                column(x, y);
                return;
            }
            int t = 0;
            for (; t + 1 < r; t += 2) {
                for (int i = 0; i < n; i++) {
                    xc[i] = x[i * r + t];
                    xd[i] = x[i * r + t + 1];
                }
                pair(xc, yc, xd, yd);
                for (int i = 0; i < n; i++) {
                    y[i * r + t] = yc[i];
                    y[i * r + t + 1] = yd[i];
                }
            }
            if (t < r) {
                for (int i = 0; i < n; i++) {
                    xc[i] = x[i * r + t];
                }
                column(xc, yc);
                for (int i = 0; i < n; i++) {
                    y[i * r + t] = yc[i];
                }
            }
        }

        /** y = J·x for one contiguous column. */
        private void column(float[] xv, float[] yv) {
            int bound = SPECIES.loopBound(n);
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector.fromArray(SPECIES, diag, i)
                        .mul(FloatVector.fromArray(SPECIES, xv, i))
                        .neg()
                        .intoArray(yv, i);
            }
            for (; i < n; i++) {
                yv[i] = -diag[i] * xv[i];
            }
            for (int c = 0; c < rank; c++) {
                int o = c * n;
                FloatVector pa = FloatVector.zero(SPECIES);
                FloatVector pb = FloatVector.zero(SPECIES);
                int k = 0;
                for (; k < bound; k += L) {
                    FloatVector xk = FloatVector.fromArray(SPECIES, xv, k);
                    pa = FloatVector.fromArray(SPECIES, at, o + k).fma(xk, pa);
                    pb = FloatVector.fromArray(SPECIES, bt, o + k).fma(xk, pb);
                }
                float p = pa.reduceLanes(VectorOperators.ADD);
                float q = pb.reduceLanes(VectorOperators.ADD);
                for (; k < n; k++) {
                    p += at[o + k] * xv[k];
                    q += bt[o + k] * xv[k];
                }
                float sq = s * q;
                float sp = s * p;
                FloatVector vq = FloatVector.broadcast(SPECIES, sq);
                FloatVector vp = FloatVector.broadcast(SPECIES, sp);
                k = 0;
                for (; k < bound; k += L) {
                    FloatVector acc = FloatVector.fromArray(SPECIES, yv, k);
                    acc = FloatVector.fromArray(SPECIES, at, o + k).fma(vq, acc);
                    acc = FloatVector.fromArray(SPECIES, bt, o + k).fma(vp, acc);
                    acc.intoArray(yv, k);
                }
                for (; k < n; k++) {
                    yv[k] += at[o + k] * sq + bt[o + k] * sp;
                }
            }
        }

        /** Two columns at once: every factor load serves both. */
        private void pair(float[] x0, float[] y0, float[] x1, float[] y1) {
            int bound = SPECIES.loopBound(n);
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(SPECIES, diag, i);
                d.mul(FloatVector.fromArray(SPECIES, x0, i)).neg().intoArray(y0, i);
                d.mul(FloatVector.fromArray(SPECIES, x1, i)).neg().intoArray(y1, i);
            }
            for (; i < n; i++) {
                y0[i] = -diag[i] * x0[i];
                y1[i] = -diag[i] * x1[i];
            }
            for (int c = 0; c < rank; c++) {
                int o = c * n;
                FloatVector pa0 = FloatVector.zero(SPECIES);
                FloatVector pb0 = FloatVector.zero(SPECIES);
                FloatVector pa1 = FloatVector.zero(SPECIES);
                FloatVector pb1 = FloatVector.zero(SPECIES);
                int k = 0;
                for (; k < bound; k += L) {
                    FloatVector av = FloatVector.fromArray(SPECIES, at, o + k);
                    FloatVector bv = FloatVector.fromArray(SPECIES, bt, o + k);
                    FloatVector xk0 = FloatVector.fromArray(SPECIES, x0, k);
                    FloatVector xk1 = FloatVector.fromArray(SPECIES, x1, k);
                    pa0 = av.fma(xk0, pa0);
                    pb0 = bv.fma(xk0, pb0);
                    pa1 = av.fma(xk1, pa1);
                    pb1 = bv.fma(xk1, pb1);
                }
                float p0 = pa0.reduceLanes(VectorOperators.ADD);
                float q0 = pb0.reduceLanes(VectorOperators.ADD);
                float p1 = pa1.reduceLanes(VectorOperators.ADD);
                float q1 = pb1.reduceLanes(VectorOperators.ADD);
                for (; k < n; k++) {
                    p0 += at[o + k] * x0[k];
                    q0 += bt[o + k] * x0[k];
                    p1 += at[o + k] * x1[k];
                    q1 += bt[o + k] * x1[k];
                }
                float sq0 = s * q0;
                float sp0 = s * p0;
                float sq1 = s * q1;
                float sp1 = s * p1;
                FloatVector vq0 = FloatVector.broadcast(SPECIES, sq0);
                FloatVector vp0 = FloatVector.broadcast(SPECIES, sp0);
                FloatVector vq1 = FloatVector.broadcast(SPECIES, sq1);
                FloatVector vp1 = FloatVector.broadcast(SPECIES, sp1);
                k = 0;
                for (; k < bound; k += L) {
                    FloatVector av = FloatVector.fromArray(SPECIES, at, o + k);
                    FloatVector bv = FloatVector.fromArray(SPECIES, bt, o + k);
                    av.fma(vq0, bv.fma(vp0, FloatVector.fromArray(SPECIES, y0, k)))
                            .intoArray(y0, k);
                    av.fma(vq1, bv.fma(vp1, FloatVector.fromArray(SPECIES, y1, k)))
                            .intoArray(y1, k);
                }
                for (; k < n; k++) {
                    y0[k] += at[o + k] * sq0 + bt[o + k] * sp0;
                    y1[k] += at[o + k] * sq1 + bt[o + k] * sp1;
                }
            }
        }
    }
}
