package dev.qama.cim.kernel;

/**
 * The element-wise position/momentum update of simulated bifurcation over a contiguous block, with
 * a Vector API implementation and a scalar fallback chosen like the coupling kernels (the two may
 * differ in the last bit: the vector path fuses multiply-adds).
 */
public final class Updates {
    private Updates() {}

    /**
     * For every index c in [from, to): y += (−damp·x − xi·g)·dt; x += a0·y·dt; where |x| &gt; 1: x
     * = sign(x), y = 0.
     *
     * @param vector whether to use the Vector API (callers pass {@link Kernels#vectorEnabled()} or
     *     the mode they resolved)
     */
    public static void ballistic(
            boolean vector,
            float[] x,
            float[] y,
            float[] g,
            int from,
            int to,
            float damp,
            float xi,
            float dt,
            float a0) {
        if (vector) {
            VectorUpdates.ballistic(x, y, g, from, to, damp, xi, dt, a0);
            return;
        }
        for (int c = from; c < to; c++) {
            float yv = y[c] + (-damp * x[c] - xi * g[c]) * dt;
            float xv = x[c] + a0 * yv * dt;
            if (xv > 1f) {
                xv = 1f;
                yv = 0f;
            } else if (xv < -1f) {
                xv = -1f;
                yv = 0f;
            }
            x[c] = xv;
            y[c] = yv;
        }
    }

    /** s[m] = x[m] &gt; 0 ? +1 : −1 for m in [0, len) (the read-out of amplitudes). */
    public static void sign(boolean vector, float[] x, float[] s, int len) {
        if (vector) {
            VectorUpdates.sign(x, s, len);
            return;
        }
        for (int m = 0; m < len; m++) {
            s[m] = x[m] > 0f ? 1f : -1f;
        }
    }

    /** w[m] = ½(x[off + m] + 1) for m in [0, len). */
    static void weights(boolean vector, float[] x, int off, float[] w, int len) {
        if (vector) {
            VectorUpdates.weights(x, off, w, len);
            return;
        }
        for (int m = 0; m < len; m++) {
            w[m] = 0.5f * (x[off + m] + 1f);
        }
    }

    /**
     * g[off + m] = ka·cw[m] + cst[off + m] + kr·(cs[m] − w[m]) for m in [0, len); cs may be null
     * (no penalty term).
     */
    static void attentionField(
            boolean vector,
            float[] g,
            int off,
            float[] cw,
            float[] cst,
            float[] cs,
            float[] w,
            int len,
            float ka,
            float kr) {
        if (vector) {
            VectorUpdates.attentionField(g, off, cw, cst, cs, w, len, ka, kr);
            return;
        }
        if (cs != null) {
            for (int m = 0; m < len; m++) {
                g[off + m] = ka * cw[m] + cst[off + m] + kr * (cs[m] - w[m]);
            }
        } else {
            for (int m = 0; m < len; m++) {
                g[off + m] = ka * cw[m] + cst[off + m];
            }
        }
    }

    /** Whether {@code mode} resolves to the vector path now. */
    public static boolean useVector(Kernels.Mode mode) {
        return switch (mode) {
            case SCALAR -> false;
            case VECTOR -> Kernels.vectorAvailable();
            default -> Kernels.vectorEnabled();
        };
    }
}
