package dev.qama.bench.jmh;

import dev.qama.cim.sa.SimulatedAnnealing;
import dev.qama.core.model.Problem;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-flip simulated annealing of qama-cim-sim ({@link SimulatedAnnealing}): one read of {@code
 * sweeps} Metropolis sweeps over the default geometric β schedule, without patience or the final
 * quench, on one thread. The {@code spinUpdates} counter is the proposal rate (sweeps × variables
 * per solve); the per-solve set-up (kernel sums, the energy recomputed by {@code SolveResult.of})
 * is included, as a user pays it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-Dai.djl.offline=true",
            "-Djava.awt.headless=true"
        })
public class AnnealingBenchmark {
    /** attention (H = 8, N = 49) or dense1024. */
    @Param({"attention", "dense1024"})
    public String problem;

    /** Sweeps per solve. */
    @Param({"100"})
    public int sweeps;

    Problem p;
    SimulatedAnnealing sa;
    long proposalsPerSolve;
    long seed;

    /** Builds the problem and the solver. */
    @Setup
    public void setup() {
        p = SolverStepBenchmark.problem(problem);
        sa =
                SimulatedAnnealing.builder()
                        .optSweeps(sweeps)
                        .optPatience(0)
                        .optPolish(false)
                        .optThreads(1)
                        .build();
        proposalsPerSolve = (long) sweeps * p.numVariables();
    }

    /** Releases the solver's thread pool. */
    @TearDown
    public void close() {
        sa.close();
    }

    /** One read of SA on the problem. */
    @Benchmark
    public BatchResult solve(SpinCounter counter) {
        BatchResult r = sa.solve(SolveRequest.builder(List.of(p)).seed(seed++).reads(1).build());
        counter.spinUpdates += proposalsPerSolve;
        return r;
    }
}
