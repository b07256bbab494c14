package dev.qama.cim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.cim.sb.SbConfig;
import dev.qama.cim.sb.SimulatedBifurcation;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.spi.StopCondition;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused SB step engine against the generic gradient + element-wise update. */
class SbStepperTest {

    /**
     * One bit, low-rank heads, a diagonal, a masked token, N not a multiple of the vector width.
     */
    private static AttentionProblem problem(int heads, int tokens, Random rnd) {
        return problem(heads, tokens, 3, rnd);
    }

    /** As {@link #problem(int, int, Random)} with heads of rank {@code rank}. */
    private static AttentionProblem problem(int heads, int tokens, int rank, Random rnd) {
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, 1);
        for (int t = 0; t < heads; t++) {
            b.coupling(t, TestProblems.lowRank(tokens, rank, rnd));
            b.linear(t, TestProblems.gaussian(tokens, 1.0, rnd));
            b.diagonal(t, TestProblems.gaussian(tokens, 0.5, rnd));
        }
        boolean[] mask = new boolean[tokens];
        mask[2] = true;
        return b.mask(mask).couplingWeight(0.8).linearWeight(1.3).penaltyWeight(0.7).build();
    }

    /** The generic system of p (the fused engine switched off). */
    private static SpinSystem generic(AttentionProblem p, int reps) {
        String old = System.getProperty(AttentionSystem.FUSED_PROPERTY);
        System.setProperty(AttentionSystem.FUSED_PROPERTY, "false");
        try {
            return SpinSystem.of(p, reps, Kernels.Mode.VECTOR);
        } finally {
            if (old == null) {
                System.clearProperty(AttentionSystem.FUSED_PROPERTY);
            } else {
                System.setProperty(AttentionSystem.FUSED_PROPERTY, old);
            }
        }
    }

    @Test
    void fusedStepEqualsGradientPlusUpdate() {
        Random rnd = new Random(11);
        AttentionProblem p = problem(3, 21, rnd);
        assertFalse(VectorAttention.denseForm(21, 6), "rank 3 over 21 tokens stays factored");
        fusedStepEqualsGradientPlusUpdate(p, rnd);
    }

    /** Wide heads over few tokens (the authors' d = 32 at N = 49) use the dense product. */
    @Test
    void denseProductOfWideHeadsEqualsGradientPlusUpdate() {
        Random rnd = new Random(12);
        AttentionProblem p = problem(3, 9, 16, rnd);
        assertTrue(VectorAttention.denseForm(9, 32), "rank 16 over 9 tokens goes dense");
        assertTrue(VectorAttention.denseForm(49, 64), "the authors' heads go dense");
        assertFalse(VectorAttention.denseForm(49, 16), "the project's heads stay factored");
        double squares = generic(p, 2).couplingSquares();
        assertEquals(
                squares,
                SpinSystem.of(p, 2, Kernels.Mode.VECTOR).couplingSquares(),
                1e-4 * squares);
        fusedStepEqualsGradientPlusUpdate(p, rnd);
    }

    private static void fusedStepEqualsGradientPlusUpdate(AttentionProblem p, Random rnd) {
        int reps = 3; // one replica pair and a single one
        SpinSystem fused = SpinSystem.of(p, reps, Kernels.Mode.VECTOR);
        SpinSystem ref = generic(p, reps);
        SbStepper stepper = fused.sbStepper();
        assertNotNull(stepper);
        assertNull(ref.sbStepper());
        int n = p.numVariables();
        int len = n * reps;
        float damp = 0.6f;
        float xi = 0.3f;
        float dt = 0.9f;
        float a0 = 1f;
        for (boolean discrete : new boolean[] {true, false}) {
            float[] x = new float[len];
            float[] y = new float[len];
            for (int v = 0; v < n; v++) {
                for (int c = 0; c < reps; c++) {
                    boolean fixed = fused.isFixed(v);
                    // some amplitudes near the walls so that clamping is exercised
                    x[v * reps + c] = fixed ? -1f : (float) (2.2 * rnd.nextDouble() - 1.1);
                    y[v * reps + c] = fixed ? 0f : (float) (2 * rnd.nextDouble() - 1);
                }
            }
            // reference: energies at sign(x), then g at sign(x) or x and the update
            float[] s = new float[len];
            Updates.sign(true, x, s, len);
            float[] g = new float[len];
            ref.gradient(s, g);
            double[] eRef = new double[reps];
            ref.energies(s, g, eRef);
            float[] xr = x.clone();
            float[] yr = y.clone();
            if (!discrete) {
                ref.gradient(x, g);
            }
            int[] runs = ref.freeRuns();
            for (int k = 0; k < runs.length; k += 2) {
                Updates.ballistic(
                        false, xr, yr, g, runs[k] * reps, runs[k + 1] * reps, damp, xi, dt, a0);
            }

            stepper.load(x, y);
            double[] e = new double[reps];
            stepper.step(discrete, true, damp, xi, dt, a0, e);
            float[] xf = new float[len];
            float[] yf = new float[len];
            stepper.store(xf, yf);
            float[] read = new float[len];
            stepper.readOut(read);
            assertArrayEquals(s, read, "read-out = signs before the step");
            for (int c = 0; c < reps; c++) {
                assertEquals(eRef[c], e[c], 1e-4 * (1 + Math.abs(eRef[c])), "energy " + c);
            }
            for (int m = 0; m < len; m++) {
                assertEquals(xr[m], xf[m], 1e-4f, "x " + m + " discrete " + discrete);
                assertEquals(yr[m], yf[m], 1e-4f, "y " + m + " discrete " + discrete);
                if (fused.isFixed(m / reps)) {
                    assertEquals(-1f, xf[m], "masked bits stay at -1");
                    assertEquals(0f, yf[m], 0f, "masked momenta stay at 0 (either sign)");
                }
            }
        }
    }

    @Test
    void withReplicasSharesTheCouplingDataAndComputesTheSameGradient() {
        for (int rank : new int[] {3, 16}) { // factored and dense heads
            Random rnd = new Random(20 + rank);
            AttentionProblem p = problem(3, 9, rank, rnd);
            SpinSystem two = SpinSystem.of(p, 2, Kernels.Mode.VECTOR);
            SpinSystem one = two.withReplicas(1);
            SpinSystem fresh = SpinSystem.of(p, 1, Kernels.Mode.VECTOR);
            assertSame(two, two.withReplicas(2));
            assertEquals(1, one.replicas());
            assertNotNull(one.sbStepper());
            assertEquals(fresh.couplingSquares(), one.couplingSquares());
            assertEquals(fresh.offset(), one.offset());
            int n = p.numVariables();
            float[] x = new float[n];
            for (int v = 0; v < n; v++) {
                x[v] = one.isFixed(v) ? -1f : (float) (2 * rnd.nextDouble() - 1);
            }
            float[] g1 = new float[n];
            float[] g2 = new float[n];
            one.gradient(x, g1);
            fresh.gradient(x, g2);
            assertArrayEquals(g2, g1, "rank " + rank);
            // the generic path (no engine) builds anew, with the same result
            SpinSystem generic = generic(p, 2);
            float[] g3 = new float[n];
            generic.withReplicas(1).gradient(x, g3);
            assertArrayEquals(g2, g3, 1e-4f);
        }
    }

    @Test
    void offeredOnlyForOneBitLowRankProblemsOnTheVectorPath() {
        Random rnd = new Random(5);
        AttentionProblem oneBit = problem(2, 7, rnd);
        assertNotNull(SpinSystem.of(oneBit, 2, Kernels.Mode.VECTOR).sbStepper());
        assertNull(SpinSystem.of(oneBit, 2, Kernels.Mode.SCALAR).sbStepper());
        assertNull(generic(oneBit, 2).sbStepper());
        AttentionProblem twoBits = TestProblems.attention(2, 5, 2, true, null, rnd);
        assertNull(SpinSystem.of(twoBits, 2, Kernels.Mode.VECTOR).sbStepper());
        AttentionProblem dense = TestProblems.attention(2, 5, 1, false, null, rnd);
        assertNull(SpinSystem.of(dense, 2, Kernels.Mode.VECTOR).sbStepper());
    }

    @Test
    void fusedAndGenericSolvesReachTheSameEnergies() {
        Random rnd = new Random(9);
        SimulatedBifurcation sb =
                new SimulatedBifurcation(
                        SbConfig.defaults(SimulatedBifurcation.Variant.DISCRETE)
                                .withKernel(Kernels.Mode.VECTOR));
        double fused = 0;
        double plain = 0;
        for (int k = 0; k < 6; k++) {
            AttentionProblem p = problem(4, 19, rnd);
            fused += sb.solve(p, k, 1, StopCondition.never()).bestEnergy();
            String old = System.getProperty(AttentionSystem.FUSED_PROPERTY);
            System.setProperty(AttentionSystem.FUSED_PROPERTY, "false");
            try {
                plain += sb.solve(p, k, 1, StopCondition.never()).bestEnergy();
            } finally {
                if (old == null) {
                    System.clearProperty(AttentionSystem.FUSED_PROPERTY);
                } else {
                    System.setProperty(AttentionSystem.FUSED_PROPERTY, old);
                }
            }
        }
        // same dynamics up to float summation order: the same local minima
        assertEquals(plain, fused, 1e-3 * Math.abs(plain));
    }

    /**
     * The dense matrices of dense-form heads are built in a fixed order, bit for bit: entry (i, j)
     * is one chain of fused multiply-adds from zero, over k of A_ik·(s·B_jk), then of B_ik·(s·A_jk)
     * (rows of one, two, three and four vector chunks; the pass over two chunks at once must keep
     * each chain).
     */
    @Test
    void denseMatricesKeepTheirSummationOrder() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable());
        Random rnd = new Random(41);
        int[][] shapes = {{16, 8}, {20, 16}, {40, 32}, {49, 32}, {7, 8}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int d = shape[1];
            AttentionProblem p = problem(2, n, d, rnd);
            VectorAttention engine = VectorAttention.create(p, 2);
            assertNotNull(engine);
            for (int t = 0; t < 2; t++) {
                dev.qama.core.model.LowRankCoupling c =
                        (dev.qama.core.model.LowRankCoupling) p.coupling(t);
                float[] fa = c.factorA();
                float[] fb = c.factorB();
                float sc = (float) c.scale();
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < n; i++) {
                        float acc = 0f;
                        for (int k = 0; k < d; k++) {
                            acc = Math.fma(fa[i * d + k], sc * fb[j * d + k], acc);
                        }
                        for (int k = 0; k < d; k++) {
                            acc = Math.fma(fb[i * d + k], sc * fa[j * d + k], acc);
                        }
                        float got = engine.denseEntry(t, i, j);
                        if (Float.isNaN(got)) {
                            continue; // factored at this vector width
                        }
                        assertEquals(
                                Float.floatToIntBits(acc),
                                Float.floatToIntBits(got),
                                "N=" + n + " d=" + d + " head " + t + " (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    /**
     * The dense heads' Σ_{i<j} C_ij² is, per head, one chain of double additions of the squared
     * off-diagonal entries, row by row, in each row over i < j and then i > j; computing four heads
     * at once must keep every chain (heads 1, 4, 5 and 9: groups of four and the rest).
     */
    @Test
    void denseSquaresKeepTheirSummationOrder() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable());
        Random rnd = new Random(43);
        for (int heads : new int[] {1, 4, 5, 9}) {
            AttentionProblem p = problem(heads, 16, 8, rnd);
            VectorAttention engine = VectorAttention.create(p, 2);
            assertNotNull(engine);
            double[] got = engine.upperSquares(p);
            for (int t = 0; t < heads; t++) {
                assertFalse(Float.isNaN(engine.denseEntry(t, 0, 0)), "N = 16, d = 8 is dense");
                double acc = 0;
                for (int j = 0; j < 16; j++) {
                    for (int i = 0; i < 16; i++) {
                        if (i != j) {
                            double m = engine.denseEntry(t, i, j);
                            acc += m * m;
                        }
                    }
                }
                assertEquals(
                        Double.doubleToLongBits(0.5 * acc),
                        Double.doubleToLongBits(got[t]),
                        heads + " heads, head " + t);
            }
        }
    }

    /**
     * The engine's final read-out (signs of its amplitudes and the gradient there) equals, bit for
     * bit, storing the amplitudes, taking their signs and calling the system's gradient: zeros of
     * either sign read as −1, masked spins as −1 (factored and dense heads, a replica pair and a
     * single one).
     */
    @Test
    void signsAndGradientEqualStoreSignAndGradient() {
        for (int rank : new int[] {3, 16}) {
            Random rnd = new Random(60 + rank);
            AttentionProblem p = problem(3, 9, rank, rnd);
            int reps = 3;
            SpinSystem sys = SpinSystem.of(p, reps, Kernels.Mode.VECTOR);
            SbStepper stepper = sys.sbStepper();
            assertNotNull(stepper);
            int len = p.numVariables() * reps;
            float[] x = new float[len];
            float[] y = new float[len];
            for (int m = 0; m < len; m++) {
                boolean fixed = sys.isFixed(m / reps);
                int pick = rnd.nextInt(6);
                x[m] = fixed ? -1f : pick == 0 ? 0f : pick == 1 ? -0f : (float) rnd.nextGaussian();
                y[m] = fixed ? 0f : (float) rnd.nextGaussian();
            }
            stepper.load(x, y);
            float[] stored = new float[len];
            stepper.store(stored, new float[len]);
            float[] s = new float[len];
            Updates.sign(true, stored, s, len);
            float[] g = new float[len];
            sys.gradient(s, g);
            float[] s2 = new float[len];
            float[] g2 = new float[len];
            stepper.signsAndGradient(s2, g2);
            assertArrayEquals(s, s2, "signs, rank " + rank);
            assertArrayEquals(g, g2, "gradient, rank " + rank);
        }
    }

    /**
     * The field loop's own product of each chunk (rows of fewer than four vector chunks) gives the
     * same bits as the product computed into the workspace first: steps with and without read-out,
     * discrete and ballistic, and the gradient, on factored and dense heads, one, two and three
     * replicas.
     */
    @Test
    void productInTheFieldLoopKeepsItsBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable());
        int[][] shapes = {{9, 3}, {9, 16}, {16, 8}, {40, 3}, {49, 8}};
        for (int[] shape : shapes) {
            for (int reps = 1; reps <= 3; reps++) {
                Random rnd = new Random(70 + shape[0] + shape[1] + reps);
                AttentionProblem p = problem(3, shape[0], shape[1], rnd);
                VectorAttention base = VectorAttention.create(p, reps);
                assertNotNull(base);
                VectorAttention viaPg = base.withProductInline(false);
                VectorAttention inline = base.withProductInline(true);
                int n = p.numVariables();
                int len = n * reps;
                float[] x = new float[len];
                float[] y = new float[len];
                SpinSystem sys = SpinSystem.of(p, reps, Kernels.Mode.VECTOR);
                for (int m = 0; m < len; m++) {
                    boolean fixed = sys.isFixed(m / reps);
                    x[m] = fixed ? -1f : (float) (2.2 * rnd.nextDouble() - 1.1);
                    y[m] = fixed ? 0f : (float) (2 * rnd.nextDouble() - 1);
                }
                String what = "N=" + shape[0] + " d=" + shape[1] + " R=" + reps;
                float[] g1 = new float[len];
                float[] g2 = new float[len];
                viaPg.gradient(x, g1);
                inline.gradient(x, g2);
                assertArrayEquals(g1, g2, "gradient " + what);
                viaPg.load(x, y);
                inline.load(x, y);
                double[] e1 = new double[reps];
                double[] e2 = new double[reps];
                for (int step = 0; step < 6; step++) {
                    boolean discrete = step % 2 == 0;
                    boolean eval = step % 3 == 0;
                    viaPg.step(discrete, eval, 0.5f, 0.3f, 0.9f, 1f, e1);
                    inline.step(discrete, eval, 0.5f, 0.3f, 0.9f, 1f, e2);
                    assertArrayEquals(e1, e2, "energies " + what + " step " + step);
                }
                float[] x1 = new float[len];
                float[] y1 = new float[len];
                float[] x2 = new float[len];
                float[] y2 = new float[len];
                viaPg.store(x1, y1);
                inline.store(x2, y2);
                assertArrayEquals(x1, x2, "x " + what);
                assertArrayEquals(y1, y2, "y " + what);
            }
        }
    }

    /**
     * The loops specialised for constant strides (the projection of one-vector factor rows, the
     * four-chunk product kept in registers by the field) give the bits of the general loops:
     * gradients, steps with and without read-out, both variants, one to three replicas, factored
     * heads at N = 49, 64 (four chunks) and 33 (three), a dense head of four chunks (N = 49, d =
     * 32), with masked tokens and ranks whose rows fill the vector or not.
     */
    @Test
    void constantStrideLoopsKeepTheirBits() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable());
        int[][] shapes = {
            {49, 8}, {64, 8}, {33, 8}, {49, 3}, {61, 5}, {49, 32}, {16, 8}, {16, 2}, {9, 3}
        };
        boolean specialised = false;
        for (int[] shape : shapes) {
            for (int reps = 1; reps <= 3; reps++) {
                Random rnd = new Random(90 + shape[0] + shape[1] + reps);
                AttentionProblem p = maskedProblem(3, shape[0], shape[1], rnd);
                VectorAttention fast = VectorAttention.create(p, reps);
                assertNotNull(fast);
                VectorAttention general = fast.withGeneralLoops();
                assertFalse(general.usesConstantStrides());
                specialised |= fast.usesConstantStrides();
                int n = p.numVariables();
                int len = n * reps;
                float[] x = new float[len];
                float[] y = new float[len];
                SpinSystem sys = SpinSystem.of(p, reps, Kernels.Mode.VECTOR);
                for (int m = 0; m < len; m++) {
                    boolean fixed = sys.isFixed(m / reps);
                    x[m] = fixed ? -1f : (float) (2.2 * rnd.nextDouble() - 1.1);
                    y[m] = fixed ? 0f : (float) (2 * rnd.nextDouble() - 1);
                }
                String what = "N=" + shape[0] + " d=" + shape[1] + " R=" + reps;
                float[] g1 = new float[len];
                float[] g2 = new float[len];
                general.gradient(x, g1);
                fast.gradient(x, g2);
                assertArrayEquals(g1, g2, "gradient " + what);
                general.load(x, y);
                fast.load(x, y);
                double[] e1 = new double[reps];
                double[] e2 = new double[reps];
                for (int step = 0; step < 8; step++) {
                    boolean discrete = step % 2 == 1;
                    boolean eval = step % 3 == 0;
                    float damp = 0.9f - 0.1f * step;
                    general.step(discrete, eval, damp, 0.3f, 0.9f, 1f, e1);
                    fast.step(discrete, eval, damp, 0.3f, 0.9f, 1f, e2);
                    assertArrayEquals(e1, e2, "energies " + what + " step " + step);
                }
                float[] x1 = new float[len];
                float[] y1 = new float[len];
                float[] x2 = new float[len];
                float[] y2 = new float[len];
                general.store(x1, y1);
                fast.store(x2, y2);
                assertArrayEquals(x1, x2, "x " + what);
                assertArrayEquals(y1, y2, "y " + what);
                float[] s1 = new float[len];
                float[] s2 = new float[len];
                general.signsAndGradient(s1, g1);
                fast.signsAndGradient(s2, g2);
                assertArrayEquals(s1, s2, "signs " + what);
                assertArrayEquals(g1, g2, "gradient at the signs " + what);
            }
        }
        // on a machine whose vectors are not 16 floats wide the shapes may miss the loops
        org.junit.jupiter.api.Assumptions.assumeTrue(specialised);
    }

    /** As {@link #problem(int, int, int, Random)} with every seventh token masked. */
    private static AttentionProblem maskedProblem(int heads, int tokens, int rank, Random rnd) {
        AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, 1);
        for (int t = 0; t < heads; t++) {
            b.coupling(t, TestProblems.lowRank(tokens, rank, rnd));
            b.linear(t, TestProblems.gaussian(tokens, 1.0, rnd));
            b.diagonal(t, TestProblems.gaussian(tokens, 0.5, rnd));
        }
        boolean[] mask = new boolean[tokens];
        for (int i = 2; i < tokens; i += 7) {
            mask[i] = true;
        }
        return b.mask(mask).couplingWeight(0.8).linearWeight(1.3).penaltyWeight(0.7).build();
    }

    /**
     * The factored heads' Σ_{i<j} C_ij² comes from the Gram matrix of the token rows (A_i, B_i):
     * every entry one chain of fused multiply-adds over the tokens, the traces summed in double
     * over x, then y; the engine stores the rows as (B_i, A_i) and must index its Gram matrix so
     * that the same products are summed in the same order, bit for bit.
     */
    @Test
    void factoredSquaresKeepTheirSums() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable());
        int[][] shapes = {{21, 3}, {49, 8}, {40, 5}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int d = shape[1];
            Random rnd = new Random(90 + n + d);
            AttentionProblem p = problem(3, n, d, rnd);
            VectorAttention engine = VectorAttention.create(p, 2);
            assertNotNull(engine);
            assertTrue(Float.isNaN(engine.denseEntry(0, 0, 0)), "N=" + n + " d=" + d + " factored");
            double[] got = engine.upperSquares(p);
            for (int t = 0; t < 3; t++) {
                dev.qama.core.model.LowRankCoupling c =
                        (dev.qama.core.model.LowRankCoupling) p.coupling(t);
                float[] fa = c.factorA();
                float[] fb = c.factorB();
                float[][] gram = new float[2 * d][2 * d];
                for (int a = 0; a < 2 * d; a++) {
                    for (int b = 0; b < 2 * d; b++) {
                        float acc = 0f;
                        for (int i = 0; i < n; i++) {
                            float fiA = a < d ? fa[i * d + a] : fb[i * d + a - d];
                            float fiB = b < d ? fa[i * d + b] : fb[i * d + b - d];
                            acc = Math.fma(fiB, fiA, acc);
                        }
                        gram[a][b] = acc;
                    }
                }
                double t1 = 0;
                double t2 = 0;
                for (int x = 0; x < d; x++) {
                    for (int y = 0; y < d; y++) {
                        t1 += (double) gram[d + x][y] * gram[d + y][x];
                        t2 += (double) gram[x][y] * gram[d + y][d + x];
                    }
                }
                assertEquals(
                        Double.doubleToLongBits(c.sumSquaresUpperFromTraces(t1, t2)),
                        Double.doubleToLongBits(got[t]),
                        "N=" + n + " d=" + d + " head " + t);
            }
        }
    }
}
