package dev.qama.core.spi;

/** Why a solve ended. Every status carries valid states: the best seen so far. */
public enum SolveStatus {
    /** The solver ran its full schedule. */
    COMPLETED,
    /** The energy stopped improving for the configured patience, so the run ended early. */
    CONVERGED,
    /** The request's time limit was reached. */
    TIME_LIMIT,
    /** The request was cancelled or the calling thread interrupted. */
    INTERRUPTED;

    /** The more severe of two statuses (INTERRUPTED > TIME_LIMIT > CONVERGED > COMPLETED). */
    public SolveStatus worst(SolveStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
