package dev.qama.core.formulation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PaperV2FormulationTest {

    private static float[] importance(int d, long seed) {
        return Fixtures.gaussian(new Random(seed), d, 1.0);
    }

    @Test
    void defaultsAreThePapers() {
        PaperV2Formulation f = PaperV2Formulation.builder().valueImportance(new float[2]).build();
        assertEquals("paper-v2", f.name());
        assertEquals(1, f.bits());
        assertEquals(1.0, f.couplingScale());
        assertEquals(0.16, f.linearScale());
        assertEquals(0.8, f.penaltyScale());
        assertEquals(CouplingForm.AUTO, f.couplingForm());

        // the paper's ViT: H = 8 heads, N = 49 tokens
        AttentionInputs in = Fixtures.inputs(5, 1, 8, 49, 2, 0);
        AttentionProblem p = f.build(in, 0);
        assertEquals(1.0, p.couplingWeight());
        assertEquals(0.16 * 49, p.linearWeight(), 1e-12);
        assertEquals(0.8 * Math.sqrt(2 / Math.PI) * 49 / 7, p.penaltyWeight(), 1e-12);
        assertEquals(4.46815, p.penaltyWeight(), 1e-5);
        assertEquals(1, p.bits());
        assertEquals(8 * 49, p.numVariables());
    }

    /**
     * Trailing padding (masked tokens) changes neither the weights b = c_l·N and ρ, which count the
     * unmasked tokens, nor any state's energy, nor the gradient's energy.
     */
    @Test
    void paddingChangesNeitherWeightsNorEnergies() {
        int heads = 3;
        int real = 4;
        int padded = 7;
        int d = 2;
        PaperV2Formulation f =
                PaperV2Formulation.builder().valueImportance(importance(d, 3)).build();
        AttentionInputs wide = Fixtures.inputs(9, 1, heads, padded, d, 0);
        boolean[] mask = new boolean[padded];
        for (int i = real; i < padded; i++) {
            mask[i] = true;
        }
        AttentionInputs pad =
                new AttentionInputs(1, heads, padded, d, wide.q(), wide.k(), wide.v(), mask);
        float[][] cut = new float[3][heads * real * d];
        float[][] from = {wide.q(), wide.k(), wide.v()};
        for (int a = 0; a < 3; a++) {
            for (int t = 0; t < heads; t++) {
                System.arraycopy(from[a], wide.headOffset(0, t), cut[a], t * real * d, real * d);
            }
        }
        AttentionInputs alone =
                new AttentionInputs(1, heads, real, d, cut[0], cut[1], cut[2], null);
        assertEquals(real, pad.activeTokens(0));
        assertEquals(real, alone.activeTokens(0));
        AttentionProblem pp = f.build(pad, 0);
        AttentionProblem pa = f.build(alone, 0);
        assertEquals(0.16 * real, pp.linearWeight(), 1e-12);
        assertEquals(pa.linearWeight(), pp.linearWeight(), 1e-12);
        assertEquals(pa.penaltyWeight(), pp.penaltyWeight(), 1e-12);
        for (int code = 0; code < 1 << (heads * real); code++) {
            byte[] x = new byte[heads * real];
            byte[] xp = new byte[heads * padded];
            for (int t = 0; t < heads; t++) {
                for (int i = 0; i < real; i++) {
                    byte bit = (byte) ((code >> (t * real + i)) & 1);
                    x[t * real + i] = bit;
                    xp[t * padded + i] = bit;
                }
            }
            double e = pa.energy(x);
            assertEquals(e, pp.energy(xp), 1e-9 * Math.max(1, Math.abs(e)), "state " + code);
            if (code % 97 == 0) {
                assertEquals(
                        f.gradient(alone, 0, x).energy(),
                        f.gradient(pad, 0, xp).energy(),
                        1e-9 * Math.max(1, Math.abs(e)),
                        "gradient energy, state " + code);
            }
        }
    }

    @Test
    void singleHeadHasNoPenaltyAndNoNaN() {
        PaperV2Formulation f =
                PaperV2Formulation.builder().valueImportance(importance(3, 1)).build();
        AttentionInputs in = Fixtures.inputs(6, 1, 1, 6, 3, 0);
        AttentionProblem p = f.build(in, 0);
        assertEquals(0.0, p.penaltyWeight());
        assertEquals(0.0, f.penaltyWeight(1, 6));
        byte[] ones = new byte[6];
        java.util.Arrays.fill(ones, (byte) 1);
        assertTrue(Double.isFinite(p.energy(ones)));
        AttentionGradient g = f.gradient(in, 0, ones);
        for (double[] a : new double[][] {g.dQ(), g.dK(), g.dV(), g.dCoupling(), g.dLinear()}) {
            for (double v : a) {
                assertTrue(Double.isFinite(v));
            }
        }
    }

    @Test
    void linearTermsAreEachRowSumInOrderToTheLastBit() {
        // rows are summed four at a time: N = 1 … 9 (whole passes and a tail) against the plain
        // loop h_i = (float) (Σ_a (double) V_ia·e_a / d)
        for (int n = 1; n <= 9; n++) {
            int d = 3 + n % 4;
            float[] e = importance(d, n);
            PaperV2Formulation f = PaperV2Formulation.builder().valueImportance(e).build();
            AttentionInputs in = Fixtures.inputs(n, 2, 2, n, d, n % 2);
            for (int b = 0; b < 2; b++) {
                AttentionProblem p = f.build(in, b);
                for (int t = 0; t < 2; t++) {
                    int off = in.headOffset(b, t);
                    float[] want = new float[n];
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int a = 0; a < d; a++) {
                            s += (double) in.v()[off + i * d + a] * e[a];
                        }
                        want[i] = (float) (s / d);
                    }
                    assertArrayEquals(want, p.linear(t));
                }
            }
        }
    }

    @Test
    void termsMatchTheirDefinitions() {
        int heads = 2;
        int n = 5;
        int d = 3;
        float[] e = importance(d, 2);
        PaperV2Formulation f =
                PaperV2Formulation.builder()
                        .valueImportance(e)
                        .couplingForm(CouplingForm.DENSE)
                        .couplingScale(1.3)
                        .linearScale(0.2)
                        .penaltyScale(0.5)
                        .build();
        AttentionInputs in = Fixtures.inputs(7, 2, heads, n, d, 0);
        int b = 1;
        AttentionProblem p = f.build(in, b);
        Random rnd = new Random(3);
        for (int t = 0; t < heads; t++) {
            int off = in.headOffset(b, t);
            for (int i = 0; i < n; i++) {
                double hi = 0;
                for (int a = 0; a < d; a++) {
                    hi += in.v()[off + i * d + a] * e[a];
                }
                assertEquals(hi / d, p.linear(t)[i], 1e-6);
                for (int j = 0; j < n; j++) {
                    double sij = 0;
                    double sji = 0;
                    for (int a = 0; a < d; a++) {
                        sij += in.q()[off + i * d + a] * in.k()[off + j * d + a];
                        sji += in.q()[off + j * d + a] * in.k()[off + i * d + a];
                    }
                    double expected = i == j ? 0 : (sij + sji) / (2 * Math.sqrt(d));
                    assertEquals(expected, p.coupling(t).get(i, j), 1e-6);
                }
            }
        }
        // the energy, written out from the paper's formula
        for (int rep = 0; rep < 5; rep++) {
            byte[] x = Fixtures.state(rnd, in, b, 1, 0.6);
            double quad = 0;
            double lin = 0;
            double pairs = 0;
            for (int t = 0; t < heads; t++) {
                for (int i = 0; i < n; i++) {
                    lin += p.linear(t)[i] * x[t * n + i];
                    for (int j = 0; j < n; j++) {
                        quad += p.coupling(t).get(i, j) * x[t * n + i] * x[t * n + j];
                    }
                    for (int t2 = t + 1; t2 < heads; t2++) {
                        pairs += x[t * n + i] * x[t2 * n + i];
                    }
                }
            }
            double rho = 0.5 * Math.sqrt(2 / Math.PI) * n / (heads - 1);
            double expected = -1.3 * quad - 0.2 * n * lin + rho * pairs;
            assertEquals(expected, p.energy(x), 1e-9 * (1 + Math.abs(expected)));
            assertEquals(expected, f.gradient(in, b, x).energy(), 1e-5 * (1 + Math.abs(expected)));
        }
    }

    @Test
    void lowRankAndDenseGiveTheSameProblem() {
        int heads = 3;
        int n = 12;
        int d = 3;
        float[] e = importance(d, 4);
        AttentionInputs in = Fixtures.inputs(8, 2, heads, n, d, 1);
        PaperV2Formulation dense =
                PaperV2Formulation.builder()
                        .valueImportance(e)
                        .couplingForm(CouplingForm.DENSE)
                        .build();
        PaperV2Formulation lowRank =
                PaperV2Formulation.builder()
                        .valueImportance(e)
                        .couplingForm(CouplingForm.LOW_RANK)
                        .build();
        Random rnd = new Random(9);
        for (int b = 0; b < 2; b++) {
            AttentionProblem pd = dense.build(in, b);
            AttentionProblem pl = lowRank.build(in, b);
            assertInstanceOf(DenseCoupling.class, pd.coupling(0));
            assertInstanceOf(LowRankCoupling.class, pl.coupling(0));
            for (int i = 0; i < n; i++) {
                assertEquals(in.isMasked(b, i), pd.isMasked(i));
                assertEquals(in.isMasked(b, i), pl.isMasked(i));
                for (int t = 0; t < heads; t++) {
                    assertEquals(in.isMasked(b, i), !pl.isFree(pl.index(t, i, 0)));
                }
            }
            for (int rep = 0; rep < 20; rep++) {
                byte[] x = Fixtures.state(rnd, in, b, 1, rnd.nextDouble());
                double ed = pd.energy(x);
                double el = pl.energy(x);
                assertEquals(ed, el, 1e-5 * (1 + Math.abs(ed)), "state " + rep);
                // per-token energies sum to the energy minus the penalty
                double sum = 0;
                for (double v : pl.tokenEnergies(x)) {
                    sum += v;
                }
                assertEquals(
                        el - pl.penaltyWeight() * pl.penaltyPairs(x),
                        sum,
                        1e-5 * (1 + Math.abs(el)));
            }
        }
    }

    @Test
    void autoPicksByMeasuredCrossover() {
        assertEquals(CouplingForm.LOW_RANK, CouplingForm.AUTO.resolve(49, 8));
        assertEquals(CouplingForm.LOW_RANK, CouplingForm.AUTO.resolve(16, 8));
        assertEquals(CouplingForm.LOW_RANK, CouplingForm.AUTO.resolve(16, 16));
        assertEquals(CouplingForm.DENSE, CouplingForm.AUTO.resolve(15, 16));
        assertEquals(CouplingForm.DENSE, CouplingForm.AUTO.resolve(4, 8));
        assertEquals(CouplingForm.DENSE, CouplingForm.DENSE.resolve(4096, 1));
        assertEquals(CouplingForm.LOW_RANK, CouplingForm.LOW_RANK.resolve(2, 64));
        PaperV2Formulation f = PaperV2Formulation.builder().valueImportance(new float[2]).build();
        assertInstanceOf(
                LowRankCoupling.class, f.build(Fixtures.inputs(1, 1, 1, 9, 2, 0), 0).coupling(0));
        assertInstanceOf(
                LowRankCoupling.class, f.build(Fixtures.inputs(1, 1, 1, 2, 2, 0), 0).coupling(0));
        PaperV2Formulation wide =
                PaperV2Formulation.builder().valueImportance(new float[4]).build();
        assertInstanceOf(
                DenseCoupling.class, wide.build(Fixtures.inputs(1, 1, 1, 3, 4, 0), 0).coupling(0));
    }

    @Test
    void couplingFormsParseFromTheirOptionNames() {
        for (CouplingForm f : CouplingForm.values()) {
            assertEquals(f, CouplingForm.parse(f.optionName()));
        }
        assertEquals("low-rank", CouplingForm.LOW_RANK.optionName());
        assertEquals(CouplingForm.LOW_RANK, CouplingForm.parse("LOW_RANK"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CouplingForm.parse("sparse"));
        assertEquals("coupling form 'sparse' is not one of auto, dense, low-rank", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CouplingForm.parse(null));
    }

    @Test
    void buildAllBuildsEveryBatchElement() {
        PaperV2Formulation f =
                PaperV2Formulation.builder().valueImportance(importance(2, 5)).build();
        AttentionInputs in = Fixtures.inputs(9, 3, 2, 4, 2, 1);
        List<AttentionProblem> all = f.buildAll(in);
        assertEquals(3, all.size());
        Random rnd = new Random(2);
        for (int b = 0; b < 3; b++) {
            byte[] x = Fixtures.state(rnd, in, b, 1, 0.7);
            assertEquals(f.build(in, b).energy(x), all.get(b).energy(x));
        }
    }

    @Test
    void unselectedTokensGetNoGradient() {
        float[] e = importance(3, 6);
        PaperV2Formulation f = PaperV2Formulation.builder().valueImportance(e).build();
        AttentionInputs in = Fixtures.inputs(10, 1, 2, 6, 3, 0);
        byte[] x = new byte[12];
        x[1] = 1;
        x[4] = 1; // head 0 selects tokens 1 and 4 only
        AttentionGradient g = f.gradient(in, 0, x);
        for (int i = 0; i < 6; i++) {
            boolean selected = i == 1 || i == 4;
            for (int a = 0; a < 3; a++) {
                assertEquals(selected, g.dQ()[i * 3 + a] != 0, "dQ token " + i);
                assertEquals(selected, g.dV()[i * 3 + a] != 0, "dV token " + i);
                assertEquals(0.0, g.dQ()[(6 + i) * 3 + a], "head 1 selects nothing");
            }
        }
        assertEquals(-1.0, g.dCoupling()[1 * 6 + 4]);
        assertEquals(-1.0, g.dCoupling()[4 * 6 + 1]);
        assertEquals(0.0, g.dCoupling()[1 * 6 + 1]);
        assertEquals(-0.16 * 6, g.dLinear()[1], 1e-12);
        assertFalse(g.dLinear()[0] != 0);
    }
}
