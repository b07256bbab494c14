package dev.qama.bench.train;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a backend to measure the wall-clock time spent in {@link #solve} and, on request, to keep
 * the selections w (heads × tokens) of the next batch (for the selection plots).
 */
public final class TimedBackend implements AnnealerBackend {
    private final AnnealerBackend delegate;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private volatile boolean recording;
    private volatile List<double[]> recorded = List.of();

    /** Wraps {@code delegate} (closed by {@link #close}). */
    public TimedBackend(AnnealerBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public BackendCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public boolean isCapable(Problem problem) {
        return delegate.isCapable(problem);
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        long t0 = System.nanoTime();
        BatchResult r = delegate.solve(request);
        nanos.addAndGet(System.nanoTime() - t0);
        calls.incrementAndGet();
        if (recording) {
            List<double[]> w = new ArrayList<>();
            for (int k = 0; k < r.size(); k++) {
                AttentionProblem p = (AttentionProblem) request.problems().get(k);
                w.add(p.weights(r.get(k).best()));
            }
            recorded = w;
        }
        return r;
    }

    /** Seconds spent in solve so far. */
    public double seconds() {
        return nanos.get() * 1e-9;
    }

    /** Number of solve calls so far. */
    public long calls() {
        return calls.get();
    }

    /** Turns recording of selections on or off. */
    public void record(boolean on) {
        recording = on;
    }

    /** The selections of the last recorded batch: per problem, w[t·N + i]. */
    public List<double[]> recorded() {
        return recorded;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
