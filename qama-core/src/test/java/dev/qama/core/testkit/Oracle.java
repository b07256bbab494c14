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
        double[] out = new double[1 << freeVariables(p).length];
        int[] s = {0};
        forEachState(p, (z, e) -> out[s[0]++] = e);
        Arrays.sort(out);
        return out;
    }

    /** A state of minimum energy (the first in enumeration order among equals). */
    public static byte[] argmin(Problem p) {
        byte[][] best = {null};
        double[] bestEnergy = {Double.POSITIVE_INFINITY};
        forEachState(
                p,
                (z, e) -> {
                    if (e < bestEnergy[0]) {
                        bestEnergy[0] = e;
                        best[0] = z.clone();
                    }
                });
        return best[0];
    }

    /** The free variables of {@code p}, in index order (at most 20). */
    private static int[] freeVariables(Problem p) {
        int[] free =
                java.util.stream.IntStream.range(0, p.numVariables()).filter(p::isFree).toArray();
        if (free.length > 20) {
            throw new IllegalArgumentException(
                    "oracle refuses " + free.length + " free variables (max 20)");
        }
        return free;
    }

    /**
     * Calls {@code visit} with every assignment of the free variables (the others at their low
     * value) and its energy, in binary counting order; the state array is reused between calls.
     */
    private static void forEachState(
            Problem p, java.util.function.ObjDoubleConsumer<byte[]> visit) {
        int[] free = freeVariables(p);
        int m = free.length;
        byte[] z = new byte[p.numVariables()];
        for (int s = 0; s < (1 << m); s++) {
            Arrays.fill(z, p.vartype().low());
            for (int a = 0; a < m; a++) {
                if (((s >>> a) & 1) != 0) {
                    z[free[a]] = p.vartype().high();
                }
            }
            visit.accept(z, p.energy(z));
        }
    }

    /** The minimum energy. */
    public static double minimum(Problem p) {
        return sortedEnergies(p)[0];
    }
}
