package dev.qama.core.spi;

/**
 * The clock and stop flags of one running solve: the request's deadline, its {@link Cancellation},
 * and the interrupt status of the thread that called {@code solve} (checked from any worker
 * thread). Thread-safe; cheap enough to poll every few hundred operations.
 */
public final class StopCondition {
    private final long startNanos;
    private final long deadlineNanos; // Long.MAX_VALUE when none
    private final Cancellation cancellation;
    private final Thread caller;
    private volatile boolean forced;

    StopCondition(long startNanos, long deadlineNanos, Cancellation cancellation, Thread caller) {
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.cancellation = cancellation;
        this.caller = caller;
    }

    /** A condition that never stops (for tests and internal sub-solves). */
    public static StopCondition never() {
        return new StopCondition(System.nanoTime(), Long.MAX_VALUE, null, null);
    }

    /** Whether the solve must stop now. */
    public boolean shouldStop() {
        return reason() != null;
    }

    /** The status to report if stopping now, or null if the solve may go on. */
    public SolveStatus reason() {
        if (forced
                || (cancellation != null && cancellation.isCancelled())
                || (caller != null && caller.isInterrupted())) {
            return SolveStatus.INTERRUPTED;
        }
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0) {
            return SolveStatus.TIME_LIMIT;
        }
        return null;
    }

    /**
     * Stops the solve as if cancelled (used by a backend whose waiting thread was interrupted,
     * since waiting clears the thread's interrupt flag).
     */
    public void forceStop() {
        forced = true;
    }

    /** Seconds since the solve started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) * 1e-9;
    }
}
