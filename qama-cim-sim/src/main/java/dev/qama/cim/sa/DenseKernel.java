package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;
import java.util.SplittableRandom;

/**
 * Single-flip kernel for a model with a dense coupling (row-major float32 n×n): local fields f_i =
 * h_i + Σ_j J_ij z_j kept in double precision; a proposal costs O(1) (ΔE = f_i·Δz_i), an accepted
 * flip O(n) (one row added to the fields).
 */
final class DenseKernel extends FieldKernel {
    private final float[] j;

    /**
     * @param model the model (its energy is the reference)
     * @param j its coupling as a row-major n×n array (read only; may be a materialised low-rank
     *     one)
     */
    DenseKernel(BinaryQuadraticModel model, float[] j) {
        super(model);
        this.j = j;
    }

    @Override
    void recomputeFields() {
        for (int i = 0; i < n; i++) {
            int row = i * n;
            double acc = h[i];
            for (int k = 0; k < n; k++) {
                acc += (double) j[row + k] * x[k];
            }
            f[i] = acc;
        }
    }

    @Override
    void apply(int v, int dz) {
        x[v] = (byte) (x[v] + dz);
        int row = v * n;
        double d = dz;
        for (int k = 0; k < n; k++) {
            f[k] += j[row + k] * d;
        }
    }

    @Override
    void sweep(double beta, SplittableRandom rng, boolean random) {
        int m = free.length;
        for (int c = 0; c < m; c++) {
            int v = random ? free[rng.nextInt(m)] : free[c];
            int dz = lowPlusHigh - 2 * x[v];
            double de = f[v] * dz;
            if (!accepts(beta, de, rng)) {
                continue;
            }
            if (bestIsCurrent && de >= 0) {
                saveBest();
            }
            apply(v, dz);
            energy += de;
            noteCurrent();
        }
    }
}
