package dev.qama.core.formulation;

import static dev.qama.core.formulation.Fixtures.assertClose;
import static dev.qama.core.formulation.Fixtures.finiteDifferences;
import static dev.qama.core.formulation.Fixtures.objective;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.DenseCoupling;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every closed-form gradient against central finite differences of the rebuilt problem's energy at
 * the same fixed state.
 */
class GradientTest {
    private static final String[] TENSOR = {"dQ", "dK", "dV"};

    static Stream<Arguments> cases() {
        float[] e4 = {0.7f, -1.2f, 0.4f, 2.0f};
        float[] e3 = {1.5f, -0.3f, 0.9f};
        Stream.Builder<Arguments> s = Stream.builder();
        for (CouplingForm form : new CouplingForm[] {CouplingForm.DENSE, CouplingForm.LOW_RANK}) {
            PaperV2Formulation v2x4 =
                    PaperV2Formulation.builder().valueImportance(e4).couplingForm(form).build();
            PaperV2Formulation v2x3 =
                    PaperV2Formulation.builder()
                            .valueImportance(e3)
                            .couplingForm(form)
                            .couplingScale(1.7)
                            .linearScale(0.3)
                            .build();
            // name, formulation, seed, B, H, N, d, mask kind, step
            s.add(Arguments.of("v2 H=1 " + form, v2x4, 11L, 1, 1, 5, 4, 0, 0.05));
            s.add(Arguments.of("v2 H=3 masked " + form, v2x3, 12L, 2, 3, 6, 3, 1, 0.05));
            s.add(Arguments.of("v2 H=2 all masked " + form, v2x4, 13L, 1, 2, 4, 4, 2, 0.05));
            PaperV2Formulation v2q2 =
                    PaperV2Formulation.builder()
                            .valueImportance(e3)
                            .couplingForm(form)
                            .bits(2)
                            .build();
            s.add(Arguments.of("v2 q=2 H=2 masked " + form, v2q2, 14L, 2, 2, 5, 3, 1, 0.05));
        }
        for (V1CouplingMode mode : V1CouplingMode.values()) {
            for (int q : new int[] {1, 4}) {
                PaperV1Formulation plain =
                        PaperV1Formulation.builder().bits(q).couplingMode(mode).build();
                PaperV1Formulation longRange =
                        PaperV1Formulation.builder()
                                .bits(q)
                                .couplingMode(mode)
                                .couplingScale(0.8)
                                .linearScale(1.3)
                                .multiHeadPenalty(3)
                                .longRangeWeight(0.7)
                                .build();
                String tag = " q=" + q + " " + mode;
                s.add(Arguments.of("v1 H=1" + tag, plain, 21L + q, 1, 1, 5, 4, 0, 1e-2));
                s.add(Arguments.of("v1 H=3 masked" + tag, plain, 22L + q, 2, 3, 5, 3, 1, 1e-2));
                s.add(Arguments.of("v1 H=2 γ" + tag, longRange, 23L + q, 1, 2, 6, 4, 1, 1e-2));
            }
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(
            String name,
            Formulation f,
            long seed,
            int batch,
            int heads,
            int tokens,
            int dim,
            int maskKind,
            double step) {
        AttentionInputs in = Fixtures.inputs(seed, batch, heads, tokens, dim, maskKind);
        Random rnd = new Random(seed * 31 + 7);
        int b = batch - 1;
        if (maskKind == 1) {
            int masked = 0;
            for (int i = 0; i < tokens; i++) {
                masked += in.isMasked(b, i) ? 1 : 0;
            }
            assertTrue(masked > 0 && masked < tokens, name + ": the fixture masks some tokens");
        }
        for (int rep = 0; rep < 3; rep++) {
            byte[] x = Fixtures.state(rnd, in, b, f.bits(), rep == 1 ? 1.0 : 0.5);
            // rep 2: token weights g, the vector-Jacobian product of the per-token energies
            double[] g = rep == 2 ? Fixtures.gaussianDouble(rnd, heads * tokens) : null;
            String label = name + (g == null ? "" : " weighted");
            AttentionProblem problem = f.build(in, b);
            AttentionGradient grad = f.gradient(in, b, x, g);
            double e = Fixtures.objective(problem, x, g);
            assertEquals(e, grad.energy(), 1e-5 * (1 + Math.abs(e)), label + ": energy");

            double[][] analytic = {grad.dQ(), grad.dK(), grad.dV()};
            double scale = 0;
            for (int which = 0; which < 3; which++) {
                double[] fd = finiteDifferences(f, in, b, x, g, which, step);
                assertClose(analytic[which], fd, 2e-3, 2e-5, label + " " + TENSOR[which]);
                scale = Math.max(scale, Fixtures.maxAbs(analytic[which]));
            }
            if (maskKind != 2) {
                // the test can fail: the gradient is not trivially zero
                assertTrue(scale > 1e-3, label + ": gradient is unexpectedly zero");
            }
            checkCouplingAndLinear(label, f, problem, x, g, grad);
            checkMaskedTokens(label, in, b, grad);
            if (f instanceof PaperV2Formulation v2) {
                checkValueImportance(label, v2, in, b, x, g, grad, step);
            } else {
                assertNull(grad.dValueImportance(), label);
            }
        }
    }

    /** ∂E/∂J and ∂E/∂h by perturbing the problem's own coupling, diagonal and linear terms. */
    private static void checkCouplingAndLinear(
            String name,
            Formulation f,
            AttentionProblem p,
            byte[] x,
            double[] tw,
            AttentionGradient g) {
        int n = p.tokens();
        double[] dj = new double[p.heads() * n * n];
        double[] dh = new double[p.heads() * n];
        double s = 0.01;
        for (int t = 0; t < p.heads(); t++) {
            float[] c = p.coupling(t).toDenseArray(n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int at = (t * n + i) * n + j;
                    if (i == j) {
                        if (f instanceof PaperV1Formulation) {
                            // raw J_ii is the problem's diagonal D_i
                            float[] d = p.diagonal(t);
                            float up = (float) (d[i] + s);
                            float down = (float) (d[i] - s);
                            dj[at] =
                                    (objective(withDiagonal(p, t, i, up), x, tw)
                                                    - objective(withDiagonal(p, t, i, down), x, tw))
                                            / ((double) up - down);
                        }
                        // v2: S_ii does not enter C (zero diagonal), ∂E/∂S_ii = 0
                        continue;
                    }
                    // raw J_ij (or S_ij) enters C_ij = C_ji with weight ½
                    float up = (float) (c[i * n + j] + s);
                    float down = (float) (c[i * n + j] - s);
                    dj[at] =
                            (objective(withCoupling(p, t, c, i, j, up), x, tw)
                                            - objective(withCoupling(p, t, c, i, j, down), x, tw))
                                    / (2 * ((double) up - down));
                }
                float[] h = p.linear(t);
                float up = (float) (h[i] + s);
                float down = (float) (h[i] - s);
                dh[t * n + i] =
                        (objective(withLinear(p, t, i, up), x, tw)
                                        - objective(withLinear(p, t, i, down), x, tw))
                                / ((double) up - down);
            }
        }
        assertClose(g.dCoupling(), dj, 1e-3, 1e-5, name + " dCoupling");
        assertClose(g.dLinear(), dh, 1e-3, 1e-5, name + " dLinear");
    }

    private static AttentionProblem withCoupling(
            AttentionProblem p, int t, float[] c, int i, int j, float value) {
        int n = p.tokens();
        float[] m = c.clone();
        m[i * n + j] = value;
        m[j * n + i] = value;
        return Fixtures.copy(p).coupling(t, DenseCoupling.ofSymmetric(n, m)).build();
    }

    private static AttentionProblem withDiagonal(AttentionProblem p, int t, int i, float value) {
        float[] d = p.diagonal(t).clone();
        d[i] = value;
        return Fixtures.copy(p).diagonal(t, d).build();
    }

    private static AttentionProblem withLinear(AttentionProblem p, int t, int i, float value) {
        float[] h = p.linear(t).clone();
        h[i] = value;
        return Fixtures.copy(p).linear(t, h).build();
    }

    private static void checkValueImportance(
            String name,
            PaperV2Formulation f,
            AttentionInputs in,
            int b,
            byte[] x,
            double[] tw,
            AttentionGradient g,
            double step) {
        float[] e = f.valueImportance();
        double[] fd = new double[e.length];
        for (int a = 0; a < e.length; a++) {
            float[] eu = e.clone();
            float[] ed = e.clone();
            eu[a] = (float) (e[a] + step);
            ed[a] = (float) (e[a] - step);
            double up = objective(rebuild(f, eu).build(in, b), x, tw);
            double down = objective(rebuild(f, ed).build(in, b), x, tw);
            fd[a] = (up - down) / ((double) eu[a] - ed[a]);
        }
        assertNotNull(g.dValueImportance(), name);
        assertClose(g.dValueImportance(), fd, 2e-3, 2e-5, name + " dValueImportance");
    }

    private static PaperV2Formulation rebuild(PaperV2Formulation f, float[] e) {
        return f.toBuilder().valueImportance(e).build();
    }

    private static void checkMaskedTokens(
            String name, AttentionInputs in, int b, AttentionGradient g) {
        int n = in.tokens();
        int d = in.dim();
        for (int t = 0; t < in.heads(); t++) {
            for (int i = 0; i < n; i++) {
                if (!in.isMasked(b, i)) {
                    continue;
                }
                for (int a = 0; a < d; a++) {
                    int at = (t * n + i) * d + a;
                    assertEquals(0.0, g.dQ()[at], name + ": dQ of masked token " + i);
                    assertEquals(0.0, g.dK()[at], name + ": dK of masked token " + i);
                    assertEquals(0.0, g.dV()[at], name + ": dV of masked token " + i);
                }
                assertEquals(0.0, g.dLinear()[t * n + i], name + ": dLinear of masked " + i);
                for (int j = 0; j < n; j++) {
                    assertEquals(0.0, g.dCoupling()[(t * n + i) * n + j], name + ": dJ row " + i);
                    assertEquals(0.0, g.dCoupling()[(t * n + j) * n + i], name + ": dJ col " + i);
                }
            }
        }
    }
}
