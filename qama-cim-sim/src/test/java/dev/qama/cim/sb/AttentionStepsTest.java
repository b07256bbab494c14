package dev.qama.cim.sb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.cim.bench.PaperProblems;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.StopCondition;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The automatic step count of attention problems by token count ({@link SbConfig#stepsFor}). */
class AttentionStepsTest {

    private static final SbConfig AUTO = SbConfig.defaults(SimulatedBifurcation.Variant.AUTO);

    private static AttentionProblem problem(int tokens) {
        return PaperProblems.paperV2(1, 8, tokens, 8, 3).get(0);
    }

    @Test
    void fewTokensGetFewerSteps() {
        assertEquals(50, AUTO.stepsFor(problem(4)));
        assertEquals(50, AUTO.stepsFor(problem(16)));
        assertEquals(63, AUTO.stepsFor(problem(18)));
        assertEquals(75, AUTO.stepsFor(problem(20)));
        assertEquals(100, AUTO.stepsFor(problem(24)));
        assertEquals(100, AUTO.stepsFor(problem(32)));
        assertEquals(100, AUTO.stepsFor(problem(49)));
        assertEquals(100, AUTO.stepsFor(problem(128)));
        // an explicit count wins; binary quadratic models keep Goto's 1000
        assertEquals(100, AUTO.withSteps(100).stepsFor(problem(16)));
        Random rnd = new Random(1);
        assertEquals(
                SbConfig.DEFAULT_STEPS,
                AUTO.stepsFor(
                        TestProblems.model(Vartype.SPIN, TestProblems.dense(8, rnd), 1, rnd)));
    }

    @Test
    void maskedTokensDoNotCount() {
        int tokens = 49;
        int d = 2;
        Random rnd = new Random(2);
        AttentionProblem.Builder b = AttentionProblem.builder(2, tokens, 1);
        for (int t = 0; t < 2; t++) {
            float[] q = TestProblems.gaussian(tokens * d, 1.0, rnd);
            float[] k = TestProblems.gaussian(tokens * d, 1.0, rnd);
            b.coupling(t, LowRankCoupling.of(tokens, d, q, k, 0.5));
            b.linear(t, TestProblems.gaussian(tokens, 1.0, rnd));
        }
        boolean[] mask = new boolean[tokens];
        for (int i = 20; i < tokens; i++) {
            mask[i] = true; // 20 unmasked tokens: 75 steps
        }
        AttentionProblem p = b.mask(mask).penaltyWeight(1).build();
        assertEquals(75, AUTO.stepsFor(p));
    }

    /**
     * The digits model's shape (N = 16, H = 8, d = 8) at the automatic 50 steps stays close to the
     * best of long runs: mean gap over 16 seeded problems below 1.5 % (the CLI's 128 problems per
     * seed measured 0.80–0.86 %; docs/benchmarks.md "Issue 15, fourth pass").
     */
    @Test
    void fiftyStepsKeepTheQualityOfSmallProblems() {
        List<AttentionProblem> ps = PaperProblems.paperV2(16, 8, 16, 8, 11);
        SimulatedBifurcation auto = new SimulatedBifurcation(AUTO);
        SimulatedBifurcation reference =
                new SimulatedBifurcation(AUTO.withSteps(500).withReplicas(4));
        double gap = 0;
        for (int k = 0; k < ps.size(); k++) {
            AttentionProblem p = ps.get(k);
            double e = auto.solve(p, k, 1, StopCondition.never()).bestEnergy();
            double ref = reference.solve(p, k, 1, StopCondition.never()).bestEnergy();
            ref = Math.min(ref, e);
            gap += (e - ref) / Math.abs(ref);
        }
        gap /= ps.size();
        assertTrue(gap < 0.015, "mean gap " + gap);
    }
}
