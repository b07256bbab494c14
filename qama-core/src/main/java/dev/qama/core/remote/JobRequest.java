package dev.qama.core.remote;

import dev.qama.core.model.Problem;
import java.util.List;

/**
 * What travels in {@code POST /v1/jobs}: a batch of problems and the solve parameters.
 *
 * @param problems the batch (BinaryQuadraticModel or AttentionProblem)
 * @param seed the root seed (problem k is solved with {@code Seeds.forStream(seed, k)})
 * @param reads reads per problem, ≥ 1
 * @param timeLimitMillis the time limit of the whole batch in milliseconds, 0 for none
 * @param solver the server-side backend name, or "" for the server's default
 * @param initialStates warm starts, one per problem (entries may be null), or null for none
 * @param problemSeeds explicit seeds, one per problem, or null to derive problem k's seed from
 *     {@code seed} as {@code Seeds.forStream(seed, k)} (see {@code SolveRequest.problemSeeds})
 */
public record JobRequest(
        List<Problem> problems,
        long seed,
        int reads,
        long timeLimitMillis,
        String solver,
        List<byte[]> initialStates,
        long[] problemSeeds) {

    /** A request without warm starts and without explicit problem seeds. */
    public JobRequest(
            List<Problem> problems, long seed, int reads, long timeLimitMillis, String solver) {
        this(problems, seed, reads, timeLimitMillis, solver, null, null);
    }

    /** A request without explicit problem seeds. */
    public JobRequest(
            List<Problem> problems,
            long seed,
            int reads,
            long timeLimitMillis,
            String solver,
            List<byte[]> initialStates) {
        this(problems, seed, reads, timeLimitMillis, solver, initialStates, null);
    }

    /** Validates and copies. */
    public JobRequest {
        problems = List.copyOf(problems);
        if (initialStates != null) {
            if (initialStates.size() != problems.size()) {
                throw new IllegalArgumentException(
                        "got "
                                + initialStates.size()
                                + " initial states for "
                                + problems.size()
                                + " problems");
            }
            java.util.List<byte[]> copy = new java.util.ArrayList<>();
            for (int k = 0; k < initialStates.size(); k++) {
                byte[] s = initialStates.get(k);
                if (s != null) {
                    problems.get(k).vartype().checkState(s, problems.get(k).numVariables());
                    s = s.clone();
                }
                copy.add(s);
            }
            initialStates = java.util.Collections.unmodifiableList(copy);
        }
        if (reads < 1) {
            throw new IllegalArgumentException("reads must be >= 1, got " + reads);
        }
        if (timeLimitMillis < 0) {
            throw new IllegalArgumentException(
                    "timeLimitMillis must be >= 0, got " + timeLimitMillis);
        }
        solver = solver == null ? "" : solver;
        if (problemSeeds != null) {
            if (problemSeeds.length != problems.size()) {
                throw new IllegalArgumentException(
                        "got "
                                + problemSeeds.length
                                + " problem seeds for "
                                + problems.size()
                                + " problems");
            }
            problemSeeds = problemSeeds.clone();
        }
    }

    /** The explicit per-problem seeds (a copy), or null when they derive from {@link #seed()}. */
    @Override
    public long[] problemSeeds() {
        return problemSeeds == null ? null : problemSeeds.clone();
    }
}
