package dev.qama.core.formulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.attention.AttentionState;
import dev.qama.core.model.LowRankCoupling;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: factored (low-rank) paper-v2 problems are built, solved and differentiated in O(H·N·d)
 * memory, with H·N² beyond the largest Java array. H = 8 as in the paper; N = 16 385 is the
 * smallest length whose H·N² (2 147 745 800) does not fit in one Java array, N = 32 768 the largest
 * size of {@code qama bench long-seq}. d = 2 keeps the test cheap.
 */
class LongSequenceTest {
    private static final int H = 8;
    private static final int D = 2;

    /** Random Q, K, V with every fifth token masked (padding-like). */
    private static AttentionInputs inputs(int n, long seed) {
        Random rnd = new Random(seed);
        int size = H * n * D;
        boolean[] mask = new boolean[n];
        for (int i = 4; i < n; i += 5) {
            mask[i] = true;
        }
        return new AttentionInputs(
                1,
                H,
                n,
                D,
                Fixtures.gaussian(rnd, size, 1.0),
                Fixtures.gaussian(rnd, size, 1.0),
                Fixtures.gaussian(rnd, size, 1.0),
                mask);
    }

    private static PaperV2Formulation formulation() {
        return PaperV2Formulation.builder().valueImportance(new float[] {0.7f, -1.3f}).build();
    }

    /** One greedy sweep from the empty selection: every bit that lowers the energy is flipped. */
    private static AttentionState greedy(AttentionProblem p) {
        AttentionState s = p.newState(new byte[p.numVariables()]);
        for (int v = 0; v < p.numVariables(); v++) {
            if (s.delta(v) < 0) {
                s.flip(v);
            }
        }
        return s;
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {16385, 32768})
    void factoredProblemsAreBuiltSolvedAndDifferentiatedBeyondTheDenseLimit(int n) {
        assertTrue((long) H * n * n > Integer.MAX_VALUE, "H·N² must exceed one Java array");
        AttentionInputs in = inputs(n, n);
        PaperV2Formulation f = formulation();

        AttentionProblem p = f.build(in, 0);
        assertEquals(H * n, p.numVariables());
        for (int t = 0; t < H; t++) {
            assertInstanceOf(LowRankCoupling.class, p.coupling(t), "AUTO is factored, d <= N");
        }
        assertEquals(0.16 * in.activeTokens(0), p.linearWeight(), 1e-9);

        AttentionState s = greedy(p);
        byte[] x = s.copyState();
        double e = p.energy(x);
        assertTrue(e < 0, "a greedy sweep lowers the energy below that of x = 0, got " + e);
        assertEquals(e, s.energy(), 1e-6 * Math.abs(e), "tracked energy");

        AttentionGradient g = f.gradient(in, 0, x);
        assertEquals(e, g.energy(), 1e-5 * Math.abs(e), "gradient energy (double) vs problem");
        assertEquals(H * n * D, g.dQ().length);

        // ∂E/∂S_ij = −c_q x_i x_j off the diagonal, read without the dense H·N² array
        int sel = -1;
        int sel2 = -1;
        int unsel = -1;
        for (int i = 0; i < n && (sel2 < 0 || unsel < 0); i++) {
            if (x[(H - 1) * n + i] == 1) {
                if (sel < 0) {
                    sel = i;
                } else if (sel2 < 0) {
                    sel2 = i;
                }
            } else if (unsel < 0) {
                unsel = i;
            }
        }
        assertTrue(sel2 >= 0 && unsel >= 0, "the greedy state selects some tokens, not all");
        assertEquals(-1.0, g.dCoupling(H - 1, sel, sel2));
        assertEquals(-1.0, g.dCoupling(H - 1, sel2, sel));
        assertEquals(0.0, g.dCoupling(H - 1, sel, sel));
        assertEquals(0.0, g.dCoupling(H - 1, sel, unsel));
        IllegalStateException tooBig = assertThrows(IllegalStateException.class, g::dCoupling);
        assertTrue(tooBig.getMessage().contains("dCoupling(head, i, j)"), tooBig.getMessage());

        // ∂E/∂Q and ∂E/∂K by central differences of the (bilinear) energy, last head
        int row = in.headOffset(0, H - 1) + sel * D;
        int grad = ((H - 1) * n + sel) * D;
        double step = 1e-2;
        for (int a = 0; a < D; a++) {
            assertEquals(
                    g.dQ()[grad + a],
                    difference(f, in, x, true, row + a, step),
                    1e-6 * Math.abs(g.dQ()[grad + a]) + 1e-9 * Math.abs(e) / step,
                    "dQ[" + a + "]");
            assertEquals(
                    g.dK()[grad + a],
                    difference(f, in, x, false, row + a, step),
                    1e-6 * Math.abs(g.dK()[grad + a]) + 1e-9 * Math.abs(e) / step,
                    "dK[" + a + "]");
        }
    }

    /**
     * Dense forms of a long sequence are refused with a message, not with a negative array size (n²
     * overflows an int above n = 46 340): the coupling, its export and the problem's QUBO.
     */
    @Test
    void denseFormsBeyondOneJavaArrayAreRefusedByName() {
        int n = 46341;
        LowRankCoupling c = LowRankCoupling.of(n, 1, new float[n], new float[n], 1.0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> c.toDenseArray(n));
        assertTrue(e.getMessage().contains("n = 46341"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> dev.qama.core.model.DenseCoupling.zeros(n));
        assertTrue(e.getMessage().contains("do not fit in one Java array"), e.getMessage());
        AttentionProblem p =
                AttentionProblem.builder(1, n, 1).coupling(0, c).linear(0, new float[n]).build();
        e = assertThrows(IllegalArgumentException.class, () -> p.toBinaryModel(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("do not fit in one Java array"), e.getMessage());
        PaperV2Formulation dense =
                PaperV2Formulation.builder()
                        .valueImportance(new float[] {1f})
                        .couplingForm(CouplingForm.DENSE)
                        .build();
        AttentionInputs in =
                new AttentionInputs(1, 1, n, 1, new float[n], new float[n], new float[n], null);
        e = assertThrows(IllegalArgumentException.class, () -> dense.build(in, 0));
        assertTrue(e.getMessage().contains("LOW_RANK"), e.getMessage());
        assertInstanceOf(LowRankCoupling.class, formulation1().build(in, 0).coupling(0));
    }

    private static PaperV2Formulation formulation1() {
        return PaperV2Formulation.builder().valueImportance(new float[] {1f}).build();
    }

    /** (E(+h) − E(−h)) / (2h) for one coordinate of Q or K (E is linear in it). */
    private static double difference(
            PaperV2Formulation f,
            AttentionInputs in,
            byte[] x,
            boolean query,
            int index,
            double step) {
        double[] e = new double[2];
        double[] h = new double[2];
        for (int side = 0; side < 2; side++) {
            float[] q = in.q().clone();
            float[] k = in.k().clone();
            float[] target = query ? q : k;
            target[index] += (float) (side == 0 ? step : -step);
            h[side] = target[index] - (double) (query ? in.q() : in.k())[index]; // as rounded
            AttentionInputs moved =
                    new AttentionInputs(1, H, in.tokens(), D, q, k, in.v(), in.maskOf(0));
            e[side] = f.gradient(moved, 0, x).energy();
        }
        return (e[0] - e[1]) / (h[0] - h[1]);
    }

    /**
     * Memory stays linear: build and gradient at N = 32 768 allocate a few MiB, far below the 8·N²
     * doubles (64 GiB) of a dense gradient or the 4·N² bytes (4 GiB) of one dense coupling.
     * Measured as the bytes this thread allocates (HotSpot's ThreadMXBean), not as time.
     */
    @Test
    void buildAndGradientAllocateLinearMemory() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(
                mx instanceof com.sun.management.ThreadMXBean t
                        && t.isThreadAllocatedMemorySupported()
                        && t.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counters are not available on this JVM");
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) mx;
        int n = 32768;
        AttentionInputs in = inputs(n, 5);
        PaperV2Formulation f = formulation();
        byte[] x = new byte[H * n];
        for (int v = 0; v < x.length; v += 3) {
            x[v] = in.isMasked(0, v % n) ? 0 : (byte) 1;
        }
        long id = Thread.currentThread().getId();
        long before = t.getThreadAllocatedBytes(id);
        AttentionProblem p = f.build(in, 0);
        AttentionGradient g = f.gradient(in, 0, x);
        long used = t.getThreadAllocatedBytes(id) - before;
        assertEquals(p.energy(x), g.energy(), 1e-5 * Math.abs(g.energy()));
        // per token: inputs' factor copies, linear terms, dQ/dK/dV, w and g: about 0.6 KiB
        assertTrue(
                used < 4096L * n,
                "build + gradient allocated " + used + " bytes at N = " + n + " (limit 4 KiB·N)");
    }
}
