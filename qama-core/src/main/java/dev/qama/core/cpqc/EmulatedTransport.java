package dev.qama.core.cpqc;

import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.StopCondition;

/**
 * Solves the rounded integer task with a local backend instead of a machine, so the whole CPQC path
 * (mapping, 8-bit rounding, auxiliary spin, splitting) can be run and tested without hardware. No
 * machine is involved: {@link #describe()} says {@code emulated:NAME}. The local backend gets the
 * batch's remaining time, its cancellation flag and the caller's interrupt, and its largest problem
 * is the transport's {@link #maxSpins()}.
 */
public final class EmulatedTransport implements CpqcTransport {
    private final AnnealerBackend local;

    /** With the local backend that stands in for the machine. */
    public EmulatedTransport(AnnealerBackend local) {
        if (local == null) {
            throw new IllegalArgumentException("emulator backend is null");
        }
        this.local = local;
    }

    @Override
    public String describe() {
        return "emulated:" + local.name();
    }

    /** The local backend's variable limit: a task of n+1 spins is a problem of n+1 variables. */
    @Override
    public int maxSpins() {
        return local.capabilities().maxVariables();
    }

    @Override
    public Answer solve(IsingMapping m, String task, int reads, long seed, StopCondition stop) {
        return BackendTasks.solve(local, m, reads, seed, stop, r -> describe());
    }
}
