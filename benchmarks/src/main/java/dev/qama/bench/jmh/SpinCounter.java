package dev.qama.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter of spin updates: one spin update is one spin of one replica advanced by
 * one solver step (amplitude solvers) or one single-flip proposal (simulated annealing). JMH
 * reports {@code spinUpdates} as a rate (updates/s in throughput mode).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class SpinCounter {
    /** Spin updates performed in this iteration (read by JMH). */
    public long spinUpdates;

    /** Zeroes the count at the start of every iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        spinUpdates = 0;
    }
}
