package dev.qama.core.cpqc;

import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.StopCondition;
import java.util.List;

/**
 * How an integer Ising task reaches a machine and how its spins come back. Implementations: {@link
 * FileExchangeTransport} (files a person or a script carries to and from the vendor's platform),
 * {@link RemoteTransport} (an HTTP endpoint speaking this library's protocol) and {@link
 * EmulatedTransport} (a local solver standing in for the machine).
 *
 * <p>A transport honours the batch's {@link StopCondition} while it works or waits: when the time
 * limit passes, the request is cancelled or the calling thread is interrupted, it returns what it
 * has (possibly no spins) with that status instead of waiting on, and leaves the thread's interrupt
 * flag set when it was interrupted.
 */
public interface CpqcTransport {

    /**
     * The spins a machine returned for one task, who returned them, and why the task ended.
     *
     * @param spins ±1 spin vectors of length n+1; empty only when the task was stopped (time limit,
     *     cancellation or interrupt) before any answer came back
     * @param servedBy who served the answer, or null when no answer came back
     * @param status COMPLETED or CONVERGED for a full answer, TIME_LIMIT or INTERRUPTED when the
     *     task was stopped
     */
    record Answer(List<byte[]> spins, String servedBy, SolveStatus status) {
        /** Validates: no spins only for a stopped task. */
        public Answer {
            spins = List.copyOf(spins);
            if (status == null) {
                throw new IllegalArgumentException("answer status is null");
            }
            if (spins.isEmpty()
                    && status != SolveStatus.TIME_LIMIT
                    && status != SolveStatus.INTERRUPTED) {
                throw new IllegalArgumentException(
                        "an answer without spins must be TIME_LIMIT or INTERRUPTED, got " + status);
            }
        }

        /** The answer to a task stopped before any spins came back. */
        public static Answer stopped(SolveStatus why) {
            return new Answer(List.of(), null, why);
        }
    }

    /** A short description for {@code BatchResult.backend()}, e.g. {@code file:/data/cpqc}. */
    String describe();

    /**
     * The largest task this transport can carry, in spins (auxiliary spin included); the backend
     * takes the smaller of this and its own {@code maxSpins}. The default has no limit of its own.
     */
    default int maxSpins() {
        return Integer.MAX_VALUE;
    }

    /**
     * Runs one task.
     *
     * @param mapping the rounded Ising task (n+1 spins, auxiliary last)
     * @param task the task name (a hash of the matrix)
     * @param reads how many spin vectors are wanted (a transport may return more or fewer)
     * @param seed a seed for transports that can use one
     * @param stop the batch's deadline, cancellation and interrupt (see the class comment)
     * @return ±1 spin vectors of length n+1 and the task's status
     */
    Answer solve(IsingMapping mapping, String task, int reads, long seed, StopCondition stop);
}
