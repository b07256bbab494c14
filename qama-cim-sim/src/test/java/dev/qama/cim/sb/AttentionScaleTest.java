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

    @Test
    void penaltyDominatedProblemsRunOneBallisticReplicaPerRead() {
        SbConfig auto = SbConfig.defaults(SimulatedBifurcation.Variant.AUTO);
        AttentionProblem weakOwn = problem(1000); // scale 2: the heads' own couplings are weak
        AttentionProblem strongOwn = problem(0.05); // scale 1
        assertTrue(scale(weakOwn) >= SimulatedBifurcation.SINGLE_REPLICA_SCALE);
        assertTrue(scale(strongOwn) < SimulatedBifurcation.SINGLE_REPLICA_SCALE);
        int reps = auto.replicasFor(weakOwn, 1);
        assertEquals(SbConfig.ATTENTION_REPLICAS, reps);
        assertEquals(1, SimulatedBifurcation.replicasUsed(auto, weakOwn, 1, reps, scale(weakOwn)));
        assertEquals(
                reps,
                SimulatedBifurcation.replicasUsed(auto, strongOwn, 1, reps, scale(strongOwn)));
        // explicit replicas, the discrete variant and enough reads keep their count
        SbConfig two = auto.withReplicas(2);
        assertEquals(2, SimulatedBifurcation.replicasUsed(two, weakOwn, 1, 2, scale(weakOwn)));
        SbConfig discrete = SbConfig.defaults(SimulatedBifurcation.Variant.DISCRETE);
        assertEquals(2, SimulatedBifurcation.replicasUsed(discrete, weakOwn, 1, 2, scale(weakOwn)));
        assertEquals(3, SimulatedBifurcation.replicasUsed(auto, weakOwn, 3, 3, scale(weakOwn)));
        // and the solve still returns the requested reads, valid
        var r =
                new SimulatedBifurcation(auto)
                        .solve(weakOwn, 7, 1, dev.qama.core.spi.StopCondition.never());
        assertEquals(1, r.size());
        assertEquals(weakOwn.energy(r.best()), r.bestEnergy(), 1e-6);
    }
}
