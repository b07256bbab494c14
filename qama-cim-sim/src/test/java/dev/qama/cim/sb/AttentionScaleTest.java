package dev.qama.cim.sb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.cim.TestProblems;
import dev.qama.cim.kernel.Kernels;
import dev.qama.cim.kernel.SpinSystem;
import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.Vartype;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The automatic ξ0 and step scale of attention problems ({@link SimulatedBifurcation}). */
class AttentionScaleTest {

    private static AttentionProblem problem(double penalty) {
        Random rnd = new Random(5);
        AttentionProblem.Builder b = AttentionProblem.builder(4, 6, 1);
        for (int t = 0; t < 4; t++) {
            b.coupling(t, TestProblems.dense(6, rnd));
            b.linear(t, TestProblems.gaussian(6, 1.0, rnd));
        }
        return b.couplingWeight(1).linearWeight(1).penaltyWeight(penalty).build();
    }

    private static double scale(AttentionProblem p) {
        return SimulatedBifurcation.attentionScale(SpinSystem.of(p, 1, Kernels.Mode.SCALAR));
    }

    @Test
    void penaltyDominatedProblemsGetALargerScaleCappedAtTwo() {
        SpinSystem sys = SpinSystem.of(problem(3), 1, Kernels.Mode.SCALAR);
        // the penalty part of ΣJ² (spin form J = ρ/4 per pair of heads, ordered pairs)
        assertEquals(6 * 4 * 3 * 9 / 16.0, sys.penaltySquares(), 1e-9);
        assertTrue(sys.couplingSquares() > sys.penaltySquares());
        assertEquals(1.0, scale(problem(0)), 0.0); // no penalty: Goto's defaults
        assertEquals(1.0, scale(problem(0.05)), 0.0); // own couplings dominate
        double mid = scale(problem(3));
        double share = 1 - sys.penaltySquares() / sys.couplingSquares();
        assertEquals(Math.max(1, Math.cbrt(0.4 / share)), mid, 1e-12);
        assertTrue(mid > 1 && mid < 2, "scale " + mid);
        assertEquals(2.0, scale(problem(1000)), 0.0);
        // binary quadratic models keep the defaults
        Random rnd = new Random(1);
        SpinSystem bqm =
                SpinSystem.of(
                        TestProblems.model(Vartype.SPIN, TestProblems.dense(8, rnd), 1, rnd),
                        1,
                        Kernels.Mode.SCALAR);
        assertEquals(0.0, bqm.penaltySquares(), 0.0);
        assertEquals(1.0, SimulatedBifurcation.attentionScale(bqm), 0.0);
        assertEquals(
                SimulatedBifurcation.Variant.BALLISTIC,
                SimulatedBifurcation.Variant.AUTO.resolve(problem(3)));
    }
}
