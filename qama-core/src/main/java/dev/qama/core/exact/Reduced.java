package dev.qama.core.exact;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import java.util.function.IntFunction;

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

    /**
     * Why an exact solver cannot take {@code p}, or null if it can: {@code p} must be a binary
     * quadratic model or an attention problem whose dense export fits, with at most {@code maxFree}
     * free variables.
     *
     * @param tooMany the reason given for n free variables when n exceeds {@code maxFree}
     */
    static String refusal(Problem p, int maxFree, IntFunction<String> tooMany) {
        if (!(p instanceof BinaryQuadraticModel) && !(p instanceof AttentionProblem)) {
            return "it is a "
                    + p.getClass().getName()
                    + ", not a BinaryQuadraticModel or an "
                    + "AttentionProblem";
        }
        if (p instanceof AttentionProblem
                && p.numVariables() > AttentionProblem.DEFAULT_EXPORT_LIMIT) {
            return "its dense export of "
                    + p.numVariables()
                    + " variables exceeds "
                    + AttentionProblem.DEFAULT_EXPORT_LIMIT;
        }
        int n = freeCount(p);
        return n > maxFree ? tooMany.apply(n) : null;
    }

    /**
     * Throws the error for problem {@code index} of a batch that backend {@code backend} refuses
     * for reason {@code why}; does nothing if {@code why} is null.
     */
    static void requireTaken(String backend, int index, String why) {
        if (why != null) {
            throw new IllegalArgumentException(
                    "backend '" + backend + "' cannot take problem " + index + ": " + why);
        }
    }

    /** A full state of the original problem from a state of the reduced model. */
    byte[] expand(byte[] reduced) {
        return free == null ? reduced.clone() : free.expand(reduced);
    }
}
