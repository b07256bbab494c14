package dev.qama.cim.server;

import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test backend that holds each batch for a while (or until stopped) and returns all-low states.
 */
final class SlowBackend implements AnnealerBackend {
    final Duration hold;
    final AtomicInteger started = new AtomicInteger();

    SlowBackend(Duration hold) {
        this.hold = hold;
    }

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(1000, 0, false, true, false);
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        started.incrementAndGet();
        StopCondition stop = request.startClock();
        long end = System.nanoTime() + hold.toNanos();
        SolveStatus status = SolveStatus.COMPLETED;
        while (System.nanoTime() < end) {
            SolveStatus r = stop.reason();
            if (r != null) {
                status = r;
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                status = SolveStatus.INTERRUPTED;
                break;
            }
        }
        List<SolveResult> out = new ArrayList<>();
        for (int k = 0; k < request.problems().size(); k++) {
            Problem p = request.problems().get(k);
            byte[][] reads = new byte[request.reads()][p.numVariables()];
            for (byte[] s : reads) {
                java.util.Arrays.fill(s, p.vartype().low());
            }
            out.add(SolveResult.of(p, reads, status, request.problemSeed(k)));
        }
        return new BatchResult(name(), request.seed(), out, Map.of(BatchResult.TOTAL_SECONDS, 0.0));
    }
}
