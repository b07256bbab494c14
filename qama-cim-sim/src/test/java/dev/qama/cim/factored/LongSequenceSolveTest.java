package dev.qama.cim.factored;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.formulation.AttentionGradient;
import dev.qama.core.formulation.AttentionInputs;
import dev.qama.core.formulation.PaperV2Formulation;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BackendOptions;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14: the simulated-bifurcation and annealing backends solve factored paper-v2 problems whose
 * H·N² exceeds one Java array (H = 8, N = 16 385 and 32 768, d = 2) in linear memory, and the
 * closed-form gradient is taken at their answer. Few steps or sweeps: the test checks that the
 * whole factored chain works at this size, not the solution quality.
 */
class LongSequenceSolveTest {
    private static final int H = 8;
    private static final int D = 2;

    @ParameterizedTest(name = "{0} {1}, N = {2}")
    @CsvSource({
        "sb, steps=20, 16385",
        "sb, steps=20, 32768",
        "sa, sweeps=2, 16385",
        "sa, sweeps=2, 32768"
    })
    void factoredProblemsBeyondTheDenseLimitAreSolvedAndDifferentiated(
            String name, String option, int n) {
        assertTrue((long) H * n * n > Integer.MAX_VALUE, "H·N² must exceed one Java array");
        Random rnd = new Random(n);
        int size = H * n * D;
        float[][] qkv = new float[3][size];
        for (float[] a : qkv) {
            for (int i = 0; i < size; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
        }
        boolean[] mask = new boolean[n];
        mask[n - 1] = true; // one padding token
        AttentionInputs in = new AttentionInputs(1, H, n, D, qkv[0], qkv[1], qkv[2], mask);
        PaperV2Formulation f =
                PaperV2Formulation.builder().valueImportance(new float[] {1f, -0.5f}).build();
        AttentionProblem p = f.build(in, 0);
        assertInstanceOf(LowRankCoupling.class, p.coupling(0));

        String[] kv = option.split("=");
        BackendOptions opts = BackendOptions.of(Map.of(kv[0], kv[1], "threads", "1"));
        try (AnnealerBackend backend = Annealers.create(name, opts)) {
            BatchResult r = backend.solve(SolveRequest.builder(List.of(p)).seed(3).build());
            SolveResult s = r.get(0);
            byte[] x = s.best();
            p.checkState(x); // length H·N, 0/1, the padding token never selected
            double e = p.energy(x);
            assertEquals(e, s.bestEnergy(), 1e-5 * Math.max(1, Math.abs(e)), "reported energy");
            assertTrue(e < 0, name + " lowers the energy below that of x = 0, got " + e);

            AttentionGradient g = f.gradient(in, 0, x);
            assertEquals(e, g.energy(), 1e-5 * Math.abs(e), "gradient energy vs problem energy");
            for (double[] a : new double[][] {g.dQ(), g.dK(), g.dV()}) {
                assertEquals(size, a.length);
                for (double v : a) {
                    assertTrue(Double.isFinite(v));
                }
            }
        }
    }
}
