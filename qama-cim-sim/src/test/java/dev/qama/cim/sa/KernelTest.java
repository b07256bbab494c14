package dev.qama.cim.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelTest {

    @Test
    void acceptsDrawsOnlyForUphillMoves() {
        SplittableRandom rng = new SplittableRandom(7);
        SplittableRandom ref = new SplittableRandom(7);
        assertTrue(Kernel.accepts(1, -2, rng));
        assertTrue(Kernel.accepts(1, 0, rng));
        // no draw so far: the next draw of both streams agrees
        double u = ref.nextDouble();
        assertEquals(Kernel.metropolis(u, 0.5), Kernel.accepts(0.5, 1, rng));
        assertEquals(ref.nextLong(), rng.nextLong());
        // beyond MAX_BETA_DELTA always rejected, without a draw
        assertFalse(Kernel.accepts(1, Kernel.MAX_BETA_DELTA + 1, rng));
        assertEquals(ref.nextLong(), rng.nextLong());
    }

    @Test
    void readStartUsesTheWarmStartForTheFirstReadOnly() {
        BinaryQuadraticModel m = BinaryQuadraticModel.of(Vartype.SPIN, DenseCoupling.zeros(3));
        Kernel k = new DenseKernel(m, new float[9]);
        byte[] warm = {1, -1, 1};
        byte[] out = new byte[3];
        SplittableRandom rng = new SplittableRandom(3);
        k.readStart(0, warm, rng, out);
        assertArrayEquals(warm, out);
        k.readStart(1, warm, rng, out);
        byte[] expected = new byte[3];
        k.randomState(new SplittableRandom(3), expected);
        assertArrayEquals(expected, out);
    }

    @Test
    void denseAndSparseFieldKernelsAgree() {
        SparseCoupling.Builder b = SparseCoupling.builder(4);
        b.add(0, 1, 1.5).add(1, 2, -2).add(0, 3, 0.5);
        SparseCoupling sc = b.build();
        BinaryQuadraticModel m =
                BinaryQuadraticModel.of(Vartype.SPIN, new float[] {0.5f, -1, 0, 2}, sc, 1);
        FieldKernel dense = new DenseKernel(m, sc.toDenseArray(4));
        FieldKernel sparse = new SparseKernel(m, sc);
        byte[] z = {1, -1, -1, 1};
        dense.start(z);
        sparse.start(z);
        for (int v = 0; v < 4; v++) {
            assertEquals(dense.delta(v), sparse.delta(v), 1e-12);
        }
        dense.flip(2);
        sparse.flip(2);
        assertEquals(m.energy(dense.x), dense.energy, 1e-12);
        assertEquals(dense.energy, sparse.energy, 1e-12);
        assertArrayEquals(dense.f, sparse.f, 1e-12);
    }
}
