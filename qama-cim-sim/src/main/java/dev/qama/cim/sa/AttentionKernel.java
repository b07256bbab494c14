package dev.qama.cim.sa;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.SplittableRandom;

/**
 * Single-flip kernel for an {@link AttentionProblem} on primitive arrays, never building the
 * (H·N·q)² matrix. It tracks the token weights w_{t,i}, the token fields g_{t,i} = Σ_j C_{t,ij}
 * w_{t,j} (or, for a factored low-rank head, the projections Aᵀw_t and Bᵀw_t) and the per-(token,
 * bit) head counts c_{i,k} of the multi-head penalty. With u_k the bit weight, σ = 1 − 2x and Δw =
 * u_k σ, flipping bit (t, i, k) changes the energy by (the same formula as {@link
 * dev.qama.core.attention.AttentionState})
 *
 * <pre>
 *   ΔE = −a [2 Δw g_{t,i} + D_{t,i} (2 w_{t,i} Δw + Δw²)] − b h_{t,i} Δw + ρ σ (c_{i,k} − x)
 * </pre>
 *
 * A proposal costs O(1) (O(r) for a factored head); an accepted flip O(N) for a dense head, O(deg)
 * sparse, O(r) factored. Masked tokens' bits are not in {@link #free}: they are never proposed and
 * stay 0.
 */
final class AttentionKernel extends Kernel {
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    private static final int FACTORED = 2;

    private final AttentionProblem p;
    private final int tokens;
    private final int bits;
    private final double a;
    private final double rho;
    private final double[] u;
    // per variable
    private final int[] varTi;
    private final int[] varHead;
    private final int[] varTok;
    private final int[] varCount;
    private final double[] varU;
    private final double[] linCoef; // −b·h_{t,i}·u_k
    // per (head, token)
    private final double[] diag;
    private final double[] w;
    private final double[] g;
    private final int[] count;
    // per head
    private final int[] kind;
    private final float[][] dense;
    private final int[][] rowStart;
    private final int[][] cols;
    private final float[][] vals;
    private final int[] rank;
    private final float[][] fa;
    private final float[][] fb;
    private final double[] scale;
    private final double[][] lrDiag;
    private final double[][] pa;
    private final double[][] pb;

    /**
     * @param p the problem
     * @param materialise for each head with a low-rank coupling: true to expand it to a dense N×N
     *     array (cheaper proposals), false to keep it factored
     */
    AttentionKernel(AttentionProblem p, boolean[] materialise) {
        super(p.numVariables(), Vartype.BINARY, freeVariables(p));
        this.p = p;
        int heads = p.heads();
        this.tokens = p.tokens();
        this.bits = p.bits();
        this.a = p.couplingWeight();
        this.rho = p.penaltyWeight();
        this.u = p.bitWeights();
        this.varTi = new int[n];
        this.varHead = new int[n];
        this.varTok = new int[n];
        this.varCount = new int[n];
        this.varU = new double[n];
        this.linCoef = new double[n];
        for (int v = 0; v < n; v++) {
            int k = v % bits;
            int ti = v / bits;
            int t = ti / tokens;
            int i = ti % tokens;
            varTi[v] = ti;
            varHead[v] = t;
            varTok[v] = i;
            varCount[v] = i * bits + k;
            varU[v] = u[k];
            linCoef[v] = -p.linearWeight() * p.linear(t)[i] * u[k];
        }
        this.diag = new double[heads * tokens];
        for (int t = 0; t < heads; t++) {
            float[] d = p.diagonal(t);
            if (d != null) {
                for (int i = 0; i < tokens; i++) {
                    diag[t * tokens + i] = d[i];
                }
            }
        }
        this.w = new double[heads * tokens];
        this.g = new double[heads * tokens];
        this.count = new int[tokens * bits];
        this.kind = new int[heads];
        this.dense = new float[heads][];
        this.rowStart = new int[heads][];
        this.cols = new int[heads][];
        this.vals = new float[heads][];
        this.rank = new int[heads];
        this.fa = new float[heads][];
        this.fb = new float[heads][];
        this.scale = new double[heads];
        this.lrDiag = new double[heads][];
        this.pa = new double[heads][];
        this.pb = new double[heads][];
        for (int t = 0; t < heads; t++) {
            Coupling c = p.coupling(t);
            if (c instanceof DenseCoupling dc) {
                kind[t] = DENSE;
                dense[t] = dc.data();
            } else if (c instanceof SparseCoupling sc) {
                kind[t] = SPARSE;
                rowStart[t] = sc.rowStart();
                cols[t] = sc.columns();
                vals[t] = sc.values();
            } else if (c instanceof LowRankCoupling lr) {
                if (materialise[t]) {
                    kind[t] = DENSE;
                    dense[t] = lr.toDenseArray(tokens);
                } else {
                    kind[t] = FACTORED;
                    rank[t] = lr.rank();
                    fa[t] = lr.factorA();
                    fb[t] = lr.factorB();
                    scale[t] = lr.scale();
                    lrDiag[t] = lr.removedDiagonal();
                    pa[t] = new double[lr.rank()];
                    pb[t] = new double[lr.rank()];
                }
            } else {
                throw new IllegalStateException("unknown coupling type " + c);
            }
        }
    }

    static int[] freeVariables(AttentionProblem p) {
        int n = p.numVariables();
        int m = 0;
        int[] f = new int[n];
        for (int v = 0; v < n; v++) {
            if (p.isFree(v)) {
                f[m++] = v;
            }
        }
        return java.util.Arrays.copyOf(f, m);
    }

    @Override
    void recompute() {
        java.util.Arrays.fill(count, 0);
        int heads = kind.length;
        for (int ti = 0; ti < heads * tokens; ti++) {
            double s = 0;
            int base = ti * bits;
            for (int k = 0; k < bits; k++) {
                s += u[k] * x[base + k];
                count[(ti % tokens) * bits + k] += x[base + k];
            }
            w[ti] = s;
        }
        for (int t = 0; t < heads; t++) {
            int base = t * tokens;
            switch (kind[t]) {
                case DENSE -> {
                    float[] m = dense[t];
                    for (int i = 0; i < tokens; i++) {
                        double acc = 0;
                        int row = i * tokens;
                        for (int j = 0; j < tokens; j++) {
                            acc += m[row + j] * w[base + j];
                        }
                        g[base + i] = acc;
                    }
                }
                case SPARSE -> {
                    int[] rs = rowStart[t];
                    int[] cl = cols[t];
                    float[] vl = vals[t];
                    for (int i = 0; i < tokens; i++) {
                        double acc = 0;
                        for (int k = rs[i]; k < rs[i + 1]; k++) {
                            acc += vl[k] * w[base + cl[k]];
                        }
                        g[base + i] = acc;
                    }
                }
                default -> {
                    int r = rank[t];
                    double[] qa = pa[t];
                    double[] qb = pb[t];
                    java.util.Arrays.fill(qa, 0);
                    java.util.Arrays.fill(qb, 0);
                    float[] ma = fa[t];
                    float[] mb = fb[t];
                    for (int i = 0; i < tokens; i++) {
                        double wi = w[base + i];
                        if (wi == 0) {
                            continue;
                        }
                        for (int c = 0; c < r; c++) {
                            qa[c] += ma[i * r + c] * wi;
                            qb[c] += mb[i * r + c] * wi;
                        }
                    }
                }
            }
        }
        energy = p.energy(x);
    }

    /** The token field g_{t,i} of a factored head. */
    private double factoredField(int t, int i, double wi) {
        int r = rank[t];
        float[] ma = fa[t];
        float[] mb = fb[t];
        double[] qa = pa[t];
        double[] qb = pb[t];
        int o = i * r;
        double acc = 0;
        for (int c = 0; c < r; c++) {
            acc += ma[o + c] * qb[c] + mb[o + c] * qa[c];
        }
        return scale[t] * acc - lrDiag[t][i] * wi;
    }

    @Override
    double delta(int v) {
        int ti = varTi[v];
        int t = varHead[v];
        int xv = x[v];
        int sg = 1 - 2 * xv;
        double dw = varU[v] * sg;
        double wi = w[ti];
        double gi = kind[t] == FACTORED ? factoredField(t, varTok[v], wi) : g[ti];
        return -a * (2 * dw * gi + diag[ti] * (2 * wi * dw + dw * dw))
                + linCoef[v] * sg
                + rho * sg * (count[varCount[v]] - xv);
    }

    @Override
    void flip(int v) {
        energy += delta(v);
        apply(v);
    }

    private void apply(int v) {
        int ti = varTi[v];
        int t = varHead[v];
        int i = varTok[v];
        int xv = x[v];
        int sg = 1 - 2 * xv;
        double dw = varU[v] * sg;
        x[v] = (byte) (1 - xv);
        count[varCount[v]] += sg;
        w[ti] += dw;
        int base = t * tokens;
        switch (kind[t]) {
            case DENSE -> {
                float[] m = dense[t];
                int row = i * tokens;
                for (int j = 0; j < tokens; j++) {
                    g[base + j] += m[row + j] * dw;
                }
            }
            case SPARSE -> {
                int[] rs = rowStart[t];
                int[] cl = cols[t];
                float[] vl = vals[t];
                for (int k = rs[i], e = rs[i + 1]; k < e; k++) {
                    g[base + cl[k]] += vl[k] * dw;
                }
            }
            default -> {
                int r = rank[t];
                float[] ma = fa[t];
                float[] mb = fb[t];
                double[] qa = pa[t];
                double[] qb = pb[t];
                int o = i * r;
                for (int c = 0; c < r; c++) {
                    qa[c] += ma[o + c] * dw;
                    qb[c] += mb[o + c] * dw;
                }
            }
        }
    }

    @Override
    void sweep(double beta, SplittableRandom rng, boolean random) {
        int m = free.length;
        for (int c = 0; c < m; c++) {
            int v = random ? free[rng.nextInt(m)] : free[c];
            double de = delta(v);
            if (de > 0) {
                double bde = beta * de;
                if (bde > MAX_BETA_DELTA || !metropolis(rng.nextDouble(), bde)) {
                    continue;
                }
            }
            if (bestIsCurrent && de >= 0) {
                saveBest();
            }
            apply(v);
            energy += de;
            if (energy < bestEnergy) {
                bestEnergy = energy;
                bestIsCurrent = true;
            }
        }
    }
}
