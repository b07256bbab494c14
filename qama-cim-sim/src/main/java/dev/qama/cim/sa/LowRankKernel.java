package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.LowRankCoupling;
import java.util.SplittableRandom;

/**
 * Single-flip kernel for a model with a factored coupling J = s·(A·Bᵀ + B·Aᵀ) − diag(D): it keeps
 * the projections p = Aᵀz and q = Bᵀz (length r) up to date, so the local field f_i = h_i +
 * s·(A_i·q + B_i·p) − D_i z_i costs O(r) per proposal and an accepted flip O(r). Nothing of size n²
 * exists.
 */
final class LowRankKernel extends Kernel {
    private final BinaryQuadraticModel model;
    private final float[] h;
    private final int r;
    private final float[] a;
    private final float[] b;
    private final double s;
    private final double[] diag;
    private final double[] pa;
    private final double[] pb;

    LowRankKernel(BinaryQuadraticModel model, LowRankCoupling c) {
        super(model.numVariables(), model.vartype(), allVariables(model.numVariables()));
        this.model = model;
        this.h = model.linear();
        this.r = c.rank();
        this.a = c.factorA();
        this.b = c.factorB();
        this.s = c.scale();
        this.diag = c.removedDiagonal();
        this.pa = new double[r];
        this.pb = new double[r];
    }

    @Override
    void recompute() {
        java.util.Arrays.fill(pa, 0);
        java.util.Arrays.fill(pb, 0);
        for (int j = 0; j < n; j++) {
            int zj = x[j];
            if (zj == 0) {
                continue;
            }
            int o = j * r;
            for (int c = 0; c < r; c++) {
                pa[c] += a[o + c] * zj;
                pb[c] += b[o + c] * zj;
            }
        }
        energy = model.energyUnchecked(x);
    }

    private double field(int v) {
        int o = v * r;
        double acc = 0;
        for (int c = 0; c < r; c++) {
            acc += a[o + c] * pb[c] + b[o + c] * pa[c];
        }
        return h[v] + s * acc - diag[v] * x[v];
    }

    @Override
    double delta(int v) {
        return field(v) * (lowPlusHigh - 2 * x[v]);
    }

    @Override
    void flip(int v) {
        int dz = lowPlusHigh - 2 * x[v];
        energy += field(v) * dz;
        apply(v, dz);
    }

    private void apply(int v, int dz) {
        x[v] = (byte) (x[v] + dz);
        int o = v * r;
        double d = dz;
        for (int c = 0; c < r; c++) {
            pa[c] += a[o + c] * d;
            pb[c] += b[o + c] * d;
        }
    }

    @Override
    void sweep(double beta, SplittableRandom rng, boolean random) {
        int m = free.length;
        for (int k = 0; k < m; k++) {
            int v = random ? free[rng.nextInt(m)] : free[k];
            int dz = lowPlusHigh - 2 * x[v];
            double de = field(v) * dz;
            if (de > 0) {
                double bde = beta * de;
                if (bde > MAX_BETA_DELTA || !metropolis(rng.nextDouble(), bde)) {
                    continue;
                }
            }
            if (bestIsCurrent && de >= 0) {
                saveBest();
            }
            apply(v, dz);
            energy += de;
            if (energy < bestEnergy) {
                bestEnergy = energy;
                bestIsCurrent = true;
            }
        }
    }
}
