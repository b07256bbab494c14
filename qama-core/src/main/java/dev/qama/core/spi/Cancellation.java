package dev.qama.core.spi;

/**
 * A flag a caller sets to stop a running solve. Solvers poll it (through {@link StopCondition});
 * the best states found so far are returned with status {@link SolveStatus#INTERRUPTED}.
 * Thread-safe.
 */
public final class Cancellation {
    private volatile boolean cancelled;

    /** Requests that the solve stop as soon as possible. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }
}
