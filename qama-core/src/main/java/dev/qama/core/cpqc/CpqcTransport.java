package dev.qama.core.cpqc;

import java.time.Duration;
import java.util.List;

/**
 * How an integer Ising task reaches a machine and how its spins come back. Implementations: {@link
 * FileExchangeTransport} (files a person or a script carries to and from the vendor's platform),
 * {@link RemoteTransport} (an HTTP endpoint speaking this library's protocol) and {@link
 * EmulatedTransport} (a local solver standing in for the machine).
 */
public interface CpqcTransport {

    /** The spins a machine returned for one task, and who returned them. */
    record Answer(List<byte[]> spins, String servedBy) {}

    /** A short description for {@code BatchResult.backend()}, e.g. {@code file:/data/cpqc}. */
    String describe();

    /**
     * Runs one task.
     *
     * @param mapping the rounded Ising task (n+1 spins, auxiliary last)
     * @param task the task name (a hash of the matrix)
     * @param reads how many spin vectors are wanted (a transport may return more or fewer)
     * @param seed a seed for transports that can use one
     * @param timeLimit the request's time limit, or null
     * @return ±1 spin vectors of length n+1
     */
    Answer solve(IsingMapping mapping, String task, int reads, long seed, Duration timeLimit);
}
