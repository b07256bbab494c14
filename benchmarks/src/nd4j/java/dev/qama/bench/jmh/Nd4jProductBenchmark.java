package dev.qama.bench.jmh;

import dev.qama.cim.kernel.CouplingKernel;
import dev.qama.cim.kernel.Kernels;
import dev.qama.core.model.DenseCoupling;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * The batched dense coupling product Y = J·X (n×n times n×R, float) with ND4J 1.0.0-M2.1 (native
 * backend, OpenBLAS), side by side with the qama-cim-sim kernel in the same run (issue 3, item 6).
 * Compiled only with the Maven profile {@code -Pnd4j}.
 *
 * <ul>
 *   <li>{@code qama}: {@link Kernels#create} (Vector API), on float[] n×R row-major;
 *   <li>{@code nd4j-gemm}: {@code Nd4j.gemm(J, X, Y, false, false, 1, 0)} into a preallocated Y,
 *       the operands already off-heap: ND4J's best case;
 *   <li>{@code nd4j-mmul}: {@code J.mmul(X)}, the idiomatic call, allocating its result;
 *   <li>{@code nd4j-roundtrip}: what a solver holding its state in float[] would pay: copy x into
 *       the off-heap X, gemm, copy Y back into y.
 * </ul>
 *
 * <p>{@code threads} sets ND4J's BLAS threads (our kernel is single-threaded); the default 1
 * compares one core with one core.
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
public class Nd4jProductBenchmark {
    /** n. */
    @Param({"64", "256", "1024", "4096"})
    public int n;

    /** Replicas R. */
    @Param({"1", "8", "32"})
    public int reps;

    /** qama, nd4j-gemm, nd4j-mmul or nd4j-roundtrip. */
    @Param({"qama", "nd4j-gemm", "nd4j-mmul", "nd4j-roundtrip"})
    public String impl;

    /** BLAS threads of ND4J. */
    @Param({"1"})
    public int threads;

    CouplingKernel kernel;
    float[] x;
    float[] y;
    INDArray jm;
    INDArray xm;
    INDArray ym;
    FloatBuffer xBuf;
    FloatBuffer yBuf;
    long fmaPerProduct;

    /** Builds J, X and Y on both sides. */
    @Setup
    public void setup() {
        DenseCoupling j = Fixtures.dense(n, 42);
        x = Fixtures.uniform(n * reps, 7);
        y = new float[n * reps];
        fmaPerProduct = (long) n * (n - 1) * reps;
        if (impl.equals("qama")) {
            kernel = Kernels.create(j, reps);
            return;
        }
        if (!impl.startsWith("nd4j-")) {
            throw new IllegalArgumentException(
                    "impl '" + impl + "' is not one of qama, nd4j-gemm, nd4j-mmul, nd4j-roundtrip");
        }
        Nd4j.factory().blas().setMaxThreads(threads);
        jm = Nd4j.create(j.data(), new long[] {n, n}, 'c');
        xm = Nd4j.create(x, new long[] {n, reps}, 'c');
        ym = Nd4j.create(DataType.FLOAT, n, reps);
        xBuf = xm.data().asNioFloat();
        yBuf = ym.data().asNioFloat();
    }

    /** Y = J·X with the selected implementation. */
    @Benchmark
    public Object product(FmaCounter counter) {
        counter.fma += fmaPerProduct;
        switch (impl) {
            case "qama":
                kernel.multiply(x, y);
                return y;
            case "nd4j-gemm":
                return Nd4j.gemm(jm, xm, ym, false, false, 1.0, 0.0);
            case "nd4j-mmul":
                return jm.mmul(xm);
            default:
                xBuf.clear();
                xBuf.put(x);
                Nd4j.gemm(jm, xm, ym, false, false, 1.0, 0.0);
                yBuf.clear();
                yBuf.get(y);
                return y;
        }
    }
}
