package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.SparseCoupling;
import java.util.SplittableRandom;

/**
 * Single-flip kernel for a model with a sparse (CSR) coupling: local fields in double precision, a
 * proposal O(1), an accepted flip O(degree).
 */
final class SparseKernel extends FieldKernel {
    private final int[] rowStart;
    private final int[] cols;
    private final float[] vals;

    SparseKernel(BinaryQuadraticModel model, SparseCoupling c) {
        super(model);
        this.rowStart = c.rowStart();
        this.cols = c.columns();
        this.vals = c.values();
    }

    @Override
    void recomputeFields() {
        for (int i = 0; i < n; i++) {
            double acc = h[i];
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                acc += (double) vals[k] * x[cols[k]];
            }
            f[i] = acc;
        }
    }

    @Override
    void apply(int v, int dz) {
        x[v] = (byte) (x[v] + dz);
        double d = dz;
        for (int k = rowStart[v], e = rowStart[v + 1]; k < e; k++) {
            f[cols[k]] += vals[k] * d;
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
