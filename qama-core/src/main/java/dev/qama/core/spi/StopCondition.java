package dev.qama.core.spi;

import java.time.Duration;

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

    /**
     * The time left before the deadline ({@link Duration#ZERO} once it passed), or null when the
     * request has no time limit: what a backend that hands the work on (to a sub-solver, a server,
     * a machine) gives it as its own time limit, so the batch limit holds overall.
     */
    public Duration remaining() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /**
     * The request's cancellation flag, or null: a backend that hands the work on passes it along so
     * a cancel reaches the sub-solve. (A {@link #forceStop} is not carried by it.)
     */
    public Cancellation cancellation() {
        return cancellation;
    }

    /** Seconds since the solve started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) * 1e-9;
    }
}
