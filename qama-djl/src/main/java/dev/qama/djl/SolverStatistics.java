package dev.qama.djl;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An {@link AnnealerBackend} that delegates and keeps account: the wall-clock time spent in {@link
 * #solve}, and for attention problems the mean energy of the best state, each head's selected share
 * and how much heads' selections overlap. Give it to {@link
 * QamaAttentionBlock.Builder#optBackend(AnnealerBackend)} and read it with {@link #take()} (per
 * epoch, say; {@link QamaTrainingListener} does that and writes DJL metrics). Thread-safe.
 *
 * <pre>{@code
 * SolverStatistics stats = new SolverStatistics(Annealers.create("sb"));
 * QamaAttentionBlock block = QamaAttentionBlock.builder()...optBackend(stats).build();
 * ... train ...
 * SolverStatistics.Snapshot s = stats.take();   // since the last take()
 * }</pre>
 */
public final class SolverStatistics implements AnnealerBackend {

    /**
     * What was solved since the previous {@link #take()}.
     *
     * @param calls backend calls
     * @param problems attention problems among them
     * @param seconds wall-clock seconds inside the backend
     * @param meanEnergy mean energy of the best state per attention problem (NaN without one)
     * @param headOverlap share of the selected (head, token) pairs whose token another head also
     *     selected: 0 when heads select disjoint tokens, 1 when every selected token is shared (NaN
     *     without attention problems)
     * @param selectedPerHead per head, the mean selected weight Σ_i w_{t,i} over the unmasked
     *     tokens (empty without attention problems)
     */
    public record Snapshot(
            long calls,
            long problems,
            double seconds,
            double meanEnergy,
            double headOverlap,
            double[] selectedPerHead) {

        /** The mean over heads of {@link #selectedPerHead}, or NaN. */
        public double meanSelected() {
            return selectedPerHead.length == 0
                    ? Double.NaN
                    : Arrays.stream(selectedPerHead).average().orElse(Double.NaN);
        }
    }

    private final AnnealerBackend delegate;
    // since the last take(), guarded by this
    private long calls;
    private long nanos;
    private long problems;
    private double energySum;
    private long sharedPairs;
    private long selectedPairs;
    private double[] headSums = new double[0];
    private long totalNanos;
    private long totalCalls;
    private volatile boolean keepSelections;
    private volatile List<double[]> kept = List.of();

    /** Wraps {@code delegate} (closed by {@link #close}). */
    public SolverStatistics(AnnealerBackend delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("backend is null");
        }
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
        long dt = System.nanoTime() - t0;
        List<double[]> weights = new ArrayList<>();
        synchronized (this) {
            calls++;
            totalCalls++;
            nanos += dt;
            totalNanos += dt;
            for (int k = 0; k < r.size(); k++) {
                if (request.problems().get(k) instanceof AttentionProblem p) {
                    weights.add(add(p, r.get(k).best(), r.get(k).bestEnergy()));
                }
            }
        }
        if (keepSelections) {
            kept = List.copyOf(weights);
        }
        return r;
    }

    /** Adds one solved problem; returns its weights w[t·N + i]. */
    private double[] add(AttentionProblem p, byte[] best, double energy) {
        int heads = p.heads();
        int tokens = p.tokens();
        if (headSums.length != heads) {
            headSums = new double[heads]; // another shape: start the per-head account afresh
        }
        double[] w = p.weights(best);
        int free = 0;
        for (int i = 0; i < tokens; i++) {
            free += p.isMasked(i) ? 0 : 1;
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
        energySum += energy;
        problems++;
        return w;
    }

    /** The account since the previous call (or since creation), and a fresh start. */
    public synchronized Snapshot take() {
        double[] perHead = new double[problems == 0 ? 0 : headSums.length];
        for (int t = 0; t < perHead.length; t++) {
            perHead[t] = headSums[t] / problems;
        }
        Snapshot s =
                new Snapshot(
                        calls,
                        problems,
                        nanos * 1e-9,
                        problems == 0 ? Double.NaN : energySum / problems,
                        problems == 0
                                ? Double.NaN
                                : selectedPairs == 0 ? 0 : (double) sharedPairs / selectedPairs,
                        perHead);
        calls = 0;
        nanos = 0;
        problems = 0;
        energySum = 0;
        sharedPairs = 0;
        selectedPairs = 0;
        Arrays.fill(headSums, 0);
        return s;
    }

    /** Seconds spent inside the backend since creation ({@link #take()} does not reset it). */
    public synchronized double totalSeconds() {
        return totalNanos * 1e-9;
    }

    /** Backend calls since creation ({@link #take()} does not reset it). */
    public synchronized long totalCalls() {
        return totalCalls;
    }

    /**
     * Whether to keep the selections of each later batch (for plots): see {@link
     * #keptSelections()}.
     */
    public void keepSelections(boolean on) {
        keepSelections = on;
    }

    /** The selections w[t·N + i] of the last batch solved while {@link #keepSelections} was on. */
    public List<double[]> keptSelections() {
        return kept;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
