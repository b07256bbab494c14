package dev.qama.core.formulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Validation of inputs, coefficients and states: each bad value gets a message naming it. */
class AttentionInputsTest {
    private static final int B = 2;
    private static final int H = 3;
    private static final int N = 4;
    private static final int D = 5;
    private static final int SIZE = B * H * N * D;

    private static float[] filled(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.01f * i;
        }
        return x;
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(
                    e.getMessage().contains(p),
                    "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void layoutAndMask() {
        boolean[] mask = new boolean[B * N];
        mask[N + 2] = true;
        AttentionInputs in =
                new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), filled(SIZE), mask);
        assertEquals(((1 * H + 2) * N) * D, in.headOffset(1, 2));
        assertTrue(in.isMasked(1, 2));
        assertFalse(in.isMasked(0, 2));
        assertArrayEquals(new boolean[] {false, false, true, false}, in.maskOf(1));
        AttentionInputs none =
                new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), filled(SIZE), null);
        assertArrayEquals(new boolean[N], none.maskOf(0));
        assertMessage(() -> none.maskOf(2), "batch index 2");
    }

    @Test
    void nonFiniteEntryIsNamedWithItsIndex() {
        float[] k = filled(SIZE);
        int b = 1;
        int h = 0;
        int n = 2;
        int a = 3;
        k[((b * H + h) * N + n) * D + a] = Float.NaN;
        assertMessage(
                () -> new AttentionInputs(B, H, N, D, filled(SIZE), k, filled(SIZE), null),
                "K[b=1, h=0, n=2, a=3]",
                "NaN");
        float[] v = filled(SIZE);
        v[SIZE - 1] = Float.NEGATIVE_INFINITY;
        assertMessage(
                () -> new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), v, null),
                "V[b=1, h=2, n=3, a=4]",
                "Infinity");
        float[] q = filled(SIZE);
        q[0] = Float.POSITIVE_INFINITY;
        assertMessage(
                () -> new AttentionInputs(B, H, N, D, q, filled(SIZE), filled(SIZE), null),
                "Q[b=0, h=0, n=0, a=0]");
    }

    @Test
    void scanOfSumsFindsEveryNonFiniteEntryAndOnlyThose() {
        // the scan sums sixteen entries a pass into eight sums: finite entries whose sums
        // overflow are still finite inputs, and opposite infinities in one sum (NaN) are found
        float[] big = new float[SIZE];
        java.util.Arrays.fill(big, Float.MAX_VALUE);
        big[3] = -Float.MAX_VALUE;
        AttentionInputs ok = new AttentionInputs(B, H, N, D, big, big, big, null);
        assertEquals(B, ok.batch());
        float[] k = filled(SIZE);
        k[17] = Float.POSITIVE_INFINITY;
        k[17 + 8] = Float.NEGATIVE_INFINITY; // the same one of the eight sums
        assertMessage(
                () -> new AttentionInputs(B, H, N, D, filled(SIZE), k, filled(SIZE), null),
                "K[b=0, h=0, n=3, a=2]",
                "Infinity");
        for (int p = 0; p < SIZE; p++) { // every position: the 16-entry passes and the tail
            float[] v = filled(SIZE);
            v[p] = Float.NaN;
            int at = p;
            assertMessage(
                    () -> new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), v, null),
                    "V[b="
                            + at / (H * N * D)
                            + ", h="
                            + at / (N * D) % H
                            + ", n="
                            + at / D % N
                            + ", a="
                            + at % D
                            + "]",
                    "NaN");
        }
    }

    @Test
    void wrongLengthsAndSizes() {
        assertMessage(
                () ->
                        new AttentionInputs(
                                B, H, N, D, filled(SIZE - 1), filled(SIZE), filled(SIZE), null),
                "Q has length " + (SIZE - 1),
                String.valueOf(SIZE));
        assertMessage(
                () ->
                        new AttentionInputs(
                                B, H, N, D, filled(SIZE), filled(SIZE + 1), filled(SIZE), null),
                "K has length");
        assertMessage(
                () -> new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), null, null),
                "V is null");
        assertMessage(
                () ->
                        new AttentionInputs(
                                -1, H, N, D, new float[0], new float[0], new float[0], null),
                "batch size B",
                "-1");
        assertMessage(
                () ->
                        new AttentionInputs(
                                B, -2, N, D, new float[0], new float[0], new float[0], null),
                "head count H",
                "-2");
        assertMessage(
                () ->
                        new AttentionInputs(
                                B, H, -3, D, new float[0], new float[0], new float[0], null),
                "token count N");
        assertMessage(
                () ->
                        new AttentionInputs(
                                B, H, N, -4, new float[0], new float[0], new float[0], null),
                "per-head width d");
        assertMessage(
                () ->
                        new AttentionInputs(
                                B,
                                H,
                                N,
                                D,
                                filled(SIZE),
                                filled(SIZE),
                                filled(SIZE),
                                new boolean[N]),
                "mask has length " + N,
                "B·N = " + B * N);
        assertMessage(
                () ->
                        new AttentionInputs(
                                1 << 10,
                                1 << 10,
                                1 << 10,
                                4,
                                new float[0],
                                new float[0],
                                new float[0],
                                null),
                "does not fit");
    }

    @Test
    void emptyBatchBuildsNothing() {
        AttentionInputs in =
                new AttentionInputs(0, H, N, D, new float[0], new float[0], new float[0], null);
        assertTrue(PaperV1Formulation.builder().build().buildAll(in).isEmpty());
        assertMessage(() -> PaperV1Formulation.builder().build().build(in, 0), "batch index 0");
    }

    @Test
    void formulationsRefuseUnbuildableInputs() {
        PaperV2Formulation v2 = PaperV2Formulation.builder().valueImportance(new float[D]).build();
        AttentionInputs in =
                new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), filled(SIZE), null);
        assertMessage(() -> v2.build(in, 2), "batch index 2", "[0, 2)");
        assertMessage(() -> v2.build(in, -1), "batch index -1");
        AttentionInputs noHeads =
                new AttentionInputs(B, 0, N, D, new float[0], new float[0], new float[0], null);
        assertMessage(() -> v2.build(noHeads, 0), "at least one head", "H = 0");
        AttentionInputs noWidth =
                new AttentionInputs(B, H, N, 0, new float[0], new float[0], new float[0], null);
        assertMessage(
                () -> PaperV1Formulation.builder().build().build(noWidth, 0), "d >= 1", "d = 0");
    }

    @Test
    void valueImportanceIsRequiredAndChecked() {
        AttentionInputs in =
                new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), filled(SIZE), null);
        assertMessage(() -> PaperV2Formulation.builder().build(), "value importance");
        PaperV2Formulation wrong =
                PaperV2Formulation.builder().valueImportance(new float[D - 2]).build();
        assertMessage(
                () -> wrong.build(in, 0), "value importance e has length " + (D - 2), "d = " + D);
        assertMessage(() -> wrong.gradient(in, 0, new byte[H * N]), "value importance e");
        assertMessage(
                () -> PaperV2Formulation.builder().valueImportance(new float[] {1, Float.NaN}),
                "value importance e[1]");
        assertMessage(() -> PaperV2Formulation.builder().valueImportance(null), "is null");
    }

    @Test
    void badCoefficients() {
        assertMessage(
                () -> PaperV2Formulation.builder().couplingScale(Double.NaN), "coupling scale c_q");
        assertMessage(() -> PaperV2Formulation.builder().linearScale(1 / 0.0), "linear scale c_l");
        assertMessage(() -> PaperV2Formulation.builder().penaltyScale(-1), "penalty scale c_p");
        assertMessage(() -> PaperV2Formulation.builder().couplingForm(null), "coupling form");
        assertMessage(() -> PaperV1Formulation.builder().bits(0), "bits q", "0");
        assertMessage(() -> PaperV1Formulation.builder().bits(17), "17");
        assertMessage(() -> PaperV1Formulation.builder().multiHeadPenalty(-2), "λ_MH");
        assertMessage(() -> PaperV1Formulation.builder().longRangeWeight(-0.5), "long-range");
        assertMessage(
                () -> PaperV1Formulation.builder().longRangeWeight(0.5).couplingScale(0).build(),
                "γ = 0.5",
                "c_J = 0.0");
        assertMessage(() -> PaperV1Formulation.builder().couplingMode(null), "coupling mode");
    }

    @Test
    void badStates() {
        boolean[] mask = new boolean[B * N];
        mask[1] = true;
        AttentionInputs in =
                new AttentionInputs(B, H, N, D, filled(SIZE), filled(SIZE), filled(SIZE), mask);
        PaperV1Formulation v1 = PaperV1Formulation.builder().bits(2).build();
        assertMessage(() -> v1.gradient(in, 0, new byte[H * N]), "length " + H * N, "q=2");
        byte[] x = new byte[H * N * 2];
        x[2 * 2 + 1] = 1; // head 0, token 2, bit 1: fine
        v1.gradient(in, 0, x);
        x[1 * 2 + 1] = 1; // head 0, token 1 (masked), bit 1
        assertMessage(() -> v1.gradient(in, 0, x), "masked token 1", "bit 1");
        // token 1 is not masked in batch element 1
        v1.gradient(in, 1, x);
        byte[] y = new byte[H * N * 2];
        y[5] = 2;
        assertMessage(() -> v1.gradient(in, 0, y), "x[5] = 2");
        assertMessage(() -> v1.gradient(in, 0, null), "state x is null");
        // the problem refuses the same state
        assertMessage(() -> v1.build(in, 0).energy(x), "masked token 1");
        byte[] ok = new byte[H * N * 2];
        assertMessage(
                () -> v1.gradient(in, 0, ok, new double[H * N - 1]),
                "token weights have length " + (H * N - 1),
                "H·N = " + H * N);
        double[] nan = new double[H * N];
        nan[N + 2] = Double.NaN;
        assertMessage(
                () -> v1.gradient(in, 0, ok, nan), "token weight g[" + (N + 2) + "]", "head 1");
    }

    @Test
    void unitTokenWeightsGiveTheEnergyGradient() {
        AttentionInputs in = Fixtures.inputs(4, 1, 2, 5, 3, 1);
        byte[] x1 = Fixtures.state(new Random(2), in, 0, 1, 0.7);
        byte[] x3 = Fixtures.state(new Random(2), in, 0, 3, 0.7);
        double[] ones = new double[2 * 5];
        java.util.Arrays.fill(ones, 1.0);
        Formulation[] fs = {
            PaperV2Formulation.builder().valueImportance(new float[] {1, 2, 3}).build(),
            PaperV1Formulation.builder().bits(3).longRangeWeight(0.3).build()
        };
        for (Formulation f : fs) {
            byte[] x = f.bits() == 1 ? x1 : x3;
            AttentionGradient a = f.gradient(in, 0, x);
            AttentionGradient b = f.gradient(in, 0, x, ones);
            assertEquals(a.energy(), b.energy(), 1e-12);
            assertArrayEquals(a.dQ(), b.dQ(), 1e-12);
            assertArrayEquals(a.dK(), b.dK(), 1e-12);
            assertArrayEquals(a.dV(), b.dV(), 1e-12);
            assertArrayEquals(a.dCoupling(), b.dCoupling(), 1e-12);
            assertArrayEquals(a.dLinear(), b.dLinear(), 1e-12);
        }
    }

    @Test
    void randomStatesRespectMask() {
        AttentionInputs in = Fixtures.inputs(3, 2, 2, 7, 3, 1);
        byte[] x = Fixtures.state(new Random(1), in, 1, 1, 1.0);
        AttentionGradient g =
                PaperV2Formulation.builder()
                        .valueImportance(new float[3])
                        .build()
                        .gradient(in, 1, x);
        assertEquals(2, g.heads());
        assertEquals(7, g.tokens());
        assertEquals(3, g.dim());
    }
}
