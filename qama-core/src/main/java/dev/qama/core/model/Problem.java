package dev.qama.core.model;

import dev.qama.core.attention.AttentionProblem;

/**
 * A minimisation problem over n two-valued variables that an annealer backend can solve.
 *
 * <p>Two kinds are provided: a general {@link BinaryQuadraticModel} (Ising or QUBO, dense, sparse
 * or low-rank coupling) and the structured {@link AttentionProblem} of one batch element of a QAMA
 * layer. Both use the single energy convention of this library (see {@link BinaryQuadraticModel}):
 * lower is better, and {@link #energy(byte[])} is the ground truth that every solver's reported
 * energy must equal.
 */
public interface Problem {

    /** The domain of the variables; states hold exactly these values. */
    Vartype vartype();

    /** The number of variables n. */
    int numVariables();

    /**
     * The energy of a state, in double precision.
     *
     * @throws IllegalArgumentException if the state has the wrong length, a value outside the
     *     domain, or (attention problems) selects a masked token
     */
    double energy(byte[] state);

    /** The energies of many states. */
    default double[] energies(byte[][] states) {
        double[] out = new double[states.length];
        for (int k = 0; k < states.length; k++) {
            out[k] = energy(states[k]);
        }
        return out;
    }

    /** The variables a solver may set to {@link Vartype#high()}; all of them unless masked. */
    default boolean isFree(int variable) {
        return true;
    }
}
