package dev.qama.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Every implementation of the ND4J side-by-side benchmark computes J·X (profile -Pnd4j only). */
class Nd4jProductBenchmarkTest {

    @ParameterizedTest
    @CsvSource({
        "qama, 1",
        "qama, 8",
        "nd4j-gemm, 1",
        "nd4j-gemm, 8",
        "nd4j-mmul, 3",
        "nd4j-roundtrip, 8"
    })
    void productEqualsNaiveProduct(String impl, int reps) {
        Nd4jProductBenchmark b = new Nd4jProductBenchmark();
        b.n = 17;
        b.reps = reps;
        b.impl = impl;
        b.threads = 1;
        b.setup();
        FmaCounter counter = new FmaCounter();
        Object out = b.product(counter);
        float[] y;
        if (out instanceof INDArray a) {
            y = new float[17 * reps];
            for (int i = 0; i < 17; i++) {
                for (int c = 0; c < reps; c++) {
                    y[i * reps + c] = a.getFloat(i, c);
                }
            }
        } else {
            y = (float[]) out;
        }
        double[] want = Fixtures.naiveProduct(Fixtures.dense(17, 42), b.x, reps);
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], y[k], 1e-4 * (1 + Math.abs(want[k])), impl + " entry " + k);
        }
        assertEquals(17L * 16 * reps, counter.fma);
    }
}
