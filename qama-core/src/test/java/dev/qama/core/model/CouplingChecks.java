package dev.qama.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

/** Asserts that a coupling behaves exactly like a reference dense matrix under every operator. */
final class CouplingChecks {
    private CouplingChecks() {}

    static void assertSameOperator(Coupling c, float[] ref, double tol, long seed) {
        int n = c.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(ref[i * n + j], c.get(i, j), tol, "get(" + i + ", " + j + ")");
            }
        }
        float[] x = new float[n];
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            xd[i] = x[i];
        }
        float[] y = new float[n];
        double[] yd = new double[n];
        c.multiply(x, y);
        c.multiply(xd, yd);
        double quad = 0;
        for (int i = 0; i < n; i++) {
            double e = 0;
            for (int j = 0; j < n; j++) {
                e += ref[i * n + j] * xd[j];
            }
            quad += xd[i] * e;
            assertEquals(e, y[i], tol * (1 + Math.abs(e)) * 10, "multiply float row " + i);
            assertEquals(e, yd[i], tol * (1 + Math.abs(e)), "multiply double row " + i);
        }
        assertEquals(quad, c.quadraticForm(xd), tol * (1 + Math.abs(quad)) * n, "quadraticForm");

        int cols = 3;
        float[] xb = new float[n * cols];
        for (int k = 0; k < xb.length; k++) {
            xb[k] = (float) rnd.nextGaussian();
        }
        float[] yb = new float[n * cols];
        java.util.Arrays.fill(yb, 99f); // must be overwritten
        c.multiply(xb, yb, cols);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < cols; r++) {
                double e = 0;
                for (int j = 0; j < n; j++) {
                    e += ref[i * n + j] * (double) xb[j * cols + r];
                }
                assertEquals(e, yb[i * cols + r], tol * (1 + Math.abs(e)) * 10, "batched " + i);
            }
        }

        for (Vartype vt : Vartype.values()) {
            byte[] z = new byte[n];
            for (int i = 0; i < n; i++) {
                z[i] = rnd.nextBoolean() ? vt.high() : vt.low();
            }
            double pair = 0;
            for (int i = 0; i < n; i++) {
                double e = 0;
                for (int j = 0; j < n; j++) {
                    e += ref[i * n + j] * z[j];
                    if (j > i) {
                        pair += ref[i * n + j] * z[i] * z[j];
                    }
                }
                assertEquals(e, c.rowDot(i, z), tol * (1 + Math.abs(e)), vt + " rowDot " + i);
            }
            assertEquals(pair, c.pairSum(z), tol * (1 + Math.abs(pair)) * n, vt + " pairSum");
        }

        double sq = 0;
        double minAbs = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double abs = 0;
            for (int j = 0; j < n; j++) {
                double v = ref[i * n + j];
                abs += Math.abs(v);
                if (j > i) {
                    sq += v * v;
                }
                if (v != 0) {
                    minAbs = Math.min(minAbs, Math.abs(v));
                }
            }
            assertEquals(abs, c.absRowSums()[i], tol * (1 + abs) * n, "absRowSums " + i);
        }
        assertEquals(sq, c.sumSquaresUpper(), tol * (1 + sq) * n, "sumSquaresUpper");
        assertEquals(
                minAbs == Double.POSITIVE_INFINITY ? 0 : minAbs,
                c.minAbsNonZero(),
                tol,
                "minAbsNonZero");
        float[] dense = c.toDenseArray(n);
        for (int k = 0; k < dense.length; k++) {
            assertEquals(ref[k], dense[k], tol, "toDenseArray " + k);
        }
        Coupling half = c.scaled(0.5);
        assertEquals(c.getClass(), half.getClass(), "scaled keeps the representation");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(0.5 * ref[i * n + j], half.get(i, j), tol, "scaled get");
            }
        }
    }
}
