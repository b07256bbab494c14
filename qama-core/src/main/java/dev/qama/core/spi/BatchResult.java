package dev.qama.core.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one {@link SolveRequest}: one {@link SolveResult} per problem, in request order,
 * the backend's name, the root seed, and timings in seconds under stable keys ({@link
 * #TOTAL_SECONDS} always; backends may add {@link #SOLVE_SECONDS}, {@link #QUEUE_SECONDS}, {@link
 * #TRANSFER_SECONDS}). Immutable.
 */
public final class BatchResult {
    /** Wall-clock seconds of the whole call. */
    public static final String TOTAL_SECONDS = "total_seconds";

    /** Seconds spent in the solver kernels (summed over threads). */
    public static final String SOLVE_SECONDS = "solve_seconds";

    /** Seconds a remote job waited in a queue. */
    public static final String QUEUE_SECONDS = "queue_seconds";

    /** Seconds spent moving problems and results over a transport. */
    public static final String TRANSFER_SECONDS = "transfer_seconds";

    private final String backend;
    private final long seed;
    private final List<SolveResult> results;
    private final Map<String, Double> timing;

    /** A batch result; the lists and maps are copied. */
    public BatchResult(
            String backend, long seed, List<SolveResult> results, Map<String, Double> timing) {
        this.backend = backend;
        this.seed = seed;
        this.results = List.copyOf(results);
        this.timing = Collections.unmodifiableMap(new LinkedHashMap<>(timing));
    }

    /** The backend that produced it. */
    public String backend() {
        return backend;
    }

    /** The root seed of the request. */
    public long seed() {
        return seed;
    }

    /** One result per problem, in request order. */
    public List<SolveResult> results() {
        return results;
    }

    /** Result k. */
    public SolveResult get(int k) {
        return results.get(k);
    }

    /** The number of problems. */
    public int size() {
        return results.size();
    }

    /** Timings in seconds, by stable key. */
    public Map<String, Double> timing() {
        return timing;
    }

    /** The worst status over the batch (COMPLETED for an empty batch). */
    public SolveStatus status() {
        SolveStatus s = SolveStatus.COMPLETED;
        for (SolveResult r : results) {
            s = s.worst(r.status());
        }
        return s;
    }
}
