package dev.qama.cim.sa;

import dev.qama.core.model.BinaryQuadraticModel;

/**
 * A single-flip kernel for a plain model that keeps the local fields f_i = h_i + Σ_j J_ij z_j in
 * double precision, so a proposal costs O(1) (ΔE = f_i·Δz_i); subclasses store the coupling and
 * update the fields after a flip ({@link #apply}). Each subclass still inlines its own {@link
 * #sweep} (see {@link Kernel}); this class holds what the field kernels share outside the hot loop.
 */
abstract class FieldKernel extends Kernel {
    final BinaryQuadraticModel model;
    final float[] h;
    final double[] f;

    FieldKernel(BinaryQuadraticModel model) {
        super(model.numVariables(), model.vartype(), allVariables(model.numVariables()));
        this.model = model;
        this.h = model.linear();
        this.f = new double[n];
    }

    /** Recomputes every field f_i = h_i + Σ_j J_ij x_j from {@code x}. */
    abstract void recomputeFields();

    /** Sets x_v to x_v + dz and adds dz times row v of J to the fields. */
    abstract void apply(int v, int dz);

    @Override
    final void recompute() {
        recomputeFields();
        energy = model.energyUnchecked(x);
    }

    @Override
    final double delta(int v) {
        return f[v] * (lowPlusHigh - 2 * x[v]);
    }

    @Override
    final void flip(int v) {
        int dz = lowPlusHigh - 2 * x[v];
        energy += f[v] * dz;
        apply(v, dz);
    }
}
