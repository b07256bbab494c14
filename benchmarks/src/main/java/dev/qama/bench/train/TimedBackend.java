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

    // selection statistics since the last takeStats() (guarded by this)
    private double[] headSums = new double[0];
    private long problems;
    private double energySum;
    private long sharedPairs;
    private long selectedPairs;

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
        accumulate(request, r);
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

    /** Adds the selections of one batch to the statistics. */
    private synchronized void accumulate(SolveRequest request, BatchResult r) {
        for (int k = 0; k < r.size(); k++) {
            if (!(request.problems().get(k) instanceof AttentionProblem p)) {
                continue;
            }
            int heads = p.heads();
            int tokens = p.tokens();
            if (headSums.length != heads) {
                headSums = new double[heads];
                problems = 0;
            }
            double[] w = p.weights(r.get(k).best());
            int free = 0;
            for (int i = 0; i < tokens; i++) {
                if (!p.isMasked(i)) {
                    free++;
                }
            }
            for (int t = 0; t < heads; t++) {
                double sum = 0;
                for (int i = 0; i < tokens; i++) {
                    sum += w[t * tokens + i];
                }
                headSums[t] += free == 0 ? 0 : sum / free;
            }
            for (int i = 0; i < tokens; i++) {
                int c = 0;
                for (int t = 0; t < heads; t++) {
                    c += w[t * tokens + i] > 0 ? 1 : 0;
                }
                selectedPairs += c;
                sharedPairs += c >= 2 ? c : 0;
            }
            energySum += r.get(k).bestEnergy();
            problems++;
        }
    }

    /**
     * The selection statistics since the last call, and a fresh start.
     *
     * @return {mean energy, head overlap, selected fraction of head 0, head 1, ...}, or null if no
     *     attention problem was solved
     */
    public synchronized double[] takeStats() {
        if (problems == 0) {
            return null;
        }
        double[] out = new double[2 + headSums.length];
        out[0] = energySum / problems;
        out[1] = selectedPairs == 0 ? 0 : (double) sharedPairs / selectedPairs;
        for (int t = 0; t < headSums.length; t++) {
            out[2 + t] = headSums[t] / problems;
        }
        java.util.Arrays.fill(headSums, 0);
        problems = 0;
        energySum = 0;
        sharedPairs = 0;
        selectedPairs = 0;
        return out;
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
