package dev.qama.bench.jmh;

import dev.qama.cim.kernel.CouplingKernel;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.model.Coupling;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batched coupling product Y = J·X of qama-cim-sim ({@link Kernels}) over R replicas, Vector
 * API against the scalar fallback, for dense couplings of n = 64 … 4096 ({@code dense<n>}) and for
 * the sparse and low-rank shapes ({@code g1}, {@code g22}, {@code lowrank8}, {@code lowrank64}, see
 * {@link Fixtures#coupling}). The primary score is products per second; the {@code fma} counter is
 * the multiply–add rate ({@link Fixtures#fmaPerReplica} × R per product), to be read against {@link
 * RooflineBenchmark}.
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
public class CouplingProductBenchmark {
    /** The coupling: dense&lt;n&gt;, g1, g22, lowrank8, lowrank64. */
    @Param({"dense64", "dense256", "dense1024", "dense4096"})
    public String coupling;

    /** Replicas R (columns of X). */
    @Param({"1", "8", "32"})
    public int reps;

    /** vector or scalar. */
    @Param({"vector", "scalar"})
    public String kernel;

    Coupling j;
    CouplingKernel k;
    float[] x;
    float[] y;
    long fmaPerProduct;

    /** Builds the coupling, the kernel and the operands. */
    @Setup
    public void setup() {
        j = Fixtures.coupling(coupling, 42);
        k = Kernels.create(j, reps, Kernels.parseMode(kernel));
        x = Fixtures.uniform(j.size() * reps, 7);
        y = new float[j.size() * reps];
        fmaPerProduct = Fixtures.fmaPerReplica(j) * reps;
    }

    /** One product Y = J·X. */
    @Benchmark
    public float[] product(FmaCounter counter) {
        k.multiply(x, y);
        counter.fma += fmaPerProduct;
        return y;
    }
}
