package dev.qama.core.testkit;

import dev.qama.core.model.Problem;
import java.util.Arrays;

/**
 * A deliberately naive exhaustive oracle, independent of the library's solvers: it evaluates {@link
 * Problem#energy(byte[])} on every assignment of the free variables. For tests only (free variables
 * ≤ 20).
 */
public final class Oracle {
    private Oracle() {}

    /** Every energy over the free variables' assignments, sorted ascending. */
    public static double[] sortedEnergies(Problem p) {
        int n = p.numVariables();
        int[] free = new int[n];
        int m = 0;
        for (int v = 0; v < n; v++) {
            if (p.isFree(v)) {
                free[m++] = v;
            }
        }
        if (m > 20) {
            throw new IllegalArgumentException("oracle refuses " + m + " free variables (max 20)");
        }
        double[] out = new double[1 << m];
        byte[] z = new byte[n];
        for (int s = 0; s < (1 << m); s++) {
            Arrays.fill(z, p.vartype().low());
            for (int a = 0; a < m; a++) {
                if (((s >>> a) & 1) != 0) {
                    z[free[a]] = p.vartype().high();
                }
            }
            out[s] = p.energy(z);
        }
        Arrays.sort(out);
        return out;
    }

    /** A state of minimum energy (the first in enumeration order among equals). */
    public static byte[] argmin(Problem p) {
        int n = p.numVariables();
        int[] free = new int[n];
        int m = 0;
        for (int v = 0; v < n; v++) {
            if (p.isFree(v)) {
                free[m++] = v;
            }
        }
        if (m > 20) {
            throw new IllegalArgumentException("oracle refuses " + m + " free variables (max 20)");
        }
        byte[] z = new byte[n];
        byte[] best = null;
        double bestEnergy = Double.POSITIVE_INFINITY;
        for (int s = 0; s < (1 << m); s++) {
            Arrays.fill(z, p.vartype().low());
            for (int a = 0; a < m; a++) {
                if (((s >>> a) & 1) != 0) {
                    z[free[a]] = p.vartype().high();
                }
            }
            double e = p.energy(z);
            if (e < bestEnergy) {
                bestEnergy = e;
                best = z.clone();
            }
        }
        return best;
    }

    /** The minimum energy. */
    public static double minimum(Problem p) {
        return sortedEnergies(p)[0];
    }
}
