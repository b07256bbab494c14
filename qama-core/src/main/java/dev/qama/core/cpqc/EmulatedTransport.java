package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Solves the rounded integer task with a local backend instead of a machine, so the whole CPQC path
 * (mapping, 8-bit rounding, auxiliary spin, splitting) can be run and tested without hardware. No
 * machine is involved: {@link #describe()} says {@code emulated:NAME}.
 */
public final class EmulatedTransport implements CpqcTransport {
    private final AnnealerBackend local;

    /** With the local backend that stands in for the machine. */
    public EmulatedTransport(AnnealerBackend local) {
        this.local = local;
    }

    @Override
    public String describe() {
        return "emulated:" + local.name();
    }

    @Override
    public Answer solve(IsingMapping m, String task, int reads, long seed, Duration timeLimit) {
        BatchResult r =
                local.solve(
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
        return new Answer(out, describe());
    }
}
