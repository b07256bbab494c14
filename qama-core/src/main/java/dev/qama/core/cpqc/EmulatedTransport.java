package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import java.time.Duration;

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
        return BackendTasks.solve(local, m, reads, seed, timeLimit, r -> describe());
    }
}
