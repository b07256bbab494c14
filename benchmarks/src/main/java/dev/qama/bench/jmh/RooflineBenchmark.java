package dev.qama.bench.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The single-thread FMA roofline of this CPU as the JVM reaches it, the ceiling the kernel figures
 * are compared with:
 *
 * <ul>
 *   <li>{@link #vectorRegisters}: eight independent chains of {@code FloatVector.fma} on registers
 *       (no memory traffic), enough chains to cover the FMA latency: the compute peak;
 *   <li>{@link #vectorDotL1}: a dot product of two 1024-float arrays (8 KB, in L1) with four
 *       accumulators: two loads per FMA, the in-cache roof of a matrix–vector product;
 *   <li>{@link #scalarRegisters}: eight chains of scalar {@link Math#fma}: the scalar peak.
 * </ul>
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
public class RooflineBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Loop trips of the register benchmarks per invocation. */
    static final int TRIPS = 4096;

    /** Length of the in-L1 dot product. */
    static final int DOT = 1024;

    float[] a;
    float[] b;

    /** The seed values of the chains (multiplier slightly below 1 keeps them bounded). */
    float mul = 0.999999f;

    float add = 1e-6f;

    /** Fills the dot-product operands. */
    @Setup
    public void setup() {
        a = Fixtures.uniform(DOT, 1);
        b = Fixtures.uniform(DOT, 2);
    }

    /** Lanes of the preferred float species on this CPU. */
    public static int lanes() {
        return S.length();
    }

    /** FMAs of one {@link #vectorRegisters} call. */
    static long vectorRegisterFmas() {
        return 8L * S.length() * TRIPS;
    }

    /** Eight independent vector FMA chains: the compute peak. */
    @Benchmark
    public float vectorRegisters(FmaCounter counter) {
        FloatVector m = FloatVector.broadcast(S, mul);
        FloatVector c = FloatVector.broadcast(S, add);
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = FloatVector.broadcast(S, 2f);
        FloatVector a2 = FloatVector.broadcast(S, 3f);
        FloatVector a3 = FloatVector.broadcast(S, 4f);
        FloatVector a4 = FloatVector.broadcast(S, 5f);
        FloatVector a5 = FloatVector.broadcast(S, 6f);
        FloatVector a6 = FloatVector.broadcast(S, 7f);
        FloatVector a7 = FloatVector.broadcast(S, 8f);
        for (int t = 0; t < TRIPS; t++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
        }
        counter.fma += vectorRegisterFmas();
        return a0.add(a1)
                .add(a2)
                .add(a3)
                .add(a4)
                .add(a5)
                .add(a6)
                .add(a7)
                .reduceLanes(VectorOperators.ADD);
    }

    /** A dot product of two in-L1 arrays with four vector accumulators. */
    @Benchmark
    public float vectorDotL1(FmaCounter counter) {
        int l = S.length();
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int k = 0;
        for (; k + 4 * l <= DOT; k += 4 * l) {
            s0 = FloatVector.fromArray(S, a, k).fma(FloatVector.fromArray(S, b, k), s0);
            s1 = FloatVector.fromArray(S, a, k + l).fma(FloatVector.fromArray(S, b, k + l), s1);
            s2 =
                    FloatVector.fromArray(S, a, k + 2 * l)
                            .fma(FloatVector.fromArray(S, b, k + 2 * l), s2);
            s3 =
                    FloatVector.fromArray(S, a, k + 3 * l)
                            .fma(FloatVector.fromArray(S, b, k + 3 * l), s3);
        }
        float acc = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; k < DOT; k++) {
            acc += a[k] * b[k];
        }
        counter.fma += DOT;
        return acc;
    }

    /** Eight independent scalar {@link Math#fma} chains: the scalar peak. */
    @Benchmark
    public float scalarRegisters(FmaCounter counter) {
        float m = mul;
        float c = add;
        float a0 = 1f;
        float a1 = 2f;
        float a2 = 3f;
        float a3 = 4f;
        float a4 = 5f;
        float a5 = 6f;
        float a6 = 7f;
        float a7 = 8f;
        for (int t = 0; t < TRIPS; t++) {
            a0 = Math.fma(a0, m, c);
            a1 = Math.fma(a1, m, c);
            a2 = Math.fma(a2, m, c);
            a3 = Math.fma(a3, m, c);
            a4 = Math.fma(a4, m, c);
            a5 = Math.fma(a5, m, c);
            a6 = Math.fma(a6, m, c);
            a7 = Math.fma(a7, m, c);
        }
        counter.fma += 8L * TRIPS;
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }
}
