package dev.qama.cli;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.SolverException;
import dev.qama.core.spi.StopCondition;
import java.util.SplittableRandom;

/**
 * A test-only backend, "test-greedy": single-flip steepest-order descent from a seeded random
 * start, per read (attention problems through their dense export, masked tokens left at 0).
 * Options: {@code sweeps} (max sweeps), {@code threads}, and {@code fail} ({@code solver} throws a
 * SolverException, {@code bug} an IllegalStateException) to exercise the CLI's error paths.
 */
public final class GreedyTestProvider implements AnnealerProvider {
    @Override
    public String name() {
        return "test-greedy";
    }

    @Override
    public String description() {
        return "test only: greedy single-flip descent";
    }

    @Override
    public int rank() {
        return -1000;
    }

    @Override
    public AnnealerBackend create(BackendOptions options) {
        options.requireOnly(java.util.Set.of("sweeps", "threads", "fail"));
        return new Greedy(
                options.getInt("threads", 1, 1, 64),
                options.getInt("sweeps", 1000, 1, 1_000_000),
                options.getString("fail", ""));
    }

    static final class Greedy extends AbstractBatchBackend {
        private final int sweeps;
        private final String fail;

        Greedy(int threads, int sweeps, String fail) {
            super(threads);
            this.sweeps = sweeps;
            this.fail = fail;
        }

        @Override
        public String name() {
            return "test-greedy";
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(1 << 20, 0, false, false, false);
        }

        @Override
        protected SolveResult solveProblem(
                Problem problem, long seed, int reads, byte[] initial, StopCondition stop) {
            if (fail.equals("solver")) {
                throw new SolverException("test-greedy was told to fail");
            }
            if (fail.equals("bug")) {
                throw new IllegalStateException("test-greedy simulated bug");
            }
            BinaryQuadraticModel m;
            if (problem instanceof BinaryQuadraticModel bqm) {
                m = bqm;
            } else if (problem instanceof AttentionProblem a) {
                m = a.toBinaryModel(AttentionProblem.DEFAULT_EXPORT_LIMIT);
            } else {
                throw new IllegalArgumentException("test-greedy takes binary quadratic models");
            }
            int n = m.numVariables();
            byte low = m.vartype().low();
            byte[][] out = new byte[reads][];
            SolveStatus status = SolveStatus.COMPLETED;
            for (int r = 0; r < reads; r++) {
                SplittableRandom rnd = new SplittableRandom(Seeds.forStream(seed, r));
                byte[] z = new byte[n];
                for (int i = 0; i < n; i++) {
                    z[i] = rnd.nextBoolean() ? 1 : low;
                }
                boolean improved = true;
                for (int s = 0; s < sweeps && improved; s++) {
                    if (stop.shouldStop()) {
                        status = status.worst(stop.reason());
                        break;
                    }
                    improved = false;
                    for (int i = 0; i < n; i++) {
                        if (m.flipDelta(z, i) < -1e-9) {
                            z[i] = m.vartype().flip(z[i]);
                            improved = true;
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (!problem.isFree(i)) {
                        z[i] = 0; // masked attention tokens stay unselected
                    }
                }
                out[r] = z;
            }
            return SolveResult.of(problem, out, status, seed);
        }
    }
}
