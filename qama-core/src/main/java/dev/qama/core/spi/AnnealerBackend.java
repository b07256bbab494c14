package dev.qama.core.spi;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;

/**
 * An annealer: anything that takes a batch of {@link Problem}s and returns low-energy states for
 * each. Local solvers, remote solver pools and hardware adapters all implement this one interface.
 *
 * <p>Contract (checked for every backend by the contract test kit in qama-core's test-jar):
 *
 * <ul>
 *   <li>{@link #solve} returns one {@link SolveResult} per problem, in order, each with {@code
 *       request.reads()} states whose reported energies equal the problems' energies;
 *   <li>the same request (seed included) gives the same states, whatever the thread count;
 *   <li>the time limit and cancellation are honoured: the best states seen so far are returned;
 *   <li>masked bits of an {@link AttentionProblem} stay 0;
 *   <li>implementations are thread-safe: several threads may call {@code solve} at once.
 * </ul>
 *
 * Backends are discovered through {@link AnnealerProvider} and {@link Annealers}.
 */
public interface AnnealerBackend extends AutoCloseable {

    /** The name users select it by, e.g. {@code "sb"} or {@code "exact"}. */
    String name();

    /** What it can take. */
    BackendCapabilities capabilities();

    /**
     * Whether this backend can solve {@code problem}; the default checks the variable limit and,
     * for attention problems without native support, that a dense export fits.
     */
    default boolean isCapable(Problem problem) {
        BackendCapabilities c = capabilities();
        if (problem.numVariables() > c.maxVariables()) {
            return false;
        }
        if (problem instanceof AttentionProblem a && !c.structuredAttention()) {
            return a.numVariables() <= AttentionProblem.DEFAULT_EXPORT_LIMIT;
        }
        return true;
    }

    /**
     * Solves every problem of the batch.
     *
     * @throws IllegalArgumentException if a problem is not one this backend can take (the message
     *     says which and why)
     * @throws SolverException if the backend fails (for example, an unreachable server)
     */
    BatchResult solve(SolveRequest request);

    /** Releases threads or connections; the default does nothing. */
    @Override
    default void close() {}
}
