package dev.qama.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter of multiply–adds: each benchmark invocation adds the FMAs it performed,
 * and JMH reports {@code fma} as a rate next to the primary score (FMA/s in throughput mode).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FmaCounter {
    /** Multiply–adds performed in this iteration (read by JMH). */
    public long fma;

    /** Zeroes the count at the start of every iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        fma = 0;
    }
}
