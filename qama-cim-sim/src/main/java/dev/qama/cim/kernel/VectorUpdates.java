package dev.qama.cim.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API element-wise updates; loaded only when the module is present. */
final class VectorUpdates {
    private static final VectorSpecies<Float> SPECIES = VectorKernels.SPECIES;
    private static final int L = SPECIES.length();

    private VectorUpdates() {}

    static void ballistic(
            float[] x,
            float[] y,
            float[] g,
            int from,
            int to,
            float damp,
            float xi,
            float dt,
            float a0) {
        float cx = -damp * dt;
        float cg = -xi * dt;
        float cy = a0 * dt;
        FloatVector vcx = FloatVector.broadcast(SPECIES, cx);
        FloatVector vcg = FloatVector.broadcast(SPECIES, cg);
        FloatVector vcy = FloatVector.broadcast(SPECIES, cy);
        int c = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; c < bound; c += L) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, c);
            FloatVector yv = FloatVector.fromArray(SPECIES, y, c);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, c);
            yv = xv.fma(vcx, gv.fma(vcg, yv));
            xv = yv.fma(vcy, xv);
            VectorMask<Float> out = xv.abs().compare(VectorOperators.GT, 1f);
            xv.max(-1f).min(1f).intoArray(x, c);
            yv.blend(0f, out).intoArray(y, c);
        }
        for (; c < to; c++) {
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

    static void weights(float[] x, int off, float[] w, int len) {
        int m = 0;
        int bound = SPECIES.loopBound(len);
        for (; m < bound; m += L) {
            FloatVector.fromArray(SPECIES, x, off + m).add(1f).mul(0.5f).intoArray(w, m);
        }
        for (; m < len; m++) {
            w[m] = 0.5f * (x[off + m] + 1f);
        }
    }

    static void attentionField(
            float[] g,
            int off,
            float[] cw,
            float[] cst,
            float[] cs,
            float[] w,
            int len,
            float ka,
            float kr) {
        int m = 0;
        int bound = SPECIES.loopBound(len);
        if (cs != null) {
            for (; m < bound; m += L) {
                FloatVector pen =
                        FloatVector.fromArray(SPECIES, cs, m)
                                .sub(FloatVector.fromArray(SPECIES, w, m))
                                .mul(kr);
                FloatVector.fromArray(SPECIES, cw, m)
                        .mul(ka)
                        .add(FloatVector.fromArray(SPECIES, cst, off + m))
                        .add(pen)
                        .intoArray(g, off + m);
            }
            for (; m < len; m++) {
                g[off + m] = ka * cw[m] + cst[off + m] + kr * (cs[m] - w[m]);
            }
        } else {
            for (; m < bound; m += L) {
                FloatVector.fromArray(SPECIES, cw, m)
                        .mul(ka)
                        .add(FloatVector.fromArray(SPECIES, cst, off + m))
                        .intoArray(g, off + m);
            }
            for (; m < len; m++) {
                g[off + m] = ka * cw[m] + cst[off + m];
            }
        }
    }

    static void sign(float[] x, float[] s, int len) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector minus = FloatVector.broadcast(SPECIES, -1f);
        int m = 0;
        int bound = SPECIES.loopBound(len);
        for (; m < bound; m += L) {
            VectorMask<Float> pos =
                    FloatVector.fromArray(SPECIES, x, m).compare(VectorOperators.GT, 0f);
            minus.blend(one, pos).intoArray(s, m);
        }
        for (; m < len; m++) {
            s[m] = x[m] > 0f ? 1f : -1f;
        }
    }
}
