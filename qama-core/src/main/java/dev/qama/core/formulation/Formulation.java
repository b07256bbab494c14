package dev.qama.core.formulation;

import dev.qama.core.attention.AttentionProblem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns the projected tensors of one layer call into attention QUBOs, one per batch element, and
 * differentiates the energy of such a QUBO at a fixed solution.
 *
 * <p>The contract shared by all formulations: {@link #build} maps batch element b of the inputs to
 * an {@link AttentionProblem} with H heads, N tokens and {@link #bits()} bits per (head, token),
 * whose masked tokens are those of {@link AttentionInputs#mask()}; {@link #gradient} returns the
 * exact derivatives of that problem's energy E(x) at a fixed state x with respect to the inputs
 * (the solver's state is a constant, "energy-based" backpropagation as in QAMA, arXiv 2504.11083).
 * Implementations are immutable and thread-safe.
 */
public interface Formulation {

    /** A short stable name, e.g. {@code "paper-v2"}. */
    String name();

    /** q, the number of soft-selection bits per (head, token). */
    int bits();

    /**
     * The attention problem of batch element {@code b}.
     *
     * @throws IllegalArgumentException if b is out of range, H or d is 0, or the inputs do not fit
     *     this formulation's parameters (the message names the value)
     */
    AttentionProblem build(AttentionInputs in, int b);

    /** The problems of all batch elements, in order (an unmodifiable list). */
    default List<AttentionProblem> buildAll(AttentionInputs in) {
        List<AttentionProblem> out = new ArrayList<>(in.batch());
        for (int b = 0; b < in.batch(); b++) {
            out.add(build(in, b));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The gradient of E(x), the energy of {@code build(in, b)} at the fixed state x, with respect
     * to Q, K, V of batch element b and the intermediate couplings and linear terms.
     *
     * @param x a state of the problem: length H·N·q, values 0/1, no bit of a masked token set
     * @throws IllegalArgumentException on a bad state or inputs (as {@link #build})
     */
    AttentionGradient gradient(AttentionInputs in, int b, byte[] x);

    /**
     * The gradient of the token-weighted energy F(x) = Σ_{t,i} g_{t,i} H_{t,i}(x) + ρ·(penalty
     * pairs), where H_{t,i} are the per-token energies of {@link
     * AttentionProblem#tokenEnergies(byte[])} and the penalty (constant in Q, K, V) is added
     * unweighted, so that g ≡ 1 gives E itself and the result of {@link #gradient(AttentionInputs,
     * int, byte[])}. This is the vector-Jacobian product a layer whose output is built from the
     * per-token energies needs (g = ∂loss/∂H). {@link AttentionGradient#energy()} is then F.
     *
     * @param tokenWeights g, [H, N] ({@code g[t·N + i]}), finite; null means all ones
     * @throws IllegalArgumentException on a bad state, inputs or weights
     */
    AttentionGradient gradient(AttentionInputs in, int b, byte[] x, double[] tokenWeights);
}
