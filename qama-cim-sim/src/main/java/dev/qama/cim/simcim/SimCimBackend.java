package dev.qama.cim.simcim;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.StopCondition;

/** The SimCIM backend: {@link SimCim} over a batch. */
public final class SimCimBackend extends AmplitudeBackend {
    private final SimCim solver;

    /**
     * @param config the solver knobs
     * @param threads worker threads for the problems of a batch
     */
    public SimCimBackend(SimCimConfig config, int threads) {
        super("simcim", threads);
        this.solver = new SimCim(config);
    }

    /** The solver knobs. */
    public SimCimConfig config() {
        return solver.config();
    }

    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        return solver.solve(problem, seed, reads, initial, stop);
    }
}
