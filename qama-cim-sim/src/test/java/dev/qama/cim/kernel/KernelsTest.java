package dev.qama.cim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.core.model.Coupling;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelsTest {

    private static List<Coupling> couplings() {
        Random rnd = new Random(11);
        return List.of(
                TestProblems.dense(37, rnd),
                TestProblems.sparse(53, 6, rnd),
                TestProblems.lowRank(41, 5, rnd),
                TestProblems.dense(1, rnd));
    }

    @Test
    void vectorModuleIsAvailableInTests() {
        // surefire runs with --add-modules jdk.incubator.vector
        assertTrue(Kernels.vectorAvailable());
    }

    @Test
    void scalarAndVectorKernelsMatchTheReferenceProduct() {
        Random rnd = new Random(5);
        for (Coupling c : couplings()) {
            int n = c.size();
            for (int reps : new int[] {1, 3, 8, 16, 19, 37, 64}) {
                float[] x = new float[n * reps];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) (2 * rnd.nextDouble() - 1);
                }
                float[] ref = new float[n * reps];
                c.multiply(x, ref, reps);
                float[] ys = new float[n * reps];
                float[] yv = new float[n * reps];
                CouplingKernel scalar = Kernels.create(c, reps, Kernels.Mode.SCALAR);
                CouplingKernel vector = Kernels.create(c, reps, Kernels.Mode.VECTOR);
                assertFalse(scalar.vectorized());
                assertTrue(vector.vectorized());
                scalar.multiply(x, ys);
                vector.multiply(x, yv);
                // twice: workspaces must be reset between products
                vector.multiply(x, yv);
                for (int k = 0; k < ref.length; k++) {
                    double tol = 1e-4 * (1 + Math.abs(ref[k])) * Math.sqrt(n);
                    assertEquals(ref[k], ys[k], tol, c + " R=" + reps + " scalar at " + k);
                    assertEquals(ref[k], yv[k], tol, c + " R=" + reps + " vector at " + k);
                }
            }
        }
    }

    @Test
    void propertyForcesScalarKernels() {
        Coupling c = couplings().get(0);
        String old = System.getProperty(Kernels.VECTOR_PROPERTY);
        try {
            System.setProperty(Kernels.VECTOR_PROPERTY, "false");
            assertFalse(Kernels.vectorEnabled());
            assertFalse(Kernels.create(c, 16).vectorized());
            System.setProperty(Kernels.VECTOR_PROPERTY, "true");
            assertTrue(Kernels.create(c, 16).vectorized());
        } finally {
            if (old == null) {
                System.clearProperty(Kernels.VECTOR_PROPERTY);
            } else {
                System.setProperty(Kernels.VECTOR_PROPERTY, old);
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        Coupling c = couplings().get(0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Kernels.create(c, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernels.parseMode("simd"));
        assertTrue(e.getMessage().contains("simd"), e.getMessage());
    }

    @Test
    void smallBinaryModelsUseTheScalarKernelsUnderAuto() {
        var small =
                dev.qama.core.testkit.RandomProblems.dense(
                        dev.qama.core.model.Vartype.BINARY, Kernels.SMALL_MODEL, 1);
        var large =
                dev.qama.core.testkit.RandomProblems.dense(
                        dev.qama.core.model.Vartype.SPIN, Kernels.SMALL_MODEL + 1, 2);
        var attention =
                dev.qama.core.testkit.RandomProblems.attention(2, 4, 1, null, true, false, 3);
        assertEquals(Kernels.Mode.SCALAR, Kernels.resolve(Kernels.Mode.AUTO, small));
        assertEquals(Kernels.Mode.AUTO, Kernels.resolve(Kernels.Mode.AUTO, large));
        assertEquals(Kernels.Mode.AUTO, Kernels.resolve(Kernels.Mode.AUTO, attention));
        // an explicit choice is kept
        assertEquals(Kernels.Mode.VECTOR, Kernels.resolve(Kernels.Mode.VECTOR, small));
        assertEquals(Kernels.Mode.SCALAR, Kernels.resolve(Kernels.Mode.SCALAR, large));
    }
}
