package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Runs a rounded task through an SPI backend: the part shared by the transports that delegate. */
final class BackendTasks {
    private BackendTasks() {}

    /**
     * Solves the integer SPIN model of {@code m} with {@code backend} (one problem, the given
     * reads, seed and time limit) and returns every read's spins, in the backend's order.
     *
     * @param servedBy who served the answer, from the backend's result
     */
    static CpqcTransport.Answer solve(
            AnnealerBackend backend,
            IsingMapping m,
            int reads,
            long seed,
            Duration timeLimit,
            Function<BatchResult, String> servedBy) {
        BatchResult r =
                backend.solve(
                        SolveRequest.builder(List.of(m.integerModel(false)))
                                .seed(seed)
                                .reads(reads)
                                .timeLimit(timeLimit)
                                .build());
        SolveResult s = r.get(0);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < s.size(); k++) {
            out.add(s.state(k));
        }
        return new CpqcTransport.Answer(out, servedBy.apply(r));
    }
}
