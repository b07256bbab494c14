package dev.qama.cim.kernel;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Vartype;

/**
 * A {@link BinaryQuadraticModel} in spin form: a BINARY model is converted exactly with {@link
 * BinaryQuadraticModel#toVartype}, and states are converted back with s = 2x − 1.
 */
final class IsingSystem extends SpinSystem {
    private final Vartype vartype;
    private final CouplingKernel kernel;
    private final float[] h;
    private final double squares;
    private final int[] free;

    IsingSystem(BinaryQuadraticModel model, int reps, Kernels.Mode mode) {
        super(model.numVariables(), reps);
        this.vartype = model.vartype();
        BinaryQuadraticModel spin = model.toVartype(Vartype.SPIN);
        this.kernel = Kernels.create(spin.coupling(), reps, mode);
        this.h = spin.linear().clone();
        double[] hd = new double[n];
        for (int v = 0; v < n; v++) {
            hd[v] = h[v];
        }
        setLinearAndOffset(hd, spin.offset());
        this.squares = 2 * spin.coupling().sumSquaresUpper();
        this.free = new int[n];
        for (int v = 0; v < n; v++) {
            free[v] = v;
        }
        setFreeRuns(free);
    }

    @Override
    public int[] freeSpins() {
        return free;
    }

    @Override
    public void gradient(float[] x, float[] g) {
        kernel.multiply(x, g);
        int r = reps;
        for (int v = 0; v < n; v++) {
            float hv = h[v];
            if (hv == 0f) {
                continue;
            }
            int o = v * r;
            for (int c = 0; c < r; c++) {
                g[o + c] += hv;
            }
        }
    }

    @Override
    public double couplingSquares() {
        return squares;
    }

    @Override
    public byte[] toState(byte[] signs) {
        if (vartype == Vartype.SPIN) {
            return signs.clone();
        }
        byte[] out = new byte[signs.length];
        for (int v = 0; v < signs.length; v++) {
            out[v] = (byte) (signs[v] > 0 ? 1 : 0);
        }
        return out;
    }

    @Override
    public byte toSpin(byte value) {
        return value == 1 ? (byte) 1 : (byte) -1;
    }
}
