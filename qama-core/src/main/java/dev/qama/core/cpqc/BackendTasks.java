package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Runs a rounded task through an SPI backend: the part shared by the transports that delegate. */
final class BackendTasks {
    private BackendTasks() {}

    /**
     * Solves the integer SPIN model of {@code m} with {@code backend} (one problem, the given reads
     * and seed) within what is left of the batch: its remaining time as the time limit, its
     * cancellation flag, and (the call runs on the caller's thread) its interrupt. Returns every
     * read's spins, in the backend's order, with the backend's status; a batch whose time has
     * already run out returns no spins and TIME_LIMIT without calling the backend.
     *
     * @param servedBy who served the answer, from the backend's result
     */
    static CpqcTransport.Answer solve(
            AnnealerBackend backend,
            IsingMapping m,
            int reads,
            long seed,
            StopCondition stop,
            Function<BatchResult, String> servedBy) {
        SolveStatus why = stop.reason();
        Duration remaining = stop.remaining();
        if (why == null && remaining != null && remaining.isZero()) {
            why = SolveStatus.TIME_LIMIT;
        }
        if (why != null) {
            return CpqcTransport.Answer.stopped(why);
        }
        BatchResult r =
                backend.solve(
                        SolveRequest.builder(List.of(m.integerModel(false)))
                                .seed(seed)
                                .reads(reads)
                                .timeLimit(remaining)
                                .cancellation(stop.cancellation())
                                .build());
        SolveResult s = r.get(0);
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < s.size(); k++) {
            out.add(s.state(k));
        }
        return new CpqcTransport.Answer(out, servedBy.apply(r), s.status());
    }
}
