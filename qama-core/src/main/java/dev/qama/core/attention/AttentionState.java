package dev.qama.core.attention;

import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.SparseCoupling;

/**
 * A mutable state of an {@link AttentionProblem} with the sums needed for incremental evaluation:
 * the token weights w, the token fields g_t = C_t w_t (or, for a {@link LowRankCoupling}, the
 * projections Aᵀw_t and Bᵀw_t), and the per-(token, bit) head counts of the penalty.
 *
 * <p>Costs: {@link #delta(int)} O(1) (O(r) for low-rank couplings); {@link #flip(int)} O(N) for a
 * dense coupling, O(degree) sparse, O(r) low-rank. The flip delta of bit (t, i, k), with Δw = u_k
 * (1 − 2x) the change of w_{t,i}, is
 *
 * <pre>
 *   ΔE = −a [2 Δw g_{t,i} + D_i ((w + Δw)² − w²)] − b h_{t,i} Δw + ρ (1 − 2x)(c_{i,k} − x)
 * </pre>
 *
 * where c_{i,k} = Σ_t x_{t,i,k}. Bits of masked tokens have ΔE = +∞ so no solver ever sets them.
 *
 * <p>Not thread-safe: one per solver thread. The tracked energy accumulates rounding over many
 * flips; {@link #recompute()} resets it from scratch.
 */
public final class AttentionState {
    private final AttentionProblem p;
    private final int heads;
    private final int tokens;
    private final int bits;
    private final double[] u;
    private final byte[] x;
    private final double[] w;
    private final double[] g; // dense/sparse: C_t w_t
    private final double[] pa; // low-rank: Aᵀ w_t per head (heads × r)
    private final double[] pb;
    private final int[] rank;
    private final int[] count;
    private double energy;

    AttentionState(AttentionProblem p, byte[] x0) {
        p.checkState(x0);
        this.p = p;
        this.heads = p.heads();
        this.tokens = p.tokens();
        this.bits = p.bits();
        this.u = p.bitWeights();
        this.x = x0.clone();
        this.w = new double[heads * tokens];
        this.g = new double[heads * tokens];
        this.rank = new int[heads];
        int maxR = 0;
        for (int t = 0; t < heads; t++) {
            if (p.coupling(t) instanceof LowRankCoupling lr) {
                rank[t] = lr.rank();
                maxR = Math.max(maxR, lr.rank());
            }
        }
        this.pa = new double[heads * Math.max(maxR, 1)];
        this.pb = new double[heads * Math.max(maxR, 1)];
        this.count = new int[tokens * bits];
        recompute();
    }

    /** Recomputes every tracked sum and the energy from x. */
    public void recompute() {
        double[] wt = new double[tokens];
        double[] gt = new double[tokens];
        java.util.Arrays.fill(count, 0);
        for (int t = 0; t < heads; t++) {
            for (int i = 0; i < tokens; i++) {
                double s = 0;
                for (int k = 0; k < bits; k++) {
                    int v = (t * tokens + i) * bits + k;
                    s += u[k] * x[v];
                    count[i * bits + k] += x[v];
                }
                w[t * tokens + i] = s;
                wt[i] = s;
            }
            Coupling c = p.coupling(t);
            if (c instanceof LowRankCoupling lr) {
                int r = lr.rank();
                int stride = pa.length / heads;
                float[] fa = lr.factorA();
                float[] fb = lr.factorB();
                for (int q = 0; q < r; q++) {
                    double sa = 0;
                    double sb = 0;
                    for (int i = 0; i < tokens; i++) {
                        sa += fa[i * r + q] * wt[i];
                        sb += fb[i * r + q] * wt[i];
                    }
                    pa[t * stride + q] = sa;
                    pb[t * stride + q] = sb;
                }
            } else {
                c.multiply(wt, gt);
                System.arraycopy(gt, 0, g, t * tokens, tokens);
            }
        }
        energy = p.energyOfWeights(w, p.penaltyPairs(x));
    }

    /** The current state (read-only view; do not modify). */
    public byte[] state() {
        return x;
    }

    /** A copy of the current state. */
    public byte[] copyState() {
        return x.clone();
    }

    /** The tracked energy of the current state. */
    public double energy() {
        return energy;
    }

    /** w_{t,i}. */
    public double weight(int head, int token) {
        return w[head * tokens + token];
    }

    /** The token field g_{t,i} = Σ_j C_{t,ij} w_{t,j}. */
    public double tokenField(int t, int i) {
        Coupling c = p.coupling(t);
        if (c instanceof LowRankCoupling lr) {
            int r = rank[t];
            int stride = pa.length / heads;
            float[] fa = lr.factorA();
            float[] fb = lr.factorB();
            double acc = 0;
            for (int q = 0; q < r; q++) {
                acc += fa[i * r + q] * pb[t * stride + q] + fb[i * r + q] * pa[t * stride + q];
            }
            return lr.scale() * acc - lr.removedDiagonal()[i] * w[t * tokens + i];
        }
        return g[t * tokens + i];
    }

    /** The energy change of flipping variable v (+∞ for a bit of a masked token). */
    public double delta(int v) {
        int k = v % bits;
        int ti = v / bits;
        int i = ti % tokens;
        int t = ti / tokens;
        if (p.isMasked(i) && x[v] == 0) {
            return Double.POSITIVE_INFINITY;
        }
        int xv = x[v];
        double dw = u[k] * (1 - 2 * xv);
        double wi = w[ti];
        float[] d = p.diagonal(t);
        double di = d == null ? 0 : d[i];
        double quad = 2 * dw * tokenField(t, i) + di * ((wi + dw) * (wi + dw) - wi * wi);
        double pen = p.penaltyWeight() * (1 - 2 * xv) * (count[i * bits + k] - xv);
        return -p.couplingWeight() * quad - p.linearWeight() * p.linear(t)[i] * dw + pen;
    }

    /**
     * The local field of variable v: E(x with x_v = 1) − E(x with x_v = 0) given the other bits.
     */
    public double field(int v) {
        double d = delta(v);
        return x[v] == 0 ? d : -d;
    }

    /** Flips variable v, updating every tracked sum; returns the energy change. */
    public double flip(int v) {
        double de = delta(v);
        if (de == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "variable " + v + " belongs to a masked token and cannot be set");
        }
        int k = v % bits;
        int ti = v / bits;
        int i = ti % tokens;
        int t = ti / tokens;
        int xv = x[v];
        double dw = u[k] * (1 - 2 * xv);
        x[v] = (byte) (1 - xv);
        count[i * bits + k] += 1 - 2 * xv;
        w[ti] += dw;
        Coupling c = p.coupling(t);
        if (c instanceof DenseCoupling dc) {
            float[] data = dc.data();
            int row = i * tokens;
            int base = t * tokens;
            for (int j = 0; j < tokens; j++) {
                g[base + j] += data[row + j] * dw;
            }
        } else if (c instanceof SparseCoupling sc) {
            int[] rs = sc.rowStart();
            int[] cols = sc.columns();
            float[] vals = sc.values();
            int base = t * tokens;
            for (int q = rs[i]; q < rs[i + 1]; q++) {
                g[base + cols[q]] += vals[q] * dw;
            }
        } else if (c instanceof LowRankCoupling lr) {
            int r = lr.rank();
            int stride = pa.length / heads;
            float[] fa = lr.factorA();
            float[] fb = lr.factorB();
            for (int q = 0; q < r; q++) {
                pa[t * stride + q] += fa[i * r + q] * dw;
                pb[t * stride + q] += fb[i * r + q] * dw;
            }
        }
        energy += de;
        return de;
    }
}
