package dev.qama.core.exact;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;

/**
 * A problem as a plain binary quadratic model over its free variables, with the map back to full
 * states: a {@link BinaryQuadraticModel} is its own reduction; an {@link AttentionProblem} is
 * exported over its unmasked bits so masked bits stay 0.
 */
record Reduced(BinaryQuadraticModel model, AttentionProblem.FreeModel free) {

    /** The reduction of {@code p}. */
    static Reduced of(Problem p) {
        if (p instanceof BinaryQuadraticModel m) {
            return new Reduced(m, null);
        }
        if (p instanceof AttentionProblem a) {
            AttentionProblem.FreeModel f = a.freeModel(AttentionProblem.DEFAULT_EXPORT_LIMIT);
            return new Reduced(f.model(), f);
        }
        throw new IllegalArgumentException(
                "exact solvers take a BinaryQuadraticModel or an AttentionProblem, got "
                        + p.getClass().getName());
    }

    /** The number of free variables of {@code p} (without building anything). */
    static int freeCount(Problem p) {
        int n = p.numVariables();
        if (p instanceof BinaryQuadraticModel) {
            return n;
        }
        int free = 0;
        for (int v = 0; v < n; v++) {
            if (p.isFree(v)) {
                free++;
            }
        }
        return free;
    }

    /** A full state of the original problem from a state of the reduced model. */
    byte[] expand(byte[] reduced) {
        return free == null ? reduced.clone() : free.expand(reduced);
    }
}
