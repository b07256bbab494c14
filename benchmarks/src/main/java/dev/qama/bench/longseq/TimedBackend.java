package dev.qama.bench.longseq;

import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.util.concurrent.atomic.AtomicLong;

/** A backend that delegates and adds up the wall time spent in {@link #solve}. */
final class TimedBackend implements AnnealerBackend {
    private final AnnealerBackend inner;
    private final AtomicLong nanos = new AtomicLong();

    TimedBackend(AnnealerBackend inner) {
        this.inner = inner;
    }

    long nanos() {
        return nanos.get();
    }

    void reset() {
        nanos.set(0);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public BackendCapabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public boolean isCapable(Problem problem) {
        return inner.isCapable(problem);
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        long t0 = System.nanoTime();
        try {
            return inner.solve(request);
        } finally {
            nanos.addAndGet(System.nanoTime() - t0);
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
