package dev.qama.cim;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.OptionSpec;

/**
 * The base of this module's batch backends: the problems of a batch are spread over {@code threads}
 * workers by {@link AbstractBatchBackend} (problem k is solved with {@code request.problemSeed(k)},
 * so results do not depend on the thread count), and each problem's reads run as one replica block
 * on one thread.
 */
public abstract class AmplitudeBackend extends AbstractBatchBackend {
    /** The largest problem accepted (spins). */
    public static final int MAX_VARIABLES = 1 << 24;

    private static final BackendCapabilities CAPABILITIES =
            new BackendCapabilities(MAX_VARIABLES, 0, false, true, false);

    private final String name;

    /**
     * @param name the backend name
     * @param threads worker threads, ≥ 1
     */
    protected AmplitudeBackend(String name, int threads) {
        super(threads);
        this.name = name;
    }

    /** The declared {@code threads} option of this module's amplitude backends. */
    public static final OptionSpec THREADS =
            OptionSpec.ofInt(
                    "threads",
                    "available processors",
                    1,
                    1024,
                    "worker threads; the problems of a batch run in parallel, one per thread");

    /**
     * The {@code threads} option: default the number of available processors, at most 1024.
     * Problems of a batch run in parallel; one problem always runs on one thread.
     */
    public static int threadsOption(BackendOptions options) {
        return THREADS.intValue(options, defaultThreads());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BackendCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Binary quadratic models (dense, sparse, low-rank) and attention problems, natively. */
    @Override
    public boolean isCapable(Problem problem) {
        return (problem instanceof BinaryQuadraticModel || problem instanceof AttentionProblem)
                && problem.numVariables() <= MAX_VARIABLES;
    }
}
