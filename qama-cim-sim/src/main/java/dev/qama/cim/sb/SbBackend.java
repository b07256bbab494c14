package dev.qama.cim.sb;

import dev.qama.cim.AmplitudeBackend;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.StopCondition;

/** The simulated-bifurcation backend: {@link SimulatedBifurcation} over a batch. */
public final class SbBackend extends AmplitudeBackend {
    private final SimulatedBifurcation solver;

    /**
     * @param name the backend name ("sb" or "dsb")
     * @param config the solver knobs
     * @param threads worker threads for the problems of a batch
     */
    public SbBackend(String name, SbConfig config, int threads) {
        super(name, threads);
        this.solver = new SimulatedBifurcation(config);
    }

    /** The solver knobs. */
    public SbConfig config() {
        return solver.config();
    }

    @Override
    protected SolveResult solveProblem(
            Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
        return solver.solve(problem, seed, reads, initial, stop);
    }
}
