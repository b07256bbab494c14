package dev.qama.core.remote;

import dev.qama.core.spi.SolveStatus;
import java.util.List;

/**
 * What a server returns for a finished job: per problem the reads (states and the server's
 * energies, best first) and its status, the name of the backend that solved it and the server-side
 * timings.
 *
 * @param backend the server-side backend name
 * @param results one entry per problem, in request order
 * @param solveSeconds seconds the server's solver ran for this job
 * @param queueSeconds seconds the job waited in the server's queue
 */
public record JobResult(
        String backend, List<ProblemResult> results, double solveSeconds, double queueSeconds) {
    /** Copies the list. */
    public JobResult {
        results = List.copyOf(results);
    }

    /**
     * The reads of one problem as the server reported them.
     *
     * @param status why the solve ended
     * @param states the states (reads × n values)
     * @param energies the server's energy of each state
     */
    public record ProblemResult(SolveStatus status, byte[][] states, double[] energies) {}
}
