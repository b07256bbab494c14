package dev.qama.cli;

import dev.qama.bench.SolverSpec;
import dev.qama.bench.train.TrainSpec;
import dev.qama.core.formulation.CouplingForm;
import dev.qama.djl.QamaAttentionBlock.Formulation;
import dev.qama.djl.QamaAttentionBlock.OutputMode;

/**
 * The model of a {@code qama train} run from its options: the attention (classical, QAMA, none),
 * QAMA's formulation, output mode, coupling form, QUBO coefficients and solver. Parsed and checked
 * before any data is read; {@link #spec} completes it with the training options once the data set
 * (and so the default number of epochs) is known.
 *
 * @param attention the attention
 * @param formulation QAMA's QUBO formulation
 * @param mode QAMA's output mode
 * @param form how paper-v2 couplings reach the solver
 * @param qubo QAMA's QUBO coefficients and selection options
 * @param solver QAMA's annealer with its options, or null for the default (and without QAMA)
 */
record TrainModel(
        TrainSpec.Attention attention,
        Formulation formulation,
        OutputMode mode,
        CouplingForm form,
        TrainSpec.Qubo qubo,
        SolverSpec solver) {

    /**
     * @throws UserException naming the option of a bad value
     */
    static TrainModel parse(TrainCommand o) {
        TrainSpec.Attention att = TrainSpec.attention(o.attention);
        boolean quantum = att == TrainSpec.Attention.QAMA;
        Formulation f = TrainSpec.formulation(o.formulation);
        OutputMode mode;
        try {
            mode = OutputMode.parse(o.outputMode);
        } catch (IllegalArgumentException e) {
            throw new UserException("--output-mode: " + e.getMessage());
        }
        CouplingForm form;
        try {
            form = CouplingForm.parse(o.coupling);
        } catch (IllegalArgumentException e) {
            throw new UserException("--coupling: " + e.getMessage());
        }
        if (o.threads != null && o.threads < 1) {
            throw new UserException("--threads must be at least 1, got " + o.threads);
        }
        SolverSpec solverSpec = null;
        if (quantum) {
            solverSpec = o.solver == null ? null : SolverSpec.parse(o.solver);
            if (o.threads != null) {
                solverSpec =
                        solverSpec == null
                                ? new SolverSpec(
                                        dev.qama.core.spi.Annealers.defaultName(),
                                        dev.qama.core.spi.BackendOptions.empty()
                                                .with("threads", o.threads.toString()))
                                : new SolverSpec(
                                        solverSpec.name(),
                                        solverSpec.options().with("threads", o.threads.toString()));
            }
        }
        TrainSpec.Qubo qubo;
        try {
            qubo =
                    new TrainSpec.Qubo(
                            o.bits,
                            o.couplingScale,
                            o.linearScale,
                            o.penaltyScale,
                            o.selectionGradient,
                            o.reads,
                            o.averageReads,
                            o.unselectedPenalty,
                            o.energyScale,
                            o.selectionWarmup,
                            o.warmStarts);
        } catch (IllegalArgumentException ex) {
            throw new UserException(ex.getMessage());
        }
        return new TrainModel(att, f, mode, form, qubo, solverSpec);
    }

    /** The full training specification, with {@code epochs} training epochs. */
    TrainSpec spec(TrainCommand o, int epochs) {
        return new TrainSpec(
                attention,
                formulation,
                mode,
                form,
                qubo,
                solver,
                epochs,
                o.seed,
                o.batchSize,
                o.lr,
                o.evalEvery != null ? o.evalEvery : TrainCommand.defaultEvalEvery(epochs));
    }
}
