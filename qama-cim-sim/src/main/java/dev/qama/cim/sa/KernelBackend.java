package dev.qama.cim.sa;

import dev.qama.core.model.Problem;
import dev.qama.core.spi.AbstractBatchBackend;
import dev.qama.core.spi.BackendCapabilities;

/**
 * A batch backend that runs single-flip {@link Kernel}s: it takes every problem {@link Kernels}
 * supports, of any size, and accepts warm starts.
 */
abstract class KernelBackend extends AbstractBatchBackend {

    /**
     * @param threads worker threads, ≥ 1
     */
    KernelBackend(int threads) {
        super(threads);
    }

    @Override
    public final BackendCapabilities capabilities() {
        return new BackendCapabilities(Integer.MAX_VALUE, 0, false, true, false);
    }

    @Override
    public final boolean isCapable(Problem problem) {
        return Kernels.supports(problem);
    }
}
